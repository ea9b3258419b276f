// Eco-labelled products in the survey: read by the camera (scanner.js) or typed, checked like the
// server checks a GTIN, each counted once. A product on the certified list (kept on the phone,
// registry.refreshProducts) shows its name, label and whether its certificate is valid on the visit
// day; an unlisted one asks for the label seen on the pack and offers a photo of it. With products,
// the typed label counts step aside: the server derives them from the products (contract).
import { getMeta } from './idb.js';
import { el } from './form.js';
import { gtinProblem } from './rules.js';

// What the inspector typed or the camera read, without the spaces printed between digit groups.
export const tidyGtin = (text) => text.replace(/[\s\u00a0-]/g, '');

// Whether a listed product's certificate holds on a day: 'valid', 'expired' or 'not_yet'.
export function certificateOn(product, day) {
  if (product.valid_from && day < product.valid_from) return 'not_yet';
  if (product.valid_to && day > product.valid_to) return 'expired';
  return 'valid';
}

// The label counts the server will derive (contract): each GTIN once, a listed product under the
// list's label while its certificate is valid on the visit day, an unlisted one under its stated label.
export function derivedCounts(products, listed, day) {
  const counts = {};
  for (const product of products) {
    const known = listed.get(product.gtin);
    const label = known ? known.label : product.label;
    if (!label || (known && certificateOn(known, day) !== 'valid')) continue;
    counts[label] = (counts[label] || 0) + 1;
  }
  return counts;
}

const localDate = (iso) => iso.split('-').reverse().join('/');

export function productsView({ t, getDraft, changed, vocab, photoPart }) {
  const form = document.querySelector('#survey-form');
  let listed = new Map();
  const labelName = (code) => {
    const label = vocab().labels.find((item) => item.code === code);
    if (!label) return code;
    return document.documentElement.lang === 'en' ? label.label_en : label.label_vi;
  };
  const visitDay = () => (getDraft()?.visited || '').slice(0, 10);

  function card() {
    const box = el('fieldset', { class: 'card zone', id: 'product-box' },
      el('legend', {}, t('products_title')),
      el('p', { class: 'hint' }, t('products_hint')),
      el('button', { type: 'button', class: 'primary scan-button', id: 'scan-open' }, t('scan')),
      el('div', { class: 'field' },
        el('label', { for: 'gtin-input' }, t('gtin_typed')),
        el('div', { class: 'gtin-row' },
          el('input', { id: 'gtin-input', type: 'text', inputmode: 'numeric', autocomplete: 'off', enterkeyhint: 'done', maxlength: '20' }),
          el('button', { type: 'button', id: 'gtin-add' }, t('gtin_add'))),
        el('p', { class: 'error', id: 'gtin-error', hidden: '' })),
      el('ul', { class: 'plain product-list', id: 'product-list' }),
      el('p', { class: 'small', id: 'product-summary' }),
      el('p', { class: 'small muted', id: 'product-list-age' }));
    box.querySelector('#gtin-add').addEventListener('click', () => addTyped());
    box.querySelector('#gtin-input').addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      event.preventDefault(); // Enter adds the product, never saves the half-filled survey
      event.stopPropagation();
      addTyped();
    });
    box.querySelector('#scan-open').addEventListener('click', scan);
    box.querySelector('#product-list').addEventListener('click', onListClick);
    box.querySelector('#product-list').addEventListener('change', onListChange);
    return box;
  }

  function fieldError(message) {
    const input = form.querySelector('#gtin-input');
    const note = form.querySelector('#gtin-error');
    note.textContent = message || '';
    note.hidden = !message;
    if (message) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', 'gtin-error');
    } else {
      input.removeAttribute('aria-invalid');
      input.removeAttribute('aria-describedby');
    }
  }

  // Adds a GTIN to the survey; returns the message that refused it, or '' when added.
  function add(text) {
    const gtin = tidyGtin(text);
    const problem = gtinProblem(gtin);
    if (problem) return t(`gtin_${problem}`);
    const draft = getDraft();
    if ((draft.products || []).some((product) => product.gtin === gtin)) return t('product_twice');
    draft.products = [...(draft.products || []), { gtin }];
    changed();
    draw();
    form.querySelector(`[data-gtin="${gtin}"]`)?.scrollIntoView({ block: 'center' });
    return '';
  }

  function addTyped() {
    const input = form.querySelector('#gtin-input');
    const refused = add(input.value);
    fieldError(refused);
    if (refused) input.focus();
    else input.value = '';
  }

  async function scan() {
    const { readBarcode } = await import('./scanner.js');
    const result = await readBarcode({ t });
    if (result.code) {
      const refused = add(result.code);
      fieldError(refused);
    } else if (result.message) {
      fieldError(result.message);
      form.querySelector('#gtin-input').focus();
    }
  }

  function onListClick(event) {
    const gtin = event.target.dataset.removeProduct;
    if (!gtin) return;
    const draft = getDraft();
    draft.products = draft.products.filter((product) => product.gtin !== gtin);
    changed();
    draw();
  }

  async function onListChange(event) {
    const { labelFor, photoFor } = event.target.dataset;
    if (labelFor) {
      event.stopPropagation();
      const draft = getDraft();
      draft.products = draft.products.map((product) => (
        product.gtin === labelFor ? { gtin: product.gtin, ...(event.target.value ? { label: event.target.value } : {}) } : product));
      changed();
      draw();
    } else if (photoFor) {
      // The pack's photo goes with the survey's photos, its caption naming the product.
      await (await photoPart()).onFile(event, `${t('product_photo')} ${photoFor}`);
    }
  }

  function productItem(product, day) {
    const known = listed.get(product.gtin);
    const item = el('li', { 'data-gtin': product.gtin });
    const remove = el('button', { type: 'button', class: 'danger', 'data-remove-product': product.gtin }, t('product_remove'));
    if (known) {
      const state = certificateOn(known, day);
      const until = state === 'not_yet' ? known.valid_from : known.valid_to;
      item.className = `product cert-${state}`;
      item.append(el('strong', {}, known.name), el('span', {}, `${known.brand ? `${known.brand} · ` : ''}${labelName(known.label)}`),
        el('span', { class: 'cert' }, t(`cert_${state}`, until ? localDate(until) : '–')),
        el('span', { class: 'small muted' }, `${product.gtin} · ${t('certificate_no')} ${known.certificate_no}`), remove);
      return item;
    }
    item.className = 'product unlisted';
    const id = `label-${product.gtin}`;
    const select = el('select', { id, 'data-label-for': product.gtin },
      el('option', { value: '' }, t('product_choose_label')),
      ...vocab().labels.map((label) => el('option', { value: label.code }, labelName(label.code))));
    select.value = product.label || '';
    if (!product.label) {
      select.setAttribute('aria-invalid', 'true');
      select.setAttribute('aria-describedby', `${id}-error`);
    }
    const photo = el('label', { class: 'button' }, t('product_photo'),
      el('input', { type: 'file', accept: 'image/*', capture: 'environment', class: 'sr-only', 'data-photo-for': product.gtin }));
    item.append(el('strong', {}, product.gtin), el('span', { class: 'cert' }, t('product_unknown')),
      el('label', { for: id }, t('product_label_seen')), select,
      ...(product.label ? [] : [el('p', { class: 'error', id: `${id}-error` }, t('product_label_needed'))]),
      el('div', { class: 'actions' }, photo, remove));
    return item;
  }

  function draw() {
    const draft = getDraft();
    const box = form.querySelector('#product-box');
    if (!draft || !box) return;
    const products = draft.products || [];
    const day = visitDay();
    box.querySelector('#product-list').replaceChildren(...products.map((product) => productItem(product, day)));
    const counts = derivedCounts(products, listed, day);
    const parts = Object.entries(counts).map(([label, count]) => `${labelName(label)}: ${count}`);
    box.querySelector('#product-summary').textContent = products.length
      ? `${t('products_read', products.length)} · ${t('products_counted')}: ${parts.join(' · ') || '0'}` : '';
    // The typed counts step aside while products stand for them (the server refuses both at once).
    const labels = form.querySelector('#label-box');
    labels.classList.toggle('from-products', products.length > 0);
    let note = labels.querySelector('.from-products-note');
    if (!note) {
      note = el('p', { class: 'hint from-products-note' }, t('labels_from_products'));
      labels.querySelector('legend').after(note);
    }
  }

  async function render() {
    const stored = await getMeta('products');
    listed = new Map((stored?.products || []).map((product) => [product.gtin, product]));
    form.querySelector('#product-box')?.remove();
    form.querySelector('#label-box').before(card());
    // How old the phone's copy is: a product certified last week is unknown to a copy of last month.
    form.querySelector('#product-list-age').textContent = stored
      ? `${t('products_list', listed.size)} · ${t('list_updated')}: ${new Date(stored.refreshedAt).toLocaleString('vi-VN')}`
      : t('products_list_none');
    draw();
  }

  return { render, draw };
}
