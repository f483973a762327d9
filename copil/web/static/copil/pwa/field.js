/* The field page: registers the service worker, puts each submission in the outbox (outbox.js) under a
   crypto.randomUUID() client identifier, shows « en attente d'envoi (n) », and sends the outbox on page load, on the
   `online` event and through Background Sync where the browser has it. Photos are redrawn on a canvas (longest side
   1600 px at most, JPEG 0.8): the copy sent carries no EXIF (no GPS, no camera). The CSRF token is read from the
   page's <meta name="csrf-token">, never from a cookie. */
(function () {
  "use strict";
  var root = document.getElementById("pwa-field");
  if (!root || !window.CopilOutbox) { return; }
  var outbox = window.CopilOutbox;
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var MAX_SIDE = 1600;
  var QUALITY = 0.8;
  var MAX_PHOTOS = 3;

  var statusBox = document.getElementById("pwa-outbox-status");
  var statusText = document.getElementById("pwa-outbox-text");
  var errorList = document.getElementById("pwa-outbox-errors");
  var network = document.getElementById("pwa-network");

  function showNetwork() {
    network.textContent = navigator.onLine ? network.dataset.online : network.dataset.offline;
    network.className = "fr-badge fr-badge--sm " + (navigator.onLine ? "fr-badge--success" : "fr-badge--warning");
  }

  function refresh() {
    return outbox.all().then(function (items) {
      var pending = items.filter(function (item) { return !item.error; });
      statusText.textContent = pending.length
        ? statusBox.dataset.pending.replace("{count}", String(pending.length))
        : statusBox.dataset.empty;
      statusBox.dataset.count = String(pending.length);
      errorList.textContent = "";
      items.filter(function (item) { return item.error; }).forEach(function (item) {
        var li = document.createElement("li");
        li.className = "fr-error-text";
        li.textContent = item.label + " : " + Object.keys(item.error).map(function (key) {
          return item.error[key];
        }).join(" ");
        var drop = document.createElement("button");
        drop.type = "button";
        drop.className = "fr-btn fr-btn--tertiary fr-btn--sm fr-ml-1w";
        drop.textContent = errorList.dataset.remove;
        drop.addEventListener("click", function () { outbox.remove(item.client_id).then(refresh); });
        li.appendChild(drop);
        errorList.appendChild(li);
      });
    });
  }

  function send() {
    return outbox.flush().then(refresh, refresh);
  }

  function askSync() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) { return registration.sync.register("copil-outbox"); }
    }).catch(function () { /* Background Sync refused: the online event and the next load send it */ });
  }

  function resize(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var image = new Image();
      image.onload = function () {
        var scale = Math.min(1, MAX_SIDE / Math.max(image.naturalWidth, image.naturalHeight));
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
        canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
        canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        resolve(canvas.toDataURL("image/jpeg", QUALITY));
      };
      image.onerror = function () { URL.revokeObjectURL(url); reject(new Error("image")); };
      image.src = url;
    });
  }

  function value(form, name) {
    var field = form.elements[name];
    return field ? field.value.trim() : "";
  }

  function localToIso(text) {
    var date = new Date(text);
    return isNaN(date.getTime()) ? "" : date.toISOString();
  }

  /* the page may come from the service worker's cache: the time proposed is the phone's, now */
  function proposeNow() {
    var now = new Date();
    var local = new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    Array.prototype.forEach.call(document.querySelectorAll('input[name="observed_at"]'), function (input) {
      input.value = local;
    });
  }

  function queue(url, label, body) {
    var item = {
      client_id: body.client_id,
      url: url,
      csrf: csrf,
      label: label,
      body: body,
      queued_at: new Date().toISOString()
    };
    return outbox.add(item).then(refresh).then(function () {
      askSync();
      if (navigator.onLine) { return send(); }
    });
  }

  var signalementForm = document.getElementById("pwa-signalement-form");
  if (signalementForm) {
    signalementForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var form = signalementForm;
      var files = Array.prototype.slice.call(form.elements.photos.files || [], 0, MAX_PHOTOS);
      Promise.all(files.map(resize)).then(function (photos) {
        var body = {
          client_id: crypto.randomUUID(),
          category: value(form, "category"),
          observed_at: localToIso(value(form, "observed_at")),
          description: value(form, "description"),
          address: value(form, "address"),
          latitude: value(form, "latitude") || null,
          longitude: value(form, "longitude") || null,
          photos: photos
        };
        var label = form.elements.category.selectedOptions[0].textContent;
        return queue(root.dataset.signalementUrl, label, body);
      }).then(function () {
        form.elements.description.value = "";
        form.elements.address.value = "";
        form.elements.photos.value = "";
        clearPoint("sig");
        proposeNow();
      });
    });
  }

  var observationForm = document.getElementById("pwa-observation-form");
  if (observationForm) {
    observationForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var form = observationForm;
      var body = {
        client_id: crypto.randomUUID(),
        observed_at: localToIso(value(form, "observed_at")),
        people_count: value(form, "people_count"),
        source: value(form, "source"),
        address: value(form, "address"),
        latitude: value(form, "latitude") || null,
        longitude: value(form, "longitude") || null
      };
      queue(root.dataset.observationUrl, errorList.dataset.observation, body).then(function () {
        form.elements.people_count.value = "";
        form.elements.address.value = "";
        clearPoint("obs");
        proposeNow();
      });
    });
  }

  function clearPoint(prefix) {
    var status = document.getElementById(prefix + "-gps-status");
    document.getElementById(prefix + "-latitude").value = "";
    document.getElementById(prefix + "-longitude").value = "";
    status.textContent = status.dataset.none;
  }

  Array.prototype.forEach.call(document.querySelectorAll(".pwa-gps"), function (button) {
    button.addEventListener("click", function () {
      var prefix = button.dataset.prefix;
      var status = document.getElementById(prefix + "-gps-status");
      if (!navigator.geolocation) { status.textContent = status.dataset.error; return; }
      navigator.geolocation.getCurrentPosition(function (position) {
        var lat = position.coords.latitude.toFixed(6);
        var lon = position.coords.longitude.toFixed(6);
        document.getElementById(prefix + "-latitude").value = lat;
        document.getElementById(prefix + "-longitude").value = lon;
        status.textContent = lat + ", " + lon + " (± " + Math.round(position.coords.accuracy) + " m)";
      }, function () {
        status.textContent = status.dataset.error;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  });

  window.addEventListener("online", function () { showNetwork(); send(); });
  window.addEventListener("offline", showNetwork);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.sw, { scope: "/" }).catch(function () { /* no offline shell */ });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "copil-outbox-flushed") { refresh(); }
    });
  }
  showNetwork();
  proposeNow();
  refresh().then(function () { if (navigator.onLine) { return send(); } });
})();
