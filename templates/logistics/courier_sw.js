/* The courier app's service worker (served by logistics.proof_views.ServiceWorkerView).

Network first, the cache as fallback: online the courier always sees the route as planned
now; offline, the route as last loaded. Only GETs of this origin are touched; stop actions
(POSTs) go to the network, and static/logistics/courier_app.js queues them when that fails.
The cache name carries the app script's static URL, hashed per deploy in production, so a
deploy starts a fresh cache. */
"use strict";

const CACHE = {{ cache_name }};
const ROUTE = {{ route_url }};
const PRECACHE = {{ precache }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then(async (cache) => {
      await Promise.all(PRECACHE.map((url) => store(cache, url)));
      await store(cache, ROUTE);
    }).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("courier-") && name !== CACHE)
          .map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

// The page sends the same-origin files it loaded (styles, scripts, the map), so the route
// looks the same offline; it hears back once they are stored. Files stored already are not
// fetched again: pages this worker controls refresh them on every load (network first).
self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "cache") {
    return;
  }
  const urls = (event.data.urls || []).filter(sameOrigin);
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => Promise.all(urls.map((url) => storeIfMissing(cache, url))))
      .then(() => event.source && event.source.postMessage({ type: "cached" }))
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !sameOrigin(request.url)) {
    return;
  }
  const url = new URL(request.url);
  if (url.pathname.startsWith(ROUTE + "proof/")) {
    return; // proof photos: never kept on the phone
  }
  event.respondWith(networkFirst(request, url));
});

async function networkFirst(request, url) {
  const cache = await caches.open(CACHE);
  const key = url.pathname === ROUTE ? ROUTE : request.url;
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected && response.type === "basic") {
      await cache.put(key, response.clone());
    } else if (key === ROUTE && response.type === "opaqueredirect") {
      // Signed out: the route (names, addresses) does not stay on the phone.
      await cache.delete(ROUTE);
    }
    return response;
  } catch (error) {
    const cached = await cache.match(key, { ignoreVary: true, ignoreSearch: key === ROUTE });
    if (cached) {
      return cached;
    }
    throw error;
  }
}

async function storeIfMissing(cache, url) {
  const stored = await cache.match(url, { ignoreVary: true });
  if (!stored) {
    await store(cache, url);
  }
}

async function store(cache, url) {
  try {
    const response = await fetch(url, { credentials: "same-origin", redirect: "follow" });
    if (response.ok && !response.redirected) {
      await cache.put(url, response);
    }
  } catch (error) {
    // Offline while installing: the next online load fills the cache.
  }
}

function sameOrigin(url) {
  return new URL(url, self.location.href).origin === self.location.origin;
}
