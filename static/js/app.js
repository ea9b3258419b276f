// The inspector's app: store picker, survey form and outbox on one page that works
// with no network. Sending is tried on load, after each save, when the network or
// the page comes back, on a button, and by Background Sync where the browser has it.
import { byOwner, get, getMeta, put } from './idb.js';
import * as form from './form.js';
import * as outbox from './outbox.js';
import { findStore, refreshStores, searchStores, storesRefreshedAt } from './registry.js';

const $ = (selector) => document.querySelector(selector);
const owner = document.querySelector('meta[name="app-user"]').content;
const messages = JSON.parse($('#messages').textContent);
const t = (key) => messages[key] ?? key;
const state = { vocab: null, draft: null, saving: false, registration: null, unsent: 0 };
const saver = form.draftSaver(() => state.draft);

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

const when = (iso) => (iso ? new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' }) : '–');

async function loadVocab() {
  const response = await fetch('/app/vocabularies.json', { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`vocab ${response.status}`);
  state.vocab = await response.json();
  await put('meta', { key: 'vocab', value: state.vocab });
}

// ---- stores ------------------------------------------------------------------

async function renderStores() {
  const { matches, total, known } = await searchStores($('#store-search').value);
  const list = $('#store-list');
  list.replaceChildren(...matches.map((store) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'store';
    button.dataset.code = store.code;
    const name = document.createElement('strong');
    name.textContent = store.name;
    const meta = document.createElement('span');
    meta.textContent = `${store.code} · ${store.unit_name}`;
    button.append(name, meta);
    const item = document.createElement('li');
    item.append(button);
    return item;
  }));
  $('#store-count').textContent = known ? `${total} / ${known} ${t('stores')}` : t('no_stores_yet');
  const refreshed = await storesRefreshedAt();
  $('#stores-refreshed').textContent = `${t('list_updated')}: ${when(refreshed)}`;
}

async function refreshRegistry() {
  try {
    await refreshStores();
  } catch (error) {
    if (error.status === 401) status(t('log_in_again'), 'error');
  }
  await renderStores();
}

// ---- drafts and the form ------------------------------------------------------

async function renderDrafts() {
  const drafts = (await byOwner('drafts', owner)).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
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
  state.draft = draft;
  form.renderForm($('#survey-form'), draft, state.vocab, t);
  form.showErrors($('#survey-form'), {}, t);
  await saver.now();
  show('form');
}

async function startSurvey(code) {
  const store = await findStore(code);
  if (store) await openDraft(form.newDraft(owner, store));
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
  try {
    state.draft = form.readForm($('#survey-form'), state.draft);
    const { payload, errors } = form.check(state.draft, state.vocab, t);
    form.showErrors($('#survey-form'), errors, t);
    if (Object.keys(errors).length) return;
    await outbox.saveSurvey(owner, payload, state.draft.storeName);
    state.draft = null;
    status(t('saved'), 'info');
    show('stores');
    await Promise.all([renderDrafts(), renderOutbox()]);
    askBackgroundSync();
    requestFlush();
  } catch (error) {
    status(`${t('save_failed')} ${error.message || error}`, 'error');
  } finally {
    state.saving = false;
    $('#save-survey').disabled = false;
  }
}

async function onDiscardDraft() {
  if (!state.draft || !window.confirm(t('confirm_discard_draft'))) return;
  await form.discardDraft(state.draft.id);
  state.draft = null;
  show('stores');
  renderDrafts();
}

// ---- outbox --------------------------------------------------------------------

function describeReason(record) {
  const reason = record.reason || {};
  return Object.entries(reason).map(([field, message]) => `${t(`field_${field.split('.')[0]}`)}: ${message}`)
    .join('; ');
}

async function renderOutbox() {
  const records = (await outbox.listOutbox(owner)).sort((a, b) => a.savedAt.localeCompare(b.savedAt));
  state.unsent = records.length;
  $('#outbox-count').textContent = String(records.length);
  document.body.classList.toggle('has-unsent', records.length > 0);
  $('#outbox-list').replaceChildren(...records.map((record) => {
    const item = document.createElement('li');
    item.className = `outbox-item state-${record.state}`;
    item.dataset.id = record.id;
    const title = document.createElement('strong');
    title.textContent = `${record.storeName || record.payload.store_code} · ${when(record.payload.visited_at)}`;
    const stateText = document.createElement('span');
    stateText.className = 'state';
    stateText.textContent = t(`state_${record.state}`);
    item.append(title, stateText);
    if (record.state !== 'queued') {
      const reason = document.createElement('p');
      reason.className = 'error reason';
      reason.textContent = describeReason(record);
      const retry = Object.assign(document.createElement('button'), { type: 'button', textContent: t('retry') });
      retry.dataset.retry = record.id;
      const drop = Object.assign(document.createElement('button'), { type: 'button', textContent: t('discard') });
      drop.dataset.discard = record.id;
      drop.className = 'danger';
      item.append(reason, retry, drop);
    }
    return item;
  }));
  const sent = (await outbox.listSent(owner)).slice(0, 20);
  $('#sent-list').replaceChildren(...sent.map((entry) => {
    const item = document.createElement('li');
    item.textContent = `${entry.store_name || entry.store_code} · ${t(`status_${entry.status}`)} · ${when(entry.sentAt)}`;
    return item;
  }));
  await renderStorage();
}

async function renderStorage() {
  if (!navigator.storage?.estimate) return;
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  const persisted = navigator.storage.persisted ? await navigator.storage.persisted() : false;
  const kb = (bytes) => `${Math.round(bytes / 1024).toLocaleString('vi-VN')} KB`;
  $('#storage-info').textContent =
    `${t('storage_used')}: ${kb(usage)} / ${kb(quota)}. ${persisted ? t('storage_persisted') : t('storage_not_persisted')}`;
}

let flushing = null;

function requestFlush() {
  flushing ??= outbox.flush(owner, onFlushEvent).finally(() => {
    flushing = null;
    renderOutbox();
  });
  return flushing;
}

function onFlushEvent(event) {
  if (event.type === 'done' && event.queued) {
    status(`${t('sent')}: ${event.sent}. ${event.setAside ? `${t('set_aside')}: ${event.setAside}.` : ''}`, 'info');
  } else if (event.type === 'failed') {
    status(`${t('send_failed')} ${Math.round(event.delay / 1000)} s.`, 'error');
  } else if (event.type === 'login') {
    status(t('log_in_again'), 'error');
  }
}

async function onOutboxClick(event) {
  const { retry, discard } = event.target.dataset;
  if (retry) {
    await outbox.requeue(retry);
    outbox.resetBackoff();
    await requestFlush();
  } else if (discard && window.confirm(t('confirm_discard'))) {
    await outbox.discard(discard);
    await renderOutbox();
  }
}

async function onExport() {
  const data = await outbox.exportUnsent(owner);
  const blob = new Blob([JSON.stringify(data, null, 1)], { type: 'application/json' });
  const link = Object.assign(document.createElement('a'), {
    href: URL.createObjectURL(blob), download: `phieu-chua-gui-${owner}-${new Date().toISOString().slice(0, 10)}.json`,
  });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

async function onImport(event) {
  const file = event.target.files[0];
  if (!file) return;
  try {
    const added = await outbox.importUnsent(owner, JSON.parse(await file.text()));
    status(`${t('imported')}: ${added}`, 'info');
    await renderOutbox();
    requestFlush();
  } catch {
    status(t('import_failed'), 'error');
  }
  event.target.value = '';
}

// Synchronous on purpose: a submit can only be stopped before the handler awaits.
function onLogout(event) {
  if (state.unsent && !window.confirm(t('confirm_logout').replace('{n}', state.unsent))) event.preventDefault();
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

async function start() {
  navigator.storage?.persist?.();
  try {
    await loadVocab();
  } catch {
    state.vocab = await getMeta('vocab');
  }
  if (!state.vocab) {
    status(t('need_network_once'), 'error');
    return;
  }
  $('#survey-form').addEventListener('input', onFormInput);
  $('#survey-form').addEventListener('click', (event) => {
    const button = event.target.closest('button.step');
    if (button) form.step(button.parentElement.querySelector('input'), Number(button.dataset.step));
  });
  $('#survey-form').addEventListener('submit', onSave);
  $('#discard-draft').addEventListener('click', onDiscardDraft);
  $('#store-search').addEventListener('input', renderStores);
  $('#store-list').addEventListener('click', (event) => {
    const button = event.target.closest('button.store');
    if (button) startSurvey(button.dataset.code);
  });
  $('#draft-list').addEventListener('click', async (event) => {
    const id = event.target.dataset.draft;
    if (id) openDraft(await get('drafts', id));
  });
  $('#outbox-list').addEventListener('click', onOutboxClick);
  $('#flush-button').addEventListener('click', () => { outbox.resetBackoff(); requestFlush(); });
  $('#refresh-stores').addEventListener('click', refreshRegistry);
  $('#export-button').addEventListener('click', onExport);
  $('#import-file').addEventListener('change', onImport);
  $('#logout-form').addEventListener('submit', onLogout);
  for (const tab of document.querySelectorAll('[data-tab]')) {
    tab.addEventListener('click', async () => {
      if (tab.dataset.tab === 'outbox') await renderOutbox();
      show(tab.dataset.tab);
    });
  }
  window.addEventListener('online', requestFlush);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') saver.now();
    else requestFlush();
  });
  window.addEventListener('pagehide', () => saver.now());

  const currentId = await getMeta('currentDraft');
  const current = currentId ? await get('drafts', currentId) : null;
  if (current && current.owner === owner) await openDraft(current);
  else show('stores');
  await Promise.all([renderStores(), renderDrafts(), renderOutbox()]);
  registerServiceWorker().then(askBackgroundSync).catch(() => {});
  refreshRegistry();
  requestFlush();
  document.body.dataset.ready = 'true';
}

start();
