/* The field app's service worker, served at /sw.js by copil.signalements.pwa_views.service_worker, which writes
   CONFIG: the cache version (a hash of the static files: a deploy refreshes the shell), the shell's static URLs and
   the outbox script. Pages: network first, and only the plans' field pages are kept (never the API, never another
   page: person-level pages must not stay on a phone). Static files: cache first. POSTs are never cached. */
"use strict";
var CONFIG = /*__COPIL_CONFIG__*/ {};
var CACHE = "copil-shell-" + CONFIG.version;
var FIELD_PAGE = /^\/plans\/[^/]+\/terrain\/$/;

if (CONFIG.outbox) { importScripts(CONFIG.outbox); }

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) { return cache.addAll(CONFIG.shell || []); }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("copil-shell-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }, function () {
    return caches.match(request, { ignoreSearch: true }).then(function (cached) {
      return cached || Response.error();
    });
  });
}

function cacheFirst(request) {
  return caches.match(request).then(function (cached) {
    return cached || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && FIELD_PAGE.test(url.pathname)) {
    event.respondWith(networkFirst(request));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(cacheFirst(request));
  }
  /* anything else (API, other pages, photos) goes to the network untouched and is never stored */
});

self.addEventListener("sync", function (event) {
  if (event.tag === "copil-outbox" && self.CopilOutbox) {
    event.waitUntil(self.CopilOutbox.flush().then(function (sent) {
      return self.clients.matchAll().then(function (clients) {
        clients.forEach(function (client) { client.postMessage({ type: "copil-outbox-flushed", sent: sent }); });
      });
    }));
  }
});
