// The service worker: the app shell from the cache when there is no network.
// Static files cache-first, pages network-first with the cache as fallback,
// and never anything under /api/: surveys are sent by the page, never replayed.
const VERSION = '__VERSION__';
const CACHE = `baobi-shell-${VERSION}`;
const SHELL = [__SHELL_URLS__];
// The barcode decoder (about 1 MB): fetched when the scanner is first needed, then kept in a cache of
// its own across app updates, since its files change only with its version (in their path).
const VENDOR = '__VENDOR__';
const VENDOR_CACHE = 'baobi-vendor';

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await Promise.all(SHELL.map(async (url) => {
      const response = await fetch(new Request(url, { cache: 'reload' }));
      if (!response.ok) throw new Error(`${url} ${response.status}`);
      // Logged out, /app answers with the log-in page: no app page to keep.
      if (!response.redirected) await cache.put(url, response);
    }));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith('baobi-shell-') && name !== CACHE).map((name) => caches.delete(name)));
    // An older decoder's files go when a new one comes.
    if (names.includes(VENDOR_CACHE)) {
      const vendor = await caches.open(VENDOR_CACHE);
      for (const request of await vendor.keys()) {
        if (!new URL(request.url).pathname.startsWith(VENDOR)) await vendor.delete(request);
      }
    }
    await self.clients.claim();
  })());
});

// The page asks for this when the inspector taps "update": never on its own, so a
// half-filled form is saved as a draft before the new version takes over.
self.addEventListener('message', (event) => {
  if (event.data?.type === 'skip-waiting') self.skipWaiting();
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    // The page as asked (/app?lang=en), else the page in any language.
    const cached = (await cache.match(request)) || (await cache.match(request, { ignoreSearch: true }));
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request, name = CACHE) {
  const cache = await caches.open(name);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/sw.js') return;
  if (url.pathname.startsWith('/static/vendor/')) {
    event.respondWith(cacheFirst(event.request, VENDOR_CACHE));
  } else if (url.pathname.startsWith('/static/') || url.pathname.startsWith('/icons/')) {
    event.respondWith(cacheFirst(event.request));
  } else if (SHELL.includes(url.pathname) || SHELL.includes(url.pathname + url.search)) {
    // Only the shell's own pages: other pages (a reviewer's figures) never go to the cache.
    event.respondWith(networkFirst(event.request));
  }
});

// Background Sync (Chromium): wake an open app page to send its outbox. With no
// page open the sync fails, the browser tries again later, and the next time the
// app opens it sends on load: the surveys stay safe in IndexedDB meanwhile.
self.addEventListener('sync', (event) => {
  if (event.tag !== 'flush-outbox') return;
  event.waitUntil((async () => {
    const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    if (!pages.length) throw new Error('no page open to send from');
    for (const page of pages) page.postMessage({ type: 'flush' });
  })());
});
