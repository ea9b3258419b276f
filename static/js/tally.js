// The checkout tally: one big button per checkout category, one tap per bag handed out, and
// "Khách tiếp theo" after each customer. The taps are the draft's own (draft.tally), so a reload
// or a locked screen midway loses none; the form's checkout counts and draft.customers follow them.
import { el } from './form.js';
import { ecoShare, zoneTotals } from './rules.js';

const NEXT = '+'; // a customer finished, in the log of taps
const MAX_TAPS = 5000; // far past any checkout of about 30 customers

// The customers watched: each one finished, and the one at the till if anything was counted for them.
export function customersOf(log) {
  const finished = log.filter((tap) => tap === NEXT).length;
  return finished + (log.length && log.at(-1) !== NEXT ? 1 : 0);
}

export function countsOf(log) {
  const counts = {};
  for (const tap of log) if (tap !== NEXT) counts[tap] = (counts[tap] || 0) + 1;
  return counts;
}

// A category's name without its explanation in brackets: the button has room for a few words.
const shortName = (text) => text.replace(/\s*\(.*\)\s*$/, '');

export function tallyView({ t, getDraft, changed, show, vocab }) {
  const form = document.querySelector('#survey-form');
  const categories = () => vocab().categories.filter((category) => category.zones.includes('checkout'));
  const nameOf = (category) => (document.documentElement.lang === 'en' ? category.label_en : category.label_vi);
  let view = null;

  function build() {
    const grid = el('div', { class: 'tally-grid' }, ...categories().map((category) => el('button', {
      type: 'button', class: category.eco ? 'tally-tap eco' : 'tally-tap', 'data-tap': category.code,
    }, el('span', {}, shortName(nameOf(category))), el('strong', { 'data-count': category.code }, '0'))));
    view = el('section', { 'data-view': 'tally', id: 'view-tally', class: 'tally', hidden: '' },
      el('h1', {}, t('tally_title')),
      el('p', { class: 'tally-now', id: 'tally-now', 'aria-live': 'polite' }),
      grid,
      el('button', { type: 'button', class: 'primary tally-next', 'data-tally': 'next' }, t('tally_next')),
      el('div', { class: 'tally-row' },
        el('button', { type: 'button', 'data-tally': 'undo' }, t('tally_undo')),
        el('button', { type: 'button', 'data-tally': 'close' }, t('tally_close'))),
      el('p', { class: 'small', id: 'tally-said', 'aria-live': 'polite' }),
      el('p', { class: 'small muted' }, t('tally_hint')));
    view.addEventListener('click', onTap);
    document.querySelector('main').append(view);
  }

  const logOf = (draft) => draft.tally?.log || [];

  // The form's checkout counts become the tally's, so the shares, the verdict and the payload follow.
  function apply(log) {
    const draft = getDraft();
    draft.tally = { log };
    draft.customers = customersOf(log);
    const counts = countsOf(log);
    for (const category of categories()) {
      const input = form.querySelector(`input[data-key="checkout|${category.code}"]`);
      if (input) input.value = String(counts[category.code] || 0);
    }
    changed();
    draw();
  }

  function draw() {
    const draft = getDraft();
    if (!draft || !view) return;
    const log = logOf(draft);
    const counts = countsOf(log);
    for (const node of view.querySelectorAll('[data-count]')) node.textContent = String(counts[node.dataset.count] || 0);
    const finished = log.filter((tap) => tap === NEXT).length;
    const lines = Object.entries(counts).map(([category, count]) => ({ zone: 'checkout', category, count }));
    const share = ecoShare(zoneTotals(lines, vocab().categories).checkout);
    const shareText = share === null ? '' : ` · ${t('eco_share')}: ${(share * 100).toLocaleString('vi-VN', { maximumFractionDigits: 1 })}%`;
    view.querySelector('#tally-now').textContent = `${t('tally_customer', finished + 1)} · ${t('tally_finished', finished)}${shareText}`;
    summary();
  }

  // The line in the form's checkout box: how many customers the counts rest on.
  function summary() {
    const node = form.querySelector('#tally-summary');
    const draft = getDraft();
    if (node && draft) node.textContent = draft.customers ? t('tally_counted', draft.customers) : t('tally_none');
  }

  function onTap(event) {
    const button = event.target.closest('button');
    if (!button) return;
    const draft = getDraft();
    const log = logOf(draft);
    const said = view.querySelector('#tally-said');
    if (button.dataset.tap) {
      if (log.length >= MAX_TAPS) return;
      navigator.vibrate?.(15);
      said.textContent = '';
      apply([...log, button.dataset.tap]);
    } else if (button.dataset.tally === 'next') {
      // A customer who took nothing is still a customer watched.
      navigator.vibrate?.(40);
      apply([...log, NEXT]);
    } else if (button.dataset.tally === 'undo') {
      if (!log.length) {
        said.textContent = t('tally_nothing');
        return;
      }
      const last = log.at(-1);
      const category = categories().find((c) => c.code === last);
      said.textContent = `${t('tally_undone')}: ${category ? shortName(nameOf(category)) : t('tally_next')}`;
      apply(log.slice(0, -1));
    } else if (button.dataset.tally === 'close') {
      close();
    }
  }

  function typedCheckout() {
    return [...form.querySelectorAll('input[data-key^="checkout|"]')].some((input) => input.value.trim() && input.value.trim() !== '0');
  }

  function open() {
    const draft = getDraft();
    if (!draft) return;
    // Counts typed before the tally started are replaced by it: asked once, before the first tap.
    if (!logOf(draft).length && typedCheckout() && !window.confirm(t('tally_replace'))) return;
    if (!view) build();
    draft.tallyOpen = true; // a reload in the middle comes back to the tally
    apply(logOf(draft)); // the form's checkout counts are the tally's from now on
    document.body.classList.add('tallying');
    show('tally');
    view.querySelector('.tally-tap')?.focus();
  }

  function close() {
    const draft = getDraft();
    if (draft?.tallyOpen) {
      draft.tallyOpen = false;
      changed();
    }
    document.body.classList.remove('tallying');
    show('form');
    form.querySelector('#tally-open')?.scrollIntoView({ block: 'center' });
  }

  // Its entry in the form's checkout box, drawn again with each form.
  function render() {
    const box = form.querySelector('fieldset[data-zone="checkout"]');
    if (!box) return;
    const entry = el('div', { class: 'tally-entry' },
      el('button', { type: 'button', class: 'primary', id: 'tally-open' }, t('tally_open')),
      el('p', { class: 'small', id: 'tally-summary' }));
    entry.querySelector('button').addEventListener('click', open);
    box.querySelector('.hint').after(entry);
    summary();
    if (getDraft()?.tallyOpen) open();
  }

  return { render, open, close };
}
