// The outbox page: what waits to be sent, what was refused and why, what was sent,
// how much the phone stores, and export and import of unsent surveys. Loaded when the page is
// first opened (the shell's budget); the header's counts are the shell's (app.js, outbox.unsentCounts).
import * as outbox from './outbox.js';
import * as photos from './photos.js';

const $ = (selector) => document.querySelector(selector);

export function outboxView({ owner, t, when, status, requestFlush, recount }) {

  function describeReason(record) {
    const reason = record.reason || {};
    return Object.entries(reason).map(([field, message]) => `${t(`field_${field.split('.')[0]}`)}: ${message}`)
      .join('; ');
  }

  async function render() {
    const records = (await outbox.listOutbox(owner)).sort((a, b) => a.savedAt.localeCompare(b.savedAt));
    const kept = await photos.ofOwner(owner);
    const photosOf = (id) => kept.filter((photo) => photo.surveyId === id);
    // Photos whose survey has arrived: counted apart in the header, as listed below.
    const waiting = kept.filter((photo) => photo.state === 'upload' || photo.state === 'refused');
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
      const own = photosOf(record.id);
      if (own.length) {
        const size = Object.assign(document.createElement('p'), { className: 'small muted' });
        size.textContent = `${t('photos')}: ${own.length} · ${photos.sizeText(own.reduce((sum, photo) => sum + photo.size, 0))}`;
        item.append(size);
      }
      if (record.state !== 'queued') {
        const reason = document.createElement('p');
        reason.className = 'error reason';
        reason.textContent = describeReason(record);
        const retry = Object.assign(document.createElement('button'), { type: 'button', textContent: t('retry') });
        retry.dataset.retry = record.id;
        item.append(reason, retry);
      }
      // Even a queued survey can be dropped (after a warning), so that one the server keeps
      // failing on never holds the phone hostage; exporting first keeps a copy.
      const drop = Object.assign(document.createElement('button'), { type: 'button', textContent: t('discard') });
      drop.dataset.discard = record.id;
      drop.className = 'danger';
      item.append(drop);
      return item;
    }));
    renderWaitingPhotos(waiting);
    const sent = (await outbox.listSent(owner)).slice(0, 20);
    $('#sent-list').replaceChildren(...sent.map((entry) => {
      const item = document.createElement('li');
      item.textContent = `${entry.store_name || entry.store_code} · ${t(`status_${entry.status}`)} · ${when(entry.sentAt)}`;
      return item;
    }));
    await renderStorage();
  }

  // Photos whose survey has arrived but which have not: named, sized, and why if refused.
  async function renderWaitingPhotos(waiting) {
    const sent = new Map((await outbox.listSent(owner)).map((entry) => [entry.id, entry]));
    $('#photo-waiting').hidden = waiting.length === 0;
    $('#photo-waiting-list').replaceChildren(...waiting.map((photo) => {
      const entry = sent.get(photo.surveyId);
      const item = document.createElement('li');
      item.className = photo.state === 'refused' ? 'error' : '';
      const store = entry ? entry.store_name || entry.store_code : photo.surveyId.slice(0, 8);
      const what = photo.caption || t('photo');
      item.textContent = `${store} · ${what} · ${photos.sizeText(photo.size)}${photo.state === 'refused' ? ` · ${photo.reason}` : ''}`;
      return item;
    }));
  }

  async function renderStorage() {
    if (!navigator.storage?.estimate) return;
    const { usage = 0, quota = 0 } = await navigator.storage.estimate();
    const persisted = navigator.storage.persisted ? await navigator.storage.persisted() : false;
    $('#storage-info').textContent =
      `${t('storage_used')}: ${photos.sizeText(usage)} / ${photos.sizeText(quota)}. ${persisted ? t('storage_persisted') : t('storage_not_persisted')}`;
  }

  async function onClick(event) {
    const { retry, discard } = event.target.dataset;
    if (retry) {
      await outbox.requeue(retry);
      outbox.resetBackoff();
      await requestFlush();
    } else if (discard && window.confirm(t('confirm_discard'))) {
      await outbox.discard(discard);
      await recount();
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
      await recount();
      requestFlush();
    } catch {
      status(t('import_failed'), 'error');
    }
    event.target.value = '';
  }

  return { render, onClick, onExport, onImport };
}
