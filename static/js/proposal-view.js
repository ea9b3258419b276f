// "Cửa hàng không có trong danh sách?": the inspector proposes a store found in the field and surveys it
// at once, offline (docs/store-proposals.md, "On the phone"). The proposal is checked here as the server
// checks it, then becomes a survey draft that carries it: the draft names the proposal instead of a store
// code, and the shop front is its first photo, so the admin sees it beside the proposal. From there it is
// kept, saved and sent like any survey; the outbox posts the proposal first (proposals.js).
// Loaded on the first tap, with its own markup and messages: the app shell has no room for them.
import { el, newDraft } from './form.js';
import { getAll, put } from './idb.js';
import { locate } from './location.js';
import { moreMessages } from './more-messages.js';
import * as photos from './photos.js';
import { checkProposal, proposalOf } from './proposals.js';

const FIX_WAIT_MS = 3000; // at the save, how long a location on its way is waited for
const collator = new Intl.Collator('vi');
let view = null;

// This form's few rules of its own, kept out of the shell's stylesheet (its budget): radios as big as the
// checkboxes, and a field in error outlined in red.
function addStyle() {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`#view-propose input[type=radio] { width: 1.25rem; height: 1.25rem; margin: 0; }
    #view-propose [aria-invalid=true] { border-color: var(--red); }`);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

// The units the phone knows, from its store list (code → name), by name.
async function knownUnits() {
  const units = new Map((await getAll('stores')).map((store) => [store.unit_code, store.unit_name]));
  return new Map([...units].sort((a, b) => collator.compare(a[1], b[1])));
}

const optional = (tt) => el('span', { class: 'muted' }, ` (${tt('proposal_optional')})`);

function markup(tt, vocab) {
  const types = vocab.store_types.map((code) => el('label', { class: 'plan-pick' },
    el('input', { type: 'radio', name: 'p-type', value: code }), ` ${tt(`proposal_type_${code}`)}`));
  return el('section', { 'data-view': 'propose', id: 'view-propose', hidden: '' },
    el('form', { id: 'proposal-form', novalidate: '' },
      el('h1', {}, tt('proposal_title')),
      el('p', { class: 'hint' }, tt('proposal_intro')),
      el('div', { class: 'card' },
        el('div', { class: 'field' }, el('label', { for: 'p-name' }, tt('proposal_name')),
          el('input', { type: 'text', id: 'p-name', autocomplete: 'off', enterkeyhint: 'next' })),
        el('fieldset', { id: 'p-types' }, el('legend', {}, tt('proposal_type')), ...types),
        el('div', { class: 'field' }, el('label', { for: 'p-address' }, tt('proposal_address'), optional(tt)),
          el('textarea', { id: 'p-address', rows: '2' })),
        el('div', { class: 'field' }, el('label', { for: 'p-unit' }, tt('proposal_unit_code'), optional(tt)),
          el('select', { id: 'p-unit' })),
        el('p', { class: 'small muted' }, `${tt('proposal_location')}: `, el('span', { id: 'p-location', 'aria-live': 'polite' }))),
      el('fieldset', { class: 'card' }, el('legend', {}, tt('proposal_photo')),
        el('p', { class: 'hint' }, tt('proposal_photo_hint')),
        el('ul', { id: 'p-photo', class: 'plain photo-list' }),
        el('label', { class: 'button', id: 'p-photo-add' }, el('span', {}, tt('proposal_photo_take')),
          el('input', { type: 'file', id: 'p-photo-input', accept: 'image/*', capture: 'environment', class: 'sr-only' }))),
      el('div', { class: 'form-actions' },
        el('button', { type: 'submit', class: 'primary', id: 'p-save' }, tt('proposal_save')),
        el('button', { type: 'button', id: 'p-cancel' }, tt('proposal_cancel')))));
}

// Each error under its field, naming it, the field marked for screen readers; the first one focused.
function showErrors(form, errors, tt) {
  for (const node of form.querySelectorAll('.field-error')) node.remove();
  for (const node of form.querySelectorAll('[aria-invalid]')) node.removeAttribute('aria-invalid');
  const targets = { name: '#p-name', type: '#p-types', address: '#p-address' };
  let first = null;
  for (const [field, message] of Object.entries(errors)) {
    const target = form.querySelector(targets[field]);
    const note = el('p', { class: 'error field-error', id: `err-p-${field}` }, `${tt(`proposal_${field}`)}: ${message}`);
    if (field === 'type') target.append(note);
    else target.after(note);
    target.setAttribute('aria-invalid', 'true');
    target.setAttribute('aria-describedby', note.id);
    first ??= field === 'type' ? target.querySelector('input') : target;
  }
  first?.focus();
}

function proposalForm({ owner, tt, vocab, show, survey }) {
  addStyle();
  const section = markup(tt, vocab);
  document.querySelector('main.page').append(section);
  const form = section.querySelector('form');
  const $ = (selector) => form.querySelector(selector);
  let id = null;
  let units = new Map();
  let shot = null; // the shop front, shrunk, kept in memory until the proposal is saved
  let preview = null;
  let fixing = null;
  let saving = false;

  function showPhoto() {
    if (preview) URL.revokeObjectURL(preview);
    preview = shot && URL.createObjectURL(shot.blob);
    $('#p-photo').replaceChildren(...(shot ? [el('li', {},
      el('img', { src: preview, alt: tt('proposal_photo') }),
      el('span', { class: 'small muted' }, `${photos.sizeText(shot.blob.size)} (${tt('photo_from')} ${photos.sizeText(shot.originalSize)})`))] : []));
    $('#p-photo-add span').textContent = tt(shot ? 'proposal_photo_again' : 'proposal_photo_take');
  }

  async function onPhoto(event) {
    const file = event.target.files[0];
    event.target.value = '';
    if (!file) return;
    try {
      shot = await photos.shrink(file);
    } catch {
      $('#p-photo').replaceChildren(el('li', { class: 'error' }, tt('photo_unreadable')));
      return;
    }
    showPhoto();
  }

  async function onSave(event) {
    event.preventDefault();
    if (saving) return; // a double tap proposes once
    saving = true;
    try {
      const fields = { id, name: $('#p-name').value, type: form.elements['p-type'].value, address: $('#p-address').value, unit_code: $('#p-unit').value };
      const errors = checkProposal(proposalOf(fields), vocab, tt);
      showErrors(form, errors, tt);
      if (Object.keys(errors).length) return;
      const location = await Promise.race([fixing, new Promise((resolve) => { setTimeout(() => resolve(null), FIX_WAIT_MS); })]);
      const proposal = proposalOf({ ...fields, location });
      const store = { code: null, name: proposal.name, unit_name: units.get(proposal.unit_code) || '' };
      const draft = { ...newDraft(owner, store, vocab), proposal };
      await put('drafts', draft); // kept at once: a crash from here on loses nothing typed
      if (shot) {
        const front = await photos.keep(owner, draft.id, shot, tt('proposal_front_caption'));
        draft.photos = [{ id: front.id, caption: front.caption }];
      }
      await survey(draft);
    } finally {
      saving = false;
    }
  }

  // A new proposal each time: its id is made now, so every send of it is the same proposal.
  async function open() {
    id = crypto.randomUUID();
    form.reset();
    shot = null;
    showPhoto();
    showErrors(form, {}, tt);
    units = await knownUnits();
    $('#p-unit').replaceChildren(el('option', { value: '' }, tt('proposal_unit_unknown')),
      ...[...units].map(([code, name]) => el('option', { value: code }, name)));
    $('#p-location').textContent = tt('location_waiting');
    fixing = locate().then((found) => {
      $('#p-location').textContent = found ? tt('location_taken', Math.round(found.accuracy_m)) : tt('location_none');
      return found;
    });
    show('propose');
    $('#p-name').focus();
  }

  form.addEventListener('submit', onSave);
  $('#p-photo-input').addEventListener('change', onPhoto);
  $('#p-cancel').addEventListener('click', () => show('stores'));
  return { open };
}

// Open the form, drawn on the first call. `survey(draft)` opens the survey form on the saved draft.
export async function openProposal({ owner, t, vocab, show, survey }) {
  view ??= proposalForm({ owner, tt: await moreMessages(t), vocab, show, survey });
  await view.open();
}
