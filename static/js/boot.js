// The app's first moments, written into the page before its modules load (offline_app.py): the
// phone's database opens, and everything the first screen shows is read in one transaction, while
// the browser is still fetching and parsing the modules; the vocabularies and the store list are
// asked for from the network at the same time. The database's schema lives here alone; idb.js
// opens through it.
'use strict';
(() => {
  const DB_NAME = 'baobi';
  const DB_VERSION = 3; // 2: photos; 3: the sent log by time, to prune it
  let opening = null;

  function openDb() {
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

  // The first screen: the vocabularies, the draft left open, the stores, the unfinished surveys, what
  // the header counts (the outbox, the photos) and the returned surveys' banner (the sent surveys'
  // last copy). Read-only, so it never waits behind a write and never blocks one.
  function readFirstScreen(db, owner) {
    return new Promise((resolve, reject) => {
      const tx = db.transaction(['meta', 'drafts', 'stores', 'outbox', 'photos'], 'readonly');
      const found = {};
      const ask = (key, request) => { request.onsuccess = () => { found[key] = request.result; }; };
      const meta = tx.objectStore('meta');
      ask('vocab', meta.get('vocab'));
      ask('currentDraft', meta.get('currentDraft'));
      ask('storesRefreshedAt', meta.get('storesRefreshedAt'));
      ask('mine', meta.get(`mine:${owner}`));
      ask('drafts', tx.objectStore('drafts').index('owner').getAll(owner));
      ask('stores', tx.objectStore('stores').getAll());
      ask('queued', tx.objectStore('outbox').index('owner').getAll(owner));
      ask('photos', tx.objectStore('photos').index('owner').getAll(owner));
      tx.oncomplete = () => resolve({
        vocab: found.vocab?.value ?? null,
        currentDraftId: found.currentDraft?.value ?? null,
        storesRefreshedAt: found.storesRefreshedAt?.value ?? null,
        drafts: found.drafts,
        stores: found.stores,
        queued: found.queued,
        photos: found.photos,
        sentSurveys: found.mine?.value?.surveys ?? [],
      });
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
    });
  }

  // Asked for at once, before the modules load (on a first visit nothing can be shown before they
  // answer), and handed to the first reader in app.js; later readers ask again.
  const early = (url, options = {}) => {
    const ask = () => fetch(url, { credentials: 'same-origin', ...options });
    let response = ask();
    response.catch(() => {}); // offline: the reader hears of it, the console need not
    return () => {
      const once = response ?? ask();
      response = null;
      return once;
    };
  };

  const owner = document.querySelector('meta[name="app-user"]').content;
  const first = openDb().then((db) => readFirstScreen(db, owner));
  first.catch(() => {}); // app.js reads it again and says what went wrong
  window.baobiBoot = {
    openDb,
    first,
    vocabularies: early('/app/vocabularies.json'),
    stores: early('/api/v1/stores', { cache: 'no-store' }),
  };
})();
