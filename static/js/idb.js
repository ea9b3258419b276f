// A small promise wrapper over IndexedDB. Each call is one transaction; no network
// request is ever awaited inside one (a transaction closes when its task ends).
// The database is opened, and its schema kept, by the page's first script (boot.js).
export const openDb = () => window.baobiBoot.openDb();

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
