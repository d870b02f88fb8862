// pasi's service worker: it keeps the app shell (the page, its styles, scripts and icons) so a
// phone opens the app at once, and never touches the API. Every /api, /v1 and /mcp response
// (and any request carrying a token) goes straight to the server and is never stored: they
// hold the user's memories, and a cached copy would outlive `forget` and `erase`.

const CACHE = "pasi-shell-v1";
const SHELL = ["./", "index.html", "app.css", "js/main.js", "manifest.webmanifest", "icon.svg", "icon-192.png", "icon-512.png"];
const PRIVATE = /^\/(api|v1|mcp|openapi\.json|docs|redoc)(\/|$)/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

/** Only same-origin GETs of the shell's own files, never with credentials. */
function isShell(request) {
  const url = new URL(request.url);
  return request.method === "GET" && url.origin === self.location.origin && !PRIVATE.test(url.pathname)
    && !request.headers.has("Authorization");
}

// Stale-while-revalidate: the stored copy answers at once and a fresh one replaces it for the
// next start, so an upgraded server's app arrives one reload later; offline, the shell opens.
self.addEventListener("fetch", (event) => {
  if (!isShell(event.request)) return; // the browser fetches it as if there were no worker
  event.respondWith(caches.open(CACHE).then(async (cache) => {
    const stored = await cache.match(event.request, { ignoreSearch: true });
    const fresh = fetch(event.request).then((response) => {
      if (response.ok && response.type === "basic") cache.put(event.request, response.clone());
      return response;
    });
    if (stored) {
      event.waitUntil(fresh.catch(() => {}));
      return stored;
    }
    return fresh;
  }));
});
