// The survey form: steppers for one thumb, live eco shares and verdict, a draft saved
// on every change so that a reload, a crash or an app update loses nothing.
import { done, put, setMeta, transaction } from './idb.js';
import { eachOfSurvey } from './photos.js';
import { ecoShare, failedZones, localIso, nowLocalInput, ruleForYear, validateSurvey, zoneTotals } from './rules.js';

const SAVE_DELAY_MS = 300;

export function newDraft(owner, store, vocab) {
  const id = crypto.randomUUID ? crypto.randomUUID() : fallbackUuid();
  return {
    id, owner, store_code: store.code, storeName: store.name, unitName: store.unit_name,
    visited: nowLocalInput(vocab.utc_offset_minutes), counts: {}, labels: {}, updatedAt: new Date().toISOString(),
    // The fields typed into inputs of their own (survey_fields.TYPED), kept as typed.
    ...Object.fromEntries(vocab.typed_fields.map((field) => [field.name, ''])),
  };
}

function fallbackUuid() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// A typed count: blank is none, plain digits a number, anything else ("12e3", "-5") NaN, refused by the rules.
const countOf = (typed) => {
  const text = String(typed ?? '').trim();
  return text === '' ? null : /^\d+$/.test(text) ? Number(text) : Number.NaN;
};

export function payloadOf(draft, vocab) {
  const packaging = [];
  for (const [key, count] of Object.entries(draft.counts)) {
    const [zone, category] = key.split('|');
    if (count !== 0) packaging.push({ zone, category, count }); // a bad count stays, to be refused
  }
  // Products read by barcode replace the typed label counts: the server derives those from them.
  const products = draft.products || [];
  const ecoLabels = products.length ? [] : Object.entries(draft.labels)
    .filter(([, count]) => count !== 0)
    .map(([label, count]) => ({ label, product_group: '', sku_count: count }));
  const payload = {
    id: draft.id, ...(draft.proposal ? { store_proposal: draft.proposal.id } : { store_code: draft.store_code }), visited_at: localIso(draft.visited, vocab.utc_offset_minutes),
    form_version: vocab.form_version, packaging, eco_labels: ecoLabels,
  };
  for (const { name, kind } of vocab.typed_fields) {
    // Composed (NFC), as the server stores it and counts its length.
    payload[name] = kind === 'count' ? countOf(draft[name]) : (draft[name] ?? '').normalize('NFC');
  }
  if (draft.supersedes) payload.supersedes = draft.supersedes; // a correction of a returned survey
  // A listed product takes the list's label; an unlisted one the label the inspector saw on it.
  if (products.length) payload.products = products.map(({ gtin, label }) => (label ? { gtin, label } : { gtin }));
  if (draft.customers) payload.transactions_observed = draft.customers; // counted by the tally (tally.js)
  // Listed only when there are some: a survey without photos keeps the hash it always had.
  if (draft.photos?.length) payload.photos = draft.photos.map(({ id, caption }) => ({ id, caption: caption.trim() }));
  return payload;
}

// A returned survey opened for correction: a new survey (new id) with the old one's counts.
export function draftFromSurvey(owner, survey, store, vocab) {
  const draft = newDraft(owner, store, vocab);
  for (const line of survey.packaging) draft.counts[`${line.zone}|${line.category}`] = line.count;
  for (const line of survey.eco_labels) draft.labels[line.label] = (draft.labels[line.label] || 0) + line.sku_count;
  draft.visited = survey.visited_at.slice(0, 16);
  for (const { name } of vocab.typed_fields) draft[name] = survey[name] === null ? '' : String(survey[name] ?? '');
  draft.supersedes = survey.id;
  // Its products again (a listed one without the label the list gives it), and its tally's customers.
  draft.products = (survey.products || []).map(({ gtin, label, listed }) => (listed ? { gtin } : { gtin, label }));
  if (survey.transactions_observed) draft.customers = survey.transactions_observed;
  draft.carried = survey.photos?.length || 0; // kept with the correction on the server (photos.carried)
  return draft;
}

// An element with its attributes and children: the form and the parts drawn into it build with this.
export const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
};

function stepper(id, key, label, value, badge, t) {
  const input = el('input', {
    id, type: 'text', inputmode: 'numeric', pattern: '[0-9]*', autocomplete: 'off', enterkeyhint: 'next',
    'data-key': key, value: String(value),
  });
  return el('div', { class: 'stepper' },
    el('label', { for: id }, label, ...(badge ? [' ', el('span', { class: 'badge' }, badge)] : [])),
    el('button', { type: 'button', class: 'step', 'data-step': '-1', 'aria-label': `${t('less')}: ${label}` }, '−'),
    input,
    el('button', { type: 'button', class: 'step', 'data-step': '1', 'aria-label': `${t('more')}: ${label}` }, '+'));
}

function labelOf(item) {
  return document.documentElement.lang === 'en' ? item.label_en : item.label_vi;
}

export function renderForm(form, draft, vocab, t) {
  const fields = form.querySelector('#form-fields');
  fields.replaceChildren();
  form.querySelector('#form-store').textContent = draft.storeName;
  const correction = draft.supersedes ? ` · ${t('correction')}` : '';
  form.querySelector('#form-store-meta').textContent = `${draft.proposal ? t('field_store_proposal') : draft.store_code} · ${draft.unitName || ''}${correction}`;
  form.querySelector('#f-visited').value = draft.visited;
  for (const input of form.querySelectorAll('[data-field]')) input.value = draft[input.dataset.field] ?? '';
  for (const zone of vocab.zones) {
    const box = el('fieldset', { class: 'card zone', 'data-zone': zone },
      el('legend', {}, t(`zone_${zone}`)), el('p', { class: 'hint' }, t(`zone_${zone}_hint`)),
      el('p', { class: 'share', id: `share-${zone}` }));
    for (const category of vocab.categories.filter((c) => c.zones.includes(zone))) {
      const key = `${zone}|${category.code}`;
      box.append(stepper(`c-${zone}-${category.code}`, key, labelOf(category), draft.counts[key] || 0,
        category.eco ? t('eco') : '', t));
    }
    fields.append(box);
  }
  const labels = el('fieldset', { class: 'card zone', id: 'label-box' }, el('legend', {}, t('eco_labels')));
  for (const label of vocab.labels) {
    labels.append(stepper(`l-${label.code}`, `label|${label.code}`, labelOf(label), draft.labels[label.code] || 0,
      label.counted ? '' : t('not_counted'), t));
  }
  fields.append(labels);
  updateLive(form, draft, vocab, t);
}

export function readForm(form, draft) {
  const counts = {};
  const labels = {};
  for (const input of form.querySelectorAll('input[data-key]')) {
    // Digits only: "12e3", "-5" or "1.5" are not counts, and stay wrong until fixed.
    const text = input.value.trim();
    const value = text === '' ? 0 : /^\d+$/.test(text) ? Number(text) : Number.NaN;
    const [zone, code] = input.dataset.key.split('|');
    if (zone === 'label') labels[code] = value;
    else counts[input.dataset.key] = value;
  }
  const typed = Object.fromEntries([...form.querySelectorAll('[data-field]')].map((input) => [input.dataset.field, input.value]));
  return {
    ...draft, ...typed, counts, labels, visited: form.querySelector('#f-visited').value, updatedAt: new Date().toISOString(),
  };
}

export function updateLive(form, draft, vocab, t) {
  const payload = payloadOf(draft, vocab);
  const totals = zoneTotals(payload.packaging, vocab.categories);
  for (const zone of vocab.zones) {
    const share = ecoShare(totals[zone]);
    form.querySelector(`#share-${zone}`).textContent =
      `${t('eco_share')}: ${share === null ? '–' : `${(share * 100).toLocaleString('vi-VN', { maximumFractionDigits: 1 })}%`}`;
  }
  const year = Number((draft.visited || nowLocalInput(vocab.utc_offset_minutes)).slice(0, 4));
  const rule = ruleForYear(vocab.rules, year);
  const verdict = form.querySelector('#verdict');
  const countErrors = Object.fromEntries(Object.entries(validateSurvey(payload, vocab, t))
    .filter(([path]) => /count$/.test(path)));
  markFields(form, payload, countErrors, t);
  if (Object.keys(countErrors).length) {
    // No verdict on counts that are not counts.
    verdict.textContent = t('verdict_fix_counts');
    verdict.className = 'verdict';
  } else if (!totals.checkout?.total) {
    verdict.textContent = t('verdict_unknown');
    verdict.className = 'verdict';
  } else {
    const failed = failedZones(totals, rule);
    const ok = failed.length === 0;
    const why = failed.map((zone) => `${t(`zone_${zone}`)} < ${rule.min_eco_share_pct.toLocaleString('vi-VN')}%`).join('; ');
    const over = draft.customers ? ` · ${t('over_customers', draft.customers)}` : '';
    verdict.textContent = `${ok ? t('verdict_ok') : t('verdict_not_ok')}${why ? ` (${why})` : ''}${over} · ${t('rule_version')} ${rule.version}`;
    verdict.className = ok ? 'verdict ok' : 'verdict bad';
  }
  return payload;
}

// Where an error belongs: the input of a count line, or the field of the form.
function inputFor(form, payload, path) {
  const [field, index] = path.split('.');
  if (field === 'packaging' && index !== undefined) {
    const line = payload.packaging[Number(index)];
    return line && form.querySelector(`input[data-key="${line.zone}|${line.category}"]`);
  }
  if (field === 'eco_labels' && index !== undefined) {
    const line = payload.eco_labels[Number(index)];
    return line && form.querySelector(`input[data-key="label|${line.label}"]`);
  }
  return form.querySelector(field === 'visited_at' ? '#f-visited' : `[data-field="${field}"]`);
}

// Put each error next to its field, naming the field, and mark the field for screen readers.
function markFields(form, payload, errors, t) {
  for (const node of form.querySelectorAll('.field-error')) node.remove();
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  }
  const marked = [];
  for (const [path, message] of Object.entries(errors)) {
    const input = inputFor(form, payload, path);
    if (!input) continue;
    const name = form.querySelector(`label[for="${input.id}"]`)?.firstChild?.textContent?.trim() || t(`field_${path.split('.')[0]}`);
    const note = el('p', { class: 'error field-error', id: `err-${input.id}` }, `${name}: ${message}`);
    (input.closest('.stepper') || input).after(note);
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', note.id);
    marked.push(input);
  }
  return marked;
}

export function showErrors(form, errors, t, payload = { packaging: [], eco_labels: [] }) {
  const marked = markFields(form, payload, errors, t);
  const general = Object.entries(errors).filter(([path]) => !inputFor(form, payload, path));
  const box = form.querySelector('#form-errors');
  box.replaceChildren(...general.map(([path, message]) => el('p', { class: 'error' }, `${t(`field_${path.split('.')[0]}`)}: ${message}`)));
  box.hidden = general.length === 0;
  if (marked.length) marked[0].focus();
  else if (general.length) box.scrollIntoView({ block: 'center' });
}

// Save the draft soon after each change, and at once when asked (page hidden, update).
export function draftSaver(getDraft) {
  let timer = null;
  const saveNow = async () => {
    clearTimeout(timer);
    timer = null;
    const draft = getDraft();
    if (draft) {
      await put('drafts', draft);
      await setMeta('currentDraft', draft.id);
    }
  };
  return {
    later: () => { clearTimeout(timer); timer = setTimeout(saveNow, SAVE_DELAY_MS); },
    now: saveNow,
    // Before a draft is saved as final or deleted: no late write may bring it back.
    cancel: () => { clearTimeout(timer); timer = null; },
  };
}

// A deleted draft takes its photos with it, in the same transaction.
export function discardDraft(id) {
  return transaction(['drafts', 'meta', 'photos'], 'readwrite', async (s) => {
    await done(s.drafts.delete(id));
    await done(s.meta.put({ key: 'currentDraft', value: null }));
    await eachOfSurvey(s.photos, id, (photo) => done(s.photos.delete(photo.id)));
  });
}

export function check(draft, vocab, t) {
  const payload = payloadOf(draft, vocab);
  return { payload, errors: validateSurvey(payload, vocab, t) };
}

// The keypad's Enter key goes to the next count instead of saving a half-filled survey:
// counts are entered one after the other with one tap on the first. Returns true if it moved.
export function focusNextCount(form, input) {
  const fields = [...form.querySelectorAll('input[data-key], [data-kind="count"]')];
  const index = fields.indexOf(input);
  if (index < 0) return false;
  const next = fields[index + 1] || form.querySelector('[data-kind="text"]');
  next.focus();
  if (next.select) next.select();
  return true;
}

export function step(input, delta) {
  const next = Math.max(0, (Number(input.value) || 0) + delta);
  input.value = String(next);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}
