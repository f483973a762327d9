/* The outbox of the field app: submissions waiting to be sent, in IndexedDB, each under the client identifier
   (crypto.randomUUID) the server is idempotent on. Used by the page (field.js) and by the service worker
   (Background Sync), so it touches neither `window` nor `document`. Vanilla JS, no build step. */
(function (scope) {
  "use strict";
  var DB_NAME = "copil-outbox";
  var STORE = "items";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = scope.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "client_id" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function add(item) {
    return run("readwrite", function (store) { return store.put(item); });
  }

  function all() {
    return run("readonly", function (store) { return store.getAll(); }).then(function (items) {
      return (items || []).sort(function (a, b) { return a.queued_at < b.queued_at ? -1 : 1; });
    });
  }

  function remove(clientId) {
    return run("readwrite", function (store) { return store.delete(clientId); });
  }

  var flushing = null;

  /* Send every waiting item once, oldest first. 200/201: stored (201 new, 200 already there): removed.
     Another answer from the server (422, 403, 409): kept with its error, not resent until the page says so.
     No answer (offline): stop, everything stays. A flush running answers the same promise (no double send). */
  function flush() {
    if (flushing) { return flushing; }
    var sent = 0;
    flushing = all().then(function (items) {
      var waiting = items.filter(function (item) { return !item.error; });
      return waiting.reduce(function (chain, item) {
        return chain.then(function (stop) {
          if (stop) { return true; }
          return scope.fetch(item.url, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": item.csrf, "Accept": "application/json" },
            body: JSON.stringify(item.body)
          }).then(function (response) {
            if (response.status === 200 || response.status === 201) {
              sent += 1;
              return remove(item.client_id).then(function () { return false; });
            }
            if (response.status >= 500 || response.status === 401) { return true; }
            return response.json().catch(function () { return {}; }).then(function (payload) {
              item.error = payload.errors || { body: String(response.status) };
              return add(item).then(function () { return false; });
            });
          }, function () { return true; });
        });
      }, Promise.resolve(false));
    }).then(function () {
      flushing = null;
      return sent;
    }, function (error) {
      flushing = null;
      throw error;
    });
    return flushing;
  }

  scope.CopilOutbox = { add: add, all: all, remove: remove, flush: flush };
})(self);
