// A small promise wrapper over IndexedDB. Each call is one transaction; no network
// request is ever awaited inside one (a transaction closes when its task ends).
const DB_NAME = 'baobi';
const DB_VERSION = 3; // 2: photos; 3: the sent log by time, to prune it
let opening;

export function openDb() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    // Each version adds to what the phone already has: an update never drops unsent work.
    request.onupgradeneeded = (event) => {
      const db = request.result;
      if (event.oldVersion < 1) {
        db.createObjectStore('stores', { keyPath: 'code' });
        db.createObjectStore('meta', { keyPath: 'key' });
        for (const name of ['drafts', 'outbox', 'sent']) {
          db.createObjectStore(name, { keyPath: 'id' }).createIndex('owner', 'owner');
        }
      }
      if (event.oldVersion < 2) {
        const photos = db.createObjectStore('photos', { keyPath: 'id' });
        photos.createIndex('owner', 'owner');
        photos.createIndex('survey', 'surveyId');
      }
      if (event.oldVersion < 3) {
        // Entries already sent keep every field; the index reads the `sentAt` they all have.
        request.transaction.objectStore('sent').createIndex('sentAt', 'sentAt');
      }
    };
    request.onsuccess = () => {
      const db = request.result;
      // A newer version of the app in another tab needs the database: let it upgrade.
      db.onversionchange = () => { db.close(); opening = null; };
      resolve(db);
    };
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error('IndexedDB blocked by another tab'));
  });
  return opening;
}

export function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

// Run `work(stores)` in one transaction; resolve with its result once the
// transaction has committed, so a resolved save is a durable save.
export async function transaction(names, mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(names, mode, { durability: 'strict' });
    const stores = Object.fromEntries(names.map((name) => [name, tx.objectStore(name)]));
    let result;
    Promise.resolve(work(stores)).then((value) => { result = value; }, (error) => { tx.abort(); reject(error); });
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
  });
}

export const get = (name, key) => transaction([name], 'readonly', (s) => done(s[name].get(key)));
export const put = (name, value) => transaction([name], 'readwrite', (s) => done(s[name].put(value)));
export const remove = (name, key) => transaction([name], 'readwrite', (s) => done(s[name].delete(key)));
export const getAll = (name) => transaction([name], 'readonly', (s) => done(s[name].getAll()));
export const byOwner = (name, owner) =>
  transaction([name], 'readonly', (s) => done(s[name].index('owner').getAll(owner)));

export async function getMeta(key) {
  return (await get('meta', key))?.value;
}

export const setMeta = (key, value) => put('meta', { key, value });

// Opened as soon as the app's modules load, while the page is still being set up.
openDb().catch(() => {});
