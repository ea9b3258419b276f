// Loaded by the log-in page right after a log-out, from whichever page: the app page the
// service worker cached names the inspector and holds a CSRF token, so it goes, in every
// language. Only that page: IndexedDB keeps the unsent surveys and photos.
async function forget() {
  for (const name of await caches.keys()) await (await caches.open(name)).delete('/app', { ignoreSearch: true });
  document.documentElement.dataset.appForgotten = 'true';
}

if (window.caches) {
  forget();
  // A worker still installing may be storing the page right now: forget it once more after.
  navigator.serviceWorker?.getRegistration().then((registration) => {
    registration?.installing?.addEventListener('statechange', forget);
  });
}
