// The inspector's sent surveys as the server sees them: the review state, the reviewer's
// reason and when it was given, and corrections. The last copy stays in IndexedDB, so the
// list reads with no network, and returned surveys can be corrected offline.
import { byOwner, done, getMeta, setMeta, transaction } from './idb.js';

const PAGE = 100;
const MAX_ASKED = 10; // surveys asked about one by one in a refresh, at most

export const needsCorrection = (survey) => survey.review_state === 'has_issues' && !survey.superseded_by;

// The surveys whose correction waits in the outbox (`queued`).
export const beingCorrected = (queued) => new Set(queued.map((record) => record.payload.supersedes).filter(Boolean));

// The returned surveys whose correction is not yet on its way: the stores page's banner.
export const returnedCount = (surveys, correcting) =>
  surveys.filter((survey) => needsCorrection(survey) && !correcting.has(survey.id)).length;

async function getJson(url) {
  const response = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
  if (!response.ok) throw Object.assign(new Error(`${url} ${response.status}`), { status: response.status });
  return response.json();
}

// Fetch the newest surveys, and the full content of those returned for correction.
export async function refreshMine(owner) {
  const { surveys, next } = await getJson(`/api/v1/surveys?mine=1&limit=${PAGE}`);
  const known = (await getMeta(`returned:${owner}`)) || {};
  const returned = {};
  for (const survey of surveys.filter(needsCorrection)) {
    returned[survey.id] = known[survey.id] || (await getJson(`/api/v1/surveys/${survey.id}`));
  }
  // Kept per inspector: a shared phone never shows one inspector's surveys to another.
  await setMeta(`mine:${owner}`, { fetchedAt: new Date().toISOString(), surveys });
  await setMeta(`returned:${owner}`, returned);
  await checkKept(owner, surveys, next);
  return surveys;
}

// Mark the surveys kept in the sent log that the server no longer has (a crash can undo
// its last writes after it answered `created`). The newest page, fetched anyway, covers
// them: a survey acknowledged after the oldest one listed should be on it. Only those it
// lacks are asked about one by one, normally none; one found once is not asked again.
async function checkKept(owner, surveys, next) {
  const listed = new Set(surveys.map((survey) => survey.id));
  const from = next ? Math.min(...surveys.map((survey) => Date.parse(survey.received_at))) : -Infinity;
  let asked = 0;
  for (const entry of await byOwner('sent', owner)) {
    if (!entry.payload) continue; // sent before payloads were kept: nothing to send again
    let { missing = false, known = false } = entry;
    if (listed.has(entry.id)) missing = false;
    else if (!known && Date.parse(entry.sentAt) >= from && asked++ < MAX_ASKED) {
      const response = await fetch(`/api/v1/surveys/${entry.id}`, { credentials: 'same-origin', cache: 'no-store' });
      if (response.status === 401) return;
      if (response.status === 404) missing = true;
      else if (response.ok || response.status === 403) known = true;
    }
    if (missing !== Boolean(entry.missing) || known !== Boolean(entry.known)) await mark(entry.id, { missing, known });
  }
}

// Read again inside the write: an entry sent again meanwhile has left the log and stays out.
const mark = (id, change) => transaction(['sent'], 'readwrite', async (s) => {
  const entry = await done(s.sent.get(id));
  if (entry) await done(s.sent.put({ ...entry, ...change }));
});

// The kept surveys the server lacked at the last check, which the inspector may send again.
export const missingOnServer = async (owner) => (await byOwner('sent', owner)).filter((entry) => entry.missing);

// "Việc của tôi" (my-list.js), kept the same way.
export async function refreshMyList(owner) {
  const { assignments } = await getJson('/api/v1/assignments?mine=1');
  await setMeta(`todo:${owner}`, { fetchedAt: new Date().toISOString(), assignments });
}

export async function loadMine(owner) {
  return (await getMeta(`mine:${owner}`)) || { fetchedAt: null, surveys: [] };
}

export async function returnedSurvey(owner, id) {
  return ((await getMeta(`returned:${owner}`)) || {})[id];
}
