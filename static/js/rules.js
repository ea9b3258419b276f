// The checks the server makes, made on the phone first so that the inspector hears
// about a mistake in the store, not days later. Pure functions: no DOM, no storage.
// Every limit, the local time and each phase's rule come from the server in
// vocabularies.json (docs/architecture.md): none is typed here a second time.
const HOUR_MS = 3600 * 1000;

function offsetText(minutes) {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

// '2025-06-14T09:30' from <input type=datetime-local> → ISO 8601 with the province's offset.
export function localIso(inputValue, offsetMinutes) {
  const seconds = inputValue.length === 16 ? ':00' : '';
  return `${inputValue}${seconds}${offsetText(offsetMinutes)}`;
}

// Now in the province's local time, as a datetime-local input shows it.
export function nowLocalInput(offsetMinutes, now = new Date()) {
  return new Date(now.getTime() + offsetMinutes * 60 * 1000).toISOString().slice(0, 16);
}

// Today's date in the province (YYYY-MM-DD), whatever zone the phone is set to.
export const localToday = (offsetMinutes, now = new Date()) => nowLocalInput(offsetMinutes, now).slice(0, 10);

// A moment as the province reads it ('14:05:03 3/12/2026'), as toLocaleString('vi-VN') writes it.
// One formatter per time zone: building one is the costly part, and lists show hundreds of times.
const timeFormats = new Map();
export function timeText(iso, timeZone) {
  if (!iso) return '–';
  const key = timeZone ?? '';
  if (!timeFormats.has(key)) {
    timeFormats.set(key, new Intl.DateTimeFormat('vi-VN', {
      timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    }));
  }
  return timeFormats.get(key).format(new Date(iso));
}

// What the header counts as unsent: the surveys queued, and the photos whose survey has arrived but
// which have not (waiting to go, or refused and waiting for the inspector).
export const unsentCounts = (queued, photos) => ({
  surveys: queued.length,
  photos: photos.filter((photo) => photo.state === 'upload' || photo.state === 'refused').length,
});

// The server's policy.store_open_on: open from its opening day to the end of its closing day.
export const storeOpenOn = (store, day) => (!store.opened_on || store.opened_on <= day) && (!store.closed_on || store.closed_on >= day);

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

// Exact in integers, as on the server: eco·10000 ≥ (minimum in hundredths of a percent)·total.
// An empty zone passes. Returns the judged zones that fail.
export function failedZones(totals, rule) {
  return rule.zones.filter((zone) => {
    const t = totals[zone];
    return t && t.total && t.eco * 10000 < rule.min_eco_share_hundredths * t.total;
  });
}

export const isCompliant = (totals, rule) => failedZones(totals, rule).length === 0;

const isCount = (value, max) => Number.isInteger(value) && value >= 0 && value <= max;

export function validateSurvey(survey, vocab, t, now = Date.now()) {
  const errors = {};
  if (!survey.store_code && !survey.store_proposal) errors.store_code = t('choose_store');
  const visited = Date.parse(survey.visited_at);
  if (Number.isNaN(visited)) errors.visited_at = t('visit_time_required');
  else if (visited > now + vocab.future_tolerance_hours * HOUR_MS) errors.visited_at = t('visit_in_future');
  else if (visited < Date.UTC(vocab.earliest_year, 0, 1)) errors.visited_at = t('visit_implausible');
  const allowed = new Map(vocab.categories.map((c) => [c.code, c.zones]));
  survey.packaging.forEach((line, i) => {
    if (!isCount(line.count, vocab.max_count)) errors[`packaging.${i}.count`] = t('count_range');
    if (!(allowed.get(line.category) || []).includes(line.zone)) errors[`packaging.${i}.category`] = t('bad_category');
  });
  if (!survey.packaging.some((line) => line.zone === 'checkout' && line.count > 0)) {
    errors.packaging = t('checkout_empty');
  }
  const labels = new Set(vocab.labels.map((l) => l.code));
  survey.eco_labels.forEach((line, i) => {
    if (!isCount(line.sku_count, vocab.max_count)) errors[`eco_labels.${i}.sku_count`] = t('count_range');
    if (!labels.has(line.label)) errors[`eco_labels.${i}.label`] = t('bad_label');
  });
  const customers = survey.transactions_observed;
  if (customers !== undefined && !(isCount(customers, vocab.max_transactions) && customers > 0)) {
    errors.transactions_observed = t('customers_range', vocab.max_transactions);
  }
  // The server derives the label counts from the products: never both.
  if (survey.products && survey.eco_labels.length) errors.eco_labels = t('labels_with_products');
  // A listed product may leave its label out (the list gives it); the form asks it of any other.
  (survey.products || []).forEach((line, i) => {
    if (gtinProblem(line.gtin)) errors[`products.${i}.gtin`] = t(`gtin_${gtinProblem(line.gtin)}`);
    else if (line.label !== undefined && !labels.has(line.label)) errors[`products.${i}.label`] = t('bad_label');
  });
  for (const { name, kind, max_length: maxLength } of vocab.typed_fields) {
    const value = survey[name] ?? null; // left out is unused, as the server's model has it
    if (kind === 'count' && value !== null && !isCount(value, vocab.max_count)) errors[name] = t('count_range');
    // Counted as the server counts: trimmed, in characters (not UTF-16 units); refused with its length.
    const length = kind === 'text' ? [...(value ?? '').trim()].length : 0;
    if (length > maxLength) errors[name] = t(`${name}_long`, length);
  }
  return errors;
}

// Values that are allowed but unlikely (the server's policy.unlikely_values): the phone asks
// "are you sure?" and saves if so. A product line may carry two labels, so more labelled SKUs
// than SKUs checked can be right.
export function softWarnings(survey, vocab) {
  const sum = (lines, count) => lines.reduce((total, line) => total + count(line), 0);
  const checkout = sum(survey.packaging.filter((line) => line.zone === 'checkout'), (line) => line.count);
  // Products read by barcode stand for the label counts, which the server derives from them.
  const labelled = sum(survey.eco_labels, (line) => line.sku_count) + (survey.products?.length || 0);
  const warnings = [];
  if (checkout > vocab.plausible_checkout_units) warnings.push('warn_many_bags');
  if (survey.skus_checked !== null && labelled > survey.skus_checked) warnings.push('warn_labels_over_checked');
  if ((survey.transactions_observed ?? Infinity) < vocab.few_customers) warnings.push('warn_few_customers');
  return warnings;
}

// What is wrong with a GTIN, as the server's products.gtin says it ('digits', 'length',
// 'check_digit'), or null: 8, 12 or 13 digits, the last one the GS1 check digit.
export function gtinProblem(text) {
  if (!/^\d+$/.test(text)) return 'digits';
  if (![8, 12, 13].includes(text.length)) return 'length';
  const body = [...text.slice(0, -1)].reverse();
  const total = body.reduce((sum, digit, position) => sum + Number(digit) * (position % 2 === 0 ? 3 : 1), 0);
  return (10 - (total % 10)) % 10 === Number(text.at(-1)) ? null : 'check_digit';
}
