// The inspector's sent surveys as the server sees them: the review state, the reviewer's
// reason and when it was given, and corrections. The last copy stays in IndexedDB, so the
// list reads with no network, and returned surveys can be corrected offline.
import { getMeta, setMeta } from './idb.js';

const PAGE = 100;

export const needsCorrection = (survey) => survey.review_state === 'has_issues' && !survey.superseded_by;

async function getJson(url) {
  const response = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
  if (!response.ok) throw Object.assign(new Error(`${url} ${response.status}`), { status: response.status });
  return response.json();
}

// Fetch the newest surveys, and the full content of those returned for correction.
export async function refreshMine(owner) {
  const { surveys } = await getJson(`/api/v1/surveys?mine=1&limit=${PAGE}`);
  const known = (await getMeta(`returned:${owner}`)) || {};
  const returned = {};
  for (const survey of surveys.filter(needsCorrection)) {
    returned[survey.id] = known[survey.id] || (await getJson(`/api/v1/surveys/${survey.id}`));
  }
  // Kept per inspector: a shared phone never shows one inspector's surveys to another.
  await setMeta(`mine:${owner}`, { fetchedAt: new Date().toISOString(), surveys });
  await setMeta(`returned:${owner}`, returned);
  return surveys;
}

export async function loadMine(owner) {
  return (await getMeta(`mine:${owner}`)) || { fetchedAt: null, surveys: [] };
}

export async function returnedSurvey(owner, id) {
  return ((await getMeta(`returned:${owner}`)) || {})[id];
}
