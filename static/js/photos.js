// Photos of a visit: shrunk on the phone, kept in IndexedDB beside their survey, and
// sent one at a time after it. A photo leaves the phone only once the server has
// answered 200 or 201 for it (docs/photos.md).
import { byOwner, done, transaction } from './idb.js';

export const MAX_PHOTOS = 10;
const MAX_SIDE = 1600;
const QUALITY = 0.85;

// A size in the unit that keeps it short (944 KB, 3,2 MB, 10 GB), in the page's language.
export function sizeText(bytes) {
  let value = bytes / 1024;
  let unit = 0;
  for (; value >= 1000 && unit < 2; unit += 1) value /= 1024;
  const digits = value < 10 && unit ? 1 : 0;
  return `${value.toLocaleString(document.documentElement.lang, { maximumFractionDigits: digits })} ${['KB', 'MB', 'GB'][unit]}`;
}

// Shrink a camera picture: upright (EXIF orientation applied), at most MAX_SIDE px, a JPEG.
// Drawing on a canvas also drops every bit of metadata the camera wrote, GPS included.
export async function shrink(file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.round(bitmap.width * scale);
  const height = Math.round(bitmap.height * scale);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const blob = await new Promise((resolve, reject) => {
    canvas.toBlob((result) => (result ? resolve(result) : reject(new Error('encode'))), 'image/jpeg', QUALITY);
  });
  return { blob, width, height, originalSize: file.size };
}

// A photo taken for a draft is kept at once: a crash or a reload never loses it.
export async function keep(owner, surveyId, shrunk, caption = '') {
  const id = crypto.randomUUID();
  const record = {
    id, owner, surveyId, caption, blob: shrunk.blob, size: shrunk.blob.size, originalSize: shrunk.originalSize,
    state: 'draft', reason: null, takenAt: new Date().toISOString(),
  };
  await transaction(['photos'], 'readwrite', (s) => done(s.photos.put(record)));
  return record;
}

export async function ofSurvey(surveyId) {
  return transaction(['photos'], 'readonly', (s) => done(s.photos.index('survey').getAll(surveyId)));
}

export const ofOwner = (owner) => byOwner('photos', owner);

export function setCaption(id, caption) {
  return transaction(['photos'], 'readwrite', async (s) => {
    const record = await done(s.photos.get(id));
    if (record) await done(s.photos.put({ ...record, caption }));
  });
}

export const forget = (id) => transaction(['photos'], 'readwrite', (s) => done(s.photos.delete(id)));

// Inside another module's transaction (which must include 'photos'): every photo of a survey.
export async function eachOfSurvey(store, surveyId, work) {
  for (const record of await done(store.index('survey').getAll(surveyId))) await work(record);
}

// Send the photos whose survey the server has stored, one at a time. A refusal sets the
// photo aside with its reason; a network error or a 5xx stops here and is tried again later.
export async function upload(owner, token) {
  const waiting = (await ofOwner(owner)).filter((record) => record.state === 'upload');
  let sent = 0;
  for (const record of waiting) {
    const response = await fetch(`/api/v1/photos/${record.id}`, {
      method: 'PUT', credentials: 'same-origin', cache: 'no-store',
      headers: { 'Content-Type': 'image/jpeg', 'X-CSRFToken': await token() }, body: record.blob,
    });
    if (response.status === 200 || response.status === 201) {
      await forget(record.id);
      sent += 1;
    } else if (response.status === 401) {
      throw Object.assign(new Error('login'), { kind: 'login' });
    } else if ([404, 409, 413, 415].includes(response.status)) {
      const body = await response.json().catch(() => ({}));
      await transaction(['photos'], 'readwrite', (s) =>
        done(s.photos.put({ ...record, state: 'refused', reason: body.error?.message || String(response.status) })));
    } else {
      throw new Error(`photo ${response.status}`);
    }
  }
  return sent;
}
