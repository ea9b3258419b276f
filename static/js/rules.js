// The checks the server makes, made on the phone first so that the inspector hears
// about a mistake in the store, not days later. Pure functions: no DOM, no storage.
const DAY_MS = 24 * 3600 * 1000;
const LOCAL_OFFSET = '+07:00'; // Asia/Ho_Chi_Minh has no daylight saving time

export function localIso(inputValue) {
  // '2025-06-14T09:30' from <input type=datetime-local> → ISO 8601 with the local offset.
  return inputValue.length === 16 ? `${inputValue}:00${LOCAL_OFFSET}` : `${inputValue}${LOCAL_OFFSET}`;
}

export function nowLocalInput(now = new Date()) {
  const local = new Date(now.getTime() + 7 * 3600 * 1000);
  return local.toISOString().slice(0, 16);
}

export function zoneTotals(packaging, categories) {
  const eco = new Map(categories.map((c) => [c.code, c.eco]));
  const totals = {};
  for (const line of packaging) {
    const zone = (totals[line.zone] ??= { eco: 0, total: 0 });
    zone.total += line.count;
    if (eco.get(line.category)) zone.eco += line.count;
  }
  return totals;
}

export function ecoShare(zone) {
  return zone && zone.total ? zone.eco / zone.total : null;
}

export function ruleForYear(rules, year) {
  const phases = Object.values(rules).sort((a, b) => a.first_year - b.first_year);
  return phases.find((p) => year <= p.last_year) ?? phases[phases.length - 1];
}

// Exact in integers, as on the server: eco·100 ≥ min·total.
export function isCompliant(totals, rule) {
  return rule.zones.every((zone) => {
    const t = totals[zone];
    return !t || !t.total || t.eco * 100 >= rule.min_eco_share_pct * t.total;
  });
}

const isCount = (value, max) => Number.isInteger(value) && value >= 0 && value <= max;

export function validateSurvey(survey, vocab, t, now = Date.now()) {
  const errors = {};
  if (!survey.store_code) errors.store_code = t('choose_store');
  const visited = Date.parse(survey.visited_at);
  if (Number.isNaN(visited)) errors.visited_at = t('visit_time_required');
  else if (visited > now + DAY_MS) errors.visited_at = t('visit_in_future');
  else if (visited < Date.UTC(2000, 0, 1)) errors.visited_at = t('visit_implausible');
  const allowed = new Map(vocab.categories.map((c) => [c.code, c.zones]));
  survey.packaging.forEach((line, i) => {
    if (!isCount(line.count, vocab.max_count)) errors[`packaging.${i}.count`] = t('count_range');
    if (!(allowed.get(line.category) || []).includes(line.zone)) errors[`packaging.${i}.category`] = t('bad_category');
  });
  if (!survey.packaging.some((line) => line.zone === 'checkout' && line.count > 0)) {
    errors.packaging = t('checkout_empty');
  }
  const labels = new Set(vocab.labels.map((l) => l.code));
  let labelled = 0;
  survey.eco_labels.forEach((line, i) => {
    if (!isCount(line.sku_count, vocab.max_count)) errors[`eco_labels.${i}.sku_count`] = t('count_range');
    if (!labels.has(line.label)) errors[`eco_labels.${i}.label`] = t('bad_label');
    labelled += line.sku_count;
  });
  if (survey.skus_checked !== null) {
    if (!isCount(survey.skus_checked, vocab.max_count)) errors.skus_checked = t('count_range');
    else if (labelled > survey.skus_checked) errors.skus_checked = t('skus_fewer');
  }
  if (survey.notes.length > vocab.max_notes) errors.notes = t('notes_long');
  return errors;
}
