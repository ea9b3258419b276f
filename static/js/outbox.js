// The outbox: saved surveys wait here until the server has answered for each one.
// `created` and `duplicate` move to the sent log; `invalid` and `conflict` are set
// aside with their reason; a network error or a 5xx keeps the survey queued.
// The sent log keeps each survey whole for KEEP_SENT_DAYS (its photos' pictures are not
// kept): a server that loses its last writes in a crash after answering can be sent it again.
import { byOwner, done, transaction } from './idb.js';
import * as photos from './photos.js';
import { unsentCounts as countUnsent } from './rules.js';

const BATCH = 200; // the server's limit per request
const MAX_DELAY_MS = 5 * 60 * 1000;
export const KEEP_SENT_DAYS = 30;
let failures = 0;
let retryTimer = null;

// Save a final survey and drop its draft in one transaction: both or neither. A found store's
// survey carries its proposal (proposals.js).
export function saveSurvey(owner, payload, storeName = '', proposal) {
  const record = {
    id: payload.id, owner, payload, storeName, state: 'queued', reason: null, savedAt: new Date().toISOString(), proposal,
  };
  return transaction(['outbox', 'drafts', 'meta', 'photos'], 'readwrite', async (s) => {
    await done(s.outbox.put(record));
    await done(s.drafts.delete(payload.id));
    // The photos the survey lists wait with it; any others taken and removed from the form go.
    const listed = new Set((payload.photos || []).map((photo) => photo.id));
    await photos.eachOfSurvey(s.photos, payload.id, (photo) => (listed.has(photo.id)
      ? done(s.photos.put({ ...photo, caption: captionOf(payload, photo.id), state: 'waiting' }))
      : done(s.photos.delete(photo.id))));
    const current = await done(s.meta.get('currentDraft'));
    if (current?.value === payload.id) await done(s.meta.delete('currentDraft'));
    return record;
  });
}

const captionOf = (payload, id) => payload.photos.find((photo) => photo.id === id).caption;

export const listOutbox = (owner) => byOwner('outbox', owner);

// What the header counts (rules.unsentCounts).
export async function unsentCounts(owner) {
  return countUnsent(await listOutbox(owner), await photos.ofOwner(owner));
}

export async function listSent(owner) {
  const sent = await byOwner('sent', owner);
  return sent.sort((a, b) => b.sentAt.localeCompare(a.sentAt));
}

// Forget what the server acknowledged more than KEEP_SENT_DAYS ago, for every inspector
// of the phone; entries from before payloads were kept go the same way.
export function pruneSent(now = Date.now()) {
  const before = new Date(now - KEEP_SENT_DAYS * 86400000).toISOString();
  return transaction(['sent'], 'readwrite', async (s) => {
    const keys = await done(s.sent.index('sentAt').getAllKeys(IDBKeyRange.upperBound(before, true)));
    for (const key of keys) await done(s.sent.delete(key));
    return keys.length;
  });
}

// A kept survey the server no longer has goes back in the queue under its own id, so
// however often it is sent the server stores it once. Photos refused for want of their
// survey go again after it; pictures already uploaded are no longer on the phone.
export function resend(id) {
  return transaction(['outbox', 'sent', 'photos'], 'readwrite', async (s) => {
    const entry = await done(s.sent.get(id));
    if (!entry?.payload) return false;
    await done(s.outbox.put({
      id, owner: entry.owner, payload: entry.payload, storeName: entry.store_name, state: 'queued', reason: null,
      savedAt: new Date().toISOString(), proposal: entry.proposal,
    }));
    await done(s.sent.delete(id));
    await photos.eachOfSurvey(s.photos, id, (photo) =>
      (photo.state === 'refused' ? done(s.photos.put({ ...photo, state: 'waiting', reason: null })) : null));
    return true;
  });
}

export const discard = (id) => transaction(['outbox', 'photos'], 'readwrite', async (s) => {
  await done(s.outbox.delete(id));
  await photos.eachOfSurvey(s.photos, id, (photo) => done(s.photos.delete(photo.id)));
});

// Put a set-aside survey back in the queue (after the inspector has looked at it), its proposal too.
export function requeue(id) {
  return transaction(['outbox'], 'readwrite', async (s) => {
    const record = await done(s.outbox.get(id));
    if (record) await done(s.outbox.put({ ...record, state: 'queued', reason: null, proposalSent: false }));
  });
}

async function fetchCsrf() {
  const response = await fetch('/api/v1/csrf', { credentials: 'same-origin', cache: 'no-store' });
  if (response.status === 401) throw Object.assign(new Error('login'), { kind: 'login' });
  if (!response.ok) throw new Error(`csrf ${response.status}`);
  return (await response.json()).csrf_token;
}

async function post(surveys, token) {
  return fetch('/api/v1/surveys', {
    method: 'POST',
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token },
    body: JSON.stringify({ surveys }),
  });
}

// Send one batch; ask for a fresh token once if the server calls ours stale.
async function sendBatch(records) {
  let token = await fetchCsrf();
  let response = await post(records.map((r) => r.payload), token);
  if (response.status === 400) {
    const body = await response.clone().json().catch(() => ({}));
    if (body.error?.code === 'csrf') {
      token = await fetchCsrf();
      response = await post(records.map((r) => r.payload), token);
    }
  }
  if (response.status === 401) throw Object.assign(new Error('login'), { kind: 'login' });
  if (!response.ok) throw new Error(`server ${response.status}`);
  return (await response.json()).results;
}

function applyResults(records, results) {
  return transaction(['outbox', 'sent', 'photos'], 'readwrite', async (s) => {
    const counts = { sent: 0, setAside: 0 };
    for (const [i, record] of records.entries()) {
      const result = results[i];
      // Never act on a result we cannot match (the server spells ids in lower case).
      if (!result || String(result.id).toLowerCase() !== record.id.toLowerCase()) continue;
      if (result.status === 'created' || result.status === 'duplicate') {
        await done(s.outbox.delete(record.id));
        // sentAt: when the server acknowledged it. The payload is the survey's JSON only.
        await done(s.sent.put({
          id: record.id, owner: record.owner, store_code: record.payload.store_code,
          store_name: record.storeName || '', status: result.status, sentAt: new Date().toISOString(),
          payload: record.payload, proposal: record.proposal,
        }));
        // The survey is stored: its photos may go now.
        await photos.eachOfSurvey(s.photos, record.id, (photo) => done(s.photos.put({ ...photo, state: 'upload' })));
        counts.sent += 1;
      } else {
        await done(s.outbox.put({ ...record, state: result.status, reason: result.errors || {} }));
        counts.setAside += 1;
      }
    }
    return counts;
  });
}

async function flushNow(owner) {
  let queued = (await listOutbox(owner)).filter((r) => r.state === 'queued');
  const totals = { sent: 0, setAside: 0, queued: queued.length, photos: 0 };
  // Found stores first: a survey may name only a proposal the server has.
  if (queued.some((r) => r.proposal && !r.proposalSent)) {
    ({ records: queued, setAside: totals.setAside } = await (await import('./proposals.js')).sendProposals(queued, fetchCsrf));
  }
  for (let start = 0; start < queued.length; start += BATCH) {
    const records = queued.slice(start, start + BATCH);
    const results = await sendBatch(records);
    const counts = await applyResults(records, results);
    totals.sent += counts.sent;
    totals.setAside += counts.setAside;
  }
  // Then the photos, after every survey: counts first when the signal is weak.
  let token = null;
  totals.photos = await photos.upload(owner, async () => (token ??= await fetchCsrf()));
  await pruneSent();
  return totals;
}

// Send what is queued. Tabs take turns (Web Locks); the server's UUID check keeps
// even an unlucky overlap to one row. On failure, try again later, backing off.
export async function flush(owner, onEvent = () => {}) {
  const run = async () => {
    try {
      const totals = await flushNow(owner);
      failures = 0;
      onEvent({ type: 'done', ...totals });
      return totals;
    } catch (error) {
      if (error.kind === 'login') {
        onEvent({ type: 'login' });
        return null;
      }
      failures += 1;
      const delay = Math.min(2 ** failures * 1000, MAX_DELAY_MS);
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => flush(owner, onEvent), delay);
      onEvent({ type: 'failed', delay, error: String(error.message || error) });
      return null;
    }
  };
  if (navigator.locks) return navigator.locks.request('baobi-flush', run);
  return run();
}

// A tap on "send now" deserves an immediate try, not the rest of a long back-off.
export function resetBackoff() {
  failures = 0;
  clearTimeout(retryTimer);
}

export async function exportUnsent(owner) {
  const records = await listOutbox(owner);
  return { format: 'baobi-outbox', version: 1, owner, exported_at: new Date().toISOString(), surveys: records };
}

// Import an export file: surveys already queued or sent are left alone.
export async function importUnsent(owner, data) {
  if (data?.format !== 'baobi-outbox' || !Array.isArray(data.surveys)) throw new Error('format');
  return transaction(['outbox', 'sent'], 'readwrite', async (s) => {
    let added = 0;
    for (const record of data.surveys) {
      const payload = record?.payload;
      if (!payload || typeof payload.id !== 'string' || payload.id !== record.id) continue;
      payload.id = payload.id.toLowerCase();
      if ((await done(s.outbox.get(payload.id))) || (await done(s.sent.get(payload.id)))) continue;
      await done(s.outbox.put({ ...record, id: payload.id, payload, owner, state: 'queued', reason: null, proposalSent: false }));
      added += 1;
    }
    return added;
  });
}
