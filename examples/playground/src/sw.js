// Offline: every file of the page is cached on install and served from the
// cache first. build.mjs fills in VERSION (a hash of the files) and FILES.
const VERSION = '__VERSION__';
const FILES = __FILES__;
const CACHE = `accord-playground-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('accord-playground-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    caches.open(CACHE)
      .then((c) => c.match(request, { ignoreSearch: true }))
      .then((hit) => hit ?? fetch(request)),
  );
});
