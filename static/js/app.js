// The inspector's app: store picker, survey form and outbox on one page that works
// with no network. Sending is tried on load, after each save, when the network or
// the page comes back, on a button, and by Background Sync where the browser has it.
// The start draws the store picker from what boot.js read; every other part (the form,
// sending, the sent surveys) is imported when first needed or just after the first paint.
import { byOwner, get, put } from './idb.js';
import { beingCorrected, refreshMyList, returnedCount, returnedSurvey } from './mine.js';
import './select-count.js';
import { findStore } from './registry.js';
import { localToday, softWarnings, timeText, unsentCounts } from './rules.js';
import { storeView } from './store-view.js';

const $ = (selector) => document.querySelector(selector);
const owner = document.querySelector('meta[name="app-user"]').content;
const messages = JSON.parse($('#messages').textContent);
// A message, its {n} in the page's digits (3.089 in Vietnamese).
const t = (key, n) => {
  const text = messages[key] ?? key;
  return n === undefined ? text : text.replace('{n}', n.toLocaleString(document.documentElement.lang));
};
const state = { vocab: null, draft: null, saving: false, registration: null };
// A module asked for once, whoever asks first.
const once = (load) => {
  let loading = null;
  return () => (loading ??= load());
};
const sending = once(() => import('./outbox.js'));
const place = once(() => import('./location.js'));
// The form's module and its draft saver, with the first form opened.
let form = null;
let saver = null;
const formPart = once(async () => {
  form = await import('./form.js');
  saver = form.draftSaver(() => state.draft);
  return form;
});
// The messages of the parts loaded on demand (more-messages.js), joined to the page's before any
// of those parts draws; without them (never fetched yet) the parts still work, showing keys.
let more = null;
const tAll = (key, n) => (more ? more(key, n) : t(key, n));
async function loadMoreMessages() {
  more ??= await (await import('./more-messages.js')).moreMessages(t).catch(() => null);
}

// The photo part, loaded with the first form opened (the shell's budget).
let photoBox = null;
const photoPart = async () => {
  await loadMoreMessages();
  photoBox ??= (await import('./photo-view.js')).photoView({
    owner, t: tAll, getDraft: () => state.draft, changed: (now = true) => (now ? saver.now() : saver.later()),
  });
  return photoBox;
};

function show(view) {
  for (const section of document.querySelectorAll('[data-view]')) section.hidden = section.dataset.view !== view;
  for (const tab of document.querySelectorAll('[data-tab]')) tab.classList.toggle('active', tab.dataset.tab === view);
  window.scrollTo(0, 0);
}

function status(text, kind = 'info') {
  const box = $('#status');
  box.textContent = text;
  box.className = `flash flash-${kind}`;
  box.hidden = !text;
}

const when = (iso) => timeText(iso, state.vocab?.time_zone);

// The first one is the request boot.js made as the page started.
async function loadVocab() {
  const response = await window.baobiBoot.vocabularies();
  if (!response.ok) throw new Error(`vocab ${response.status}`);
  state.vocab = await response.json();
  await put('meta', { key: 'vocab', value: state.vocab });
}

// The tally and the products (in-store.js), loaded with the first form.
let inStore = null;
async function inStorePart() {
  if (!inStore) {
    await loadMoreMessages();
    inStore = (await import('./in-store.js')).inStore({
      t: tAll, getDraft: () => state.draft, changed: onFormInput, show, vocab: () => state.vocab, photoPart,
    });
  }
  await inStore.render();
}

// ---- the store picker and the surveys sent (store-view.js, mine-view.js) ----------

const stores = storeView({ t, when, status, vocab: () => state.vocab });
function showReturned(count) {
  $('#returned-banner').hidden = count === 0;
  $('#returned-count').textContent = String(count);
  document.body.classList.toggle('has-returned', count > 0);
}
// The list itself, loaded just after the first paint; the start draws the banner.
let sentList = null;
const sentPart = once(async () => {
  sentList = (await import('./mine-view.js')).mineView({ owner, t, when, showReturned });
  return sentList;
});
// Loaded when first opened (the shell's budget); its data comes with each sync (mine.js).
let myList = null;
const listView = async () => {
  await loadMoreMessages();
  myList ??= (await import('./my-list.js')).myListView({
    owner, t: tAll, today: () => localToday(state.vocab.utc_offset_minutes),
  });
  return myList;
};
// ---- drafts and the form ------------------------------------------------------

// `kept` is the start's own read (boot.js).
async function renderDrafts(kept = null) {
  const drafts = (kept ?? await byOwner('drafts', owner)).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  const list = $('#draft-list');
  list.replaceChildren(...drafts.map((draft) => {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'link';
    button.dataset.draft = draft.id;
    button.textContent = `${draft.storeName} · ${when(draft.updatedAt)}`;
    item.append(button);
    return item;
  }));
  $('#drafts').hidden = drafts.length === 0;
}

async function openDraft(draft) {
  await formPart();
  state.draft = draft;
  form.renderForm($('#survey-form'), draft, state.vocab, t);
  form.showErrors($('#survey-form'), {}, t);
  await saver.now();
  await (await photoPart()).render();
  (await place()).startFix((key, metres) => { $('#location-status').textContent = t(key, metres); });
  show('form');
  // The form works without them (typed counts) when they cannot load. A tally left open comes back.
  await inStorePart().catch((error) => status(`${error.message || error}`, 'error'));
}

async function startSurvey(code) {
  const [store] = await Promise.all([findStore(code), formPart()]);
  if (store) await openDraft(form.newDraft(owner, store, state.vocab));
}

function onFormInput() {
  if (!state.draft) return;
  state.draft = form.readForm($('#survey-form'), state.draft);
  form.updateLive($('#survey-form'), state.draft, state.vocab, t);
  saver.later();
}

async function onSave(event) {
  event.preventDefault();
  if (state.saving || !state.draft) return; // a double tap saves once
  state.saving = true;
  $('#save-survey').disabled = true;
  const draft = form.readForm($('#survey-form'), state.draft);
  state.draft = draft;
  try {
    const { payload, errors } = form.check(draft, state.vocab, tAll);
    form.showErrors($('#survey-form'), errors, tAll, payload);
    if (Object.keys(errors).length) return;
    const warnings = softWarnings(payload, state.vocab).map(t);
    if (warnings.length && !window.confirm([...warnings, t('confirm_unlikely')].join('\n'))) return;
    const [fix, outbox] = await Promise.all([place().then((module) => module.fixForSave()), sending()]);
    if (fix) payload.location = fix;
    saver.cancel();
    state.draft = null; // from here on no draft write may resurrect it
    await outbox.saveSurvey(owner, payload, draft.storeName, draft.proposal);
    await renderAll(); // the unsent count says it before the message does
    status(t('saved'), 'info');
    show('stores');
    announce();
    askBackgroundSync();
    requestFlush();
  } catch (error) {
    state.draft = draft; // not saved: the form and its draft stay as they were
    status(`${t('save_failed')} ${error.message || error}`, 'error');
  } finally {
    state.saving = false;
    $('#save-survey').disabled = false;
  }
}

async function onDiscardDraft() {
  if (!state.draft || !window.confirm(t('confirm_discard_draft'))) return;
  const { id } = state.draft;
  saver.cancel();
  state.draft = null;
  await form.discardDraft(id);
  show('stores');
  await renderDrafts();
  announce();
}

// ---- the surveys already sent: sending one again, correcting one ----------------

async function sendAgain(button) {
  button.disabled = true; // a double tap queues it once
  const outbox = await sending();
  await outbox.resend(button.dataset.resend);
  outbox.resetBackoff();
  await renderAll();
  announce();
  requestFlush();
}

async function startCorrection(id) {
  const [survey] = await Promise.all([returnedSurvey(owner, id), formPart()]);
  if (!survey) return;
  const store = (await findStore(survey.store_code)) || { code: survey.store_code, name: survey.store_code };
  await openDraft(form.draftFromSurvey(owner, survey, store, state.vocab));
}

// ---- outbox --------------------------------------------------------------------

// The header's counts are always drawn (at the start from boot.js's read); the outbox's page
// (outbox-view.js) loads when first opened.
let unsent = 0;
let outboxPage = null;
async function renderOutbox(kept = null) {
  const counts = kept ?? await (await sending()).unsentCounts(owner);
  unsent = counts.surveys;
  $('#outbox-count').textContent = String(counts.surveys);
  $('#outbox-photo-count').textContent = String(counts.photos);
  $('#outbox-photos').hidden = counts.photos === 0;
  document.body.classList.toggle('has-unsent', counts.surveys + counts.photos > 0);
  await outboxPage?.render();
}
const outboxPart = async () => {
  await loadMoreMessages();
  outboxPage ??= (await import('./outbox-view.js')).outboxView({
    owner, t: tAll, when, status, requestFlush: () => requestFlush(), recount: () => renderOutbox(),
  });
  return outboxPage;
};

let flushing = null;

// Other tabs of the app hear of every change, so no counter or list waits for a reload.
const channel = 'BroadcastChannel' in window ? new BroadcastChannel('baobi-app') : null;
const announce = () => channel?.postMessage({ type: 'changed', owner });

async function renderAll() {
  await Promise.all([renderDrafts(), renderOutbox(), sentPart().then((sent) => sent.render()), myList?.render()]);
}

function requestFlush() {
  flushing ??= sending().then((outbox) => outbox.flush(owner, onFlushEvent)).finally(async () => {
    flushing = null;
    await renderOutbox();
    announce();
    await Promise.all([(await sentPart()).refresh(), refreshMyList(owner).then(() => myList?.render(), () => {})]);
  });
  return flushing;
}

function onFlushEvent(event) {
  $('#send-status').textContent = '';
  if (event.type === 'done' && (event.queued || event.photos)) {
    const parts = [`${t('sent')}: ${event.sent}.`];
    if (event.setAside) parts.push(`${t('set_aside')}: ${event.setAside}.`);
    if (event.photos) parts.push(`${t('photos_sent')}: ${event.photos}.`);
    status(parts.join(' '), 'info');
  } else if (event.type === 'failed') {
    // No error: the surveys are safe and go later. Said in the outbox, so "saved on this phone" stays.
    $('#send-status').textContent = `${t('send_failed')} ${Math.round(event.delay / 1000)} s.`;
  } else if (event.type === 'login') {
    status(t('log_in_again'), 'error');
  }
}

// The confirmation is asked before any await: a submit can only be stopped synchronously.
// The log-in page the log-out leads to drops the cached app page (static/js/logged-out.js).
function onLogout(event) {
  if (unsent && !window.confirm(t('confirm_logout').replace('{n}', unsent))) event.preventDefault();
}

// ---- service worker and updates ---------------------------------------------------

function offerUpdate(worker) {
  $('#update-banner').hidden = false;
  $('#update-button').onclick = async () => {
    if (state.draft) {
      state.draft = form.readForm($('#survey-form'), state.draft);
      await saver.now(); // the half-filled form comes back after the reload
    }
    state.updateRequested = true;
    worker.postMessage({ type: 'skip-waiting' });
  };
}

async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  const registration = await navigator.serviceWorker.register('/sw.js');
  state.registration = registration;
  if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(worker);
    });
  });
  // Reload only for an update the inspector asked for, never for the first install.
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (state.updateRequested) window.location.reload();
  });
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data?.type === 'flush') requestFlush();
  });
}

function askBackgroundSync() {
  state.registration?.sync?.register('flush-outbox').catch(() => {});
}

// ---- start ---------------------------------------------------------------------

// The inspector's language, kept on the phone: the page in each language is in the cache.
const LANGUAGE_KEY = 'baobi-language';

function followLanguage() {
  const chosen = localStorage.getItem(LANGUAGE_KEY);
  const asked = new URLSearchParams(window.location.search).get('lang');
  if (asked) localStorage.setItem(LANGUAGE_KEY, asked);
  else if (chosen && chosen !== document.documentElement.lang) {
    window.location.replace(`/app?lang=${encodeURIComponent(chosen)}`);
    return true;
  }
  return false;
}

// Every control of the page, wired once the vocabularies are there.
function listen() {
  $('#survey-form').addEventListener('input', onFormInput);
  $('#survey-form').addEventListener('click', (event) => {
    const button = event.target.closest('button.step');
    if (button) form?.step(button.parentElement.querySelector('input'), Number(button.dataset.step));
  });
  $('#survey-form').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && form?.focusNextCount($('#survey-form'), event.target)) event.preventDefault();
  });
  $('#survey-form').addEventListener('submit', onSave);
  $('#photo-input').addEventListener('change', async (event) => (await photoPart()).onFile(event));
  $('#photo-list').addEventListener('input', (event) => photoBox?.onCaption(event));
  $('#photo-list').addEventListener('click', (event) => photoBox?.onClick(event));
  $('#discard-draft').addEventListener('click', onDiscardDraft);
  $('#store-search').addEventListener('input', () => stores.render());
  $('#store-list').addEventListener('click', (event) => {
    const button = event.target.closest('button.store');
    if (button) startSurvey(button.dataset.code);
  });
  $('#todo-list').addEventListener('click', async (event) => {
    const button = event.target.closest('button.store');
    if (!button) return;
    const returned = button.dataset.state === 'returned' && await myList.returnedSurveyOf(button.dataset.code);
    if (returned) startCorrection(returned);
    else startSurvey(button.dataset.code);
  });
  $('#draft-list').addEventListener('click', async (event) => {
    const id = event.target.dataset.draft;
    if (id) openDraft(await get('drafts', id));
  });
  $('#outbox-list').addEventListener('click', (event) => outboxPage?.onClick(event));
  $('#mine-list').addEventListener('click', (event) => {
    const { correct, resend } = event.target.dataset;
    if (correct) startCorrection(correct);
    else if (resend && !event.target.disabled) sendAgain(event.target);
  });
  $('#todo-list').addEventListener('change', (event) => myList?.onPick(event));
  $('#plan-day').addEventListener('click', () => myList?.plan());
  $('#flush-button').addEventListener('click', async () => { (await sending()).resetBackoff(); requestFlush(); });
  $('#refresh-stores').addEventListener('click', () => stores.refresh());
  // A store not in the list: proposed, then surveyed at once (loaded on the first tap).
  $('#propose-store').addEventListener('click', async () =>
    (await import('./proposal-view.js')).openProposal({ owner, t, vocab: state.vocab, show, survey: openDraft }));
  // Only on the outbox's page, but a file may be chosen before that page has finished loading.
  $('#export-button').addEventListener('click', async () => (await outboxPart()).onExport());
  $('#import-file').addEventListener('change', async (event) => (await outboxPart()).onImport(event));
  $('#logout-form').addEventListener('submit', onLogout);
  for (const tab of document.querySelectorAll('[data-tab]')) {
    tab.addEventListener('click', async () => {
      // Leaving a half-filled form: its draft is written now and listed at once.
      if (state.draft) await saver?.now();
      if (tab.dataset.tab === 'outbox') await outboxPart();
      await renderAll();
      show(tab.dataset.tab);
      if (tab.dataset.tab === 'todo') (await listView()).render().then(myList.findHere);
    });
  }
  channel?.addEventListener('message', (event) => {
    if (event.data?.owner === owner) renderAll();
  });
  window.addEventListener('online', requestFlush);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') saver?.now();
    else requestFlush();
  });
  window.addEventListener('pagehide', () => saver?.now());
}

// The typed fields as the page draws them (offline_app.html), for a vocabularies copy saved by an
// older app, which lacks them.
const typedFieldsOfPage = () => [...document.querySelectorAll('[data-field]')]
  .map((input) => ({ name: input.dataset.field, kind: input.dataset.kind, input: input.id }));

// Work that waits for the first paint, in a moment when the page is idle.
const afterFirstPaint = (work) => (window.requestIdleCallback ? requestIdleCallback(work, { timeout: 500 }) : setTimeout(work, 50));

async function start() {
  if (followLanguage()) return;
  navigator.storage?.persist?.();
  // The copy on the phone opens the app at once; a fresh one (a new rule version) replaces it when
  // the network answers. Only a phone with no copy yet waits for the network.
  let kept;
  try {
    kept = await window.baobiBoot.first;
  } catch (error) {
    status(`${t('read_failed')} ${error.message || error}`, 'error');
    return;
  }
  state.vocab = kept.vocab;
  const freshVocab = loadVocab().catch(() => {});
  if (!state.vocab) await freshVocab;
  if (!state.vocab) {
    status(t('need_network_once'), 'error');
    return;
  }
  // A copy saved by an older app lacks the typed fields; the page draws their inputs from the same list.
  if (!state.vocab.typed_fields) state.vocab.typed_fields = typedFieldsOfPage();
  listen();

  const current = kept.drafts.find((draft) => draft.id === kept.currentDraftId);
  if (current) await openDraft(current);
  else show('stores');
  // What is on show first: the stores (or the draft), the drafts, the outbox's count, the returned
  // surveys' banner, all from the one read boot.js made. The other tabs are drawn just after.
  await Promise.all([stores.render(kept), renderDrafts(kept.drafts), renderOutbox(unsentCounts(kept.queued, kept.photos))]);
  showReturned(returnedCount(kept.sentSurveys, beingCorrected(kept.queued)));
  document.body.dataset.ready = 'true';
  performance.mark('app-ready'); // bench/page_weight.py reads the page's own clock
  afterFirstPaint(() => {
    registerServiceWorker().then(askBackgroundSync).catch(() => {});
    stores.refresh(window.baobiBoot.stores);
    requestFlush();
    sending().then((outbox) => outbox.pruneSent()).catch(() => {});
    sentPart().then((sent) => sent.render());
  });
}

start();
