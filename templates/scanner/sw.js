// EventDesk scanner service worker: keeps the scanner page and its files on the phone, so
// the page opens again without a network. API requests are never cached: every scan and
// count comes from the server, or waits in the page's own queue.
'use strict';

var VERSION = {{ version|tojson }};
var SHELL = {{ shell|tojson }};
var ASSETS = {{ assets|tojson }};
var CACHE = 'eventdesk-scanner-' + VERSION;
var CACHE_PREFIX = 'eventdesk-scanner-';
// How long the page waits for the server before it is served from the cache.
var SHELL_TIMEOUT_MS = 4000;

self.addEventListener('install', function (event) {
  event.waitUntil(
    caches.open(CACHE)
      .then(function (cache) { return cache.addAll([SHELL].concat(ASSETS)); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf(CACHE_PREFIX) === 0 && name !== CACHE;
        }).map(function (name) { return caches.delete(name); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error('timeout')); }, ms);
    promise.then(function (value) { clearTimeout(timer); resolve(value); },
                 function (error) { clearTimeout(timer); reject(error); });
  });
}

// The page: the network first (it may be in another language or newer), the cache when
// the server cannot be reached or fails.
function shellResponse(request) {
  return withTimeout(fetch(request), SHELL_TIMEOUT_MS).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(SHELL, copy); });
      return response;
    }
    return caches.match(SHELL).then(function (cached) { return cached || response; });
  }, function () {
    return caches.match(SHELL).then(function (cached) { return cached || Response.error(); });
  });
}

// Versioned files never change under the same URL: the cache first.
function assetResponse(request) {
  return caches.match(request).then(function (cached) { return cached || fetch(request); });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf('/api/') === 0) return;
  if (request.mode === 'navigate' && url.pathname === SHELL) {
    event.respondWith(shellResponse(request));
  } else if (ASSETS.indexOf(url.pathname + url.search) !== -1) {
    event.respondWith(assetResponse(request));
  }
});
