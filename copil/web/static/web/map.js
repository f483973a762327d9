/* The plan map: Leaflet with the layers Copil serves as GeoJSON (deal points, cameras, observations as a heat
   layer with a time slider, early-warning alerts). Tiles are optional: when they fail, a notice says so and the
   layers stay drawn over a blank background. No inline script: configuration comes from data-* attributes. */
(function () {
  "use strict";
  var element = document.getElementById("copil-map");
  if (!element || typeof L === "undefined") { return; }
  var data = element.dataset;
  var urls = JSON.parse(data.layers || "{}");
  var map = L.map(element, { scrollWheelZoom: false }).setView([46.6, 2.4], 6);
  var tiles = L.tileLayer(data.tileUrl, { maxZoom: 19, attribution: data.tileAttribution });
  var tileErrors = 0;
  tiles.on("tileerror", function () {
    tileErrors += 1;
    if (tileErrors === 1) {
      var notice = document.getElementById("copil-map-tiles-error");
      if (notice) { notice.hidden = false; }
    }
  });
  tiles.addTo(map);
  var control = L.control.layers(null, null, { collapsed: false }).addTo(map);
  var bounds = L.latLngBounds([]);

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }
  function formatDate(iso) {
    if (!iso) { return "—"; }
    var parts = iso.split("-");
    return parts[2] + "/" + parts[1] + "/" + parts[0];
  }
  function fetchLayer(key) {
    if (!urls[key]) { return Promise.resolve(null); }
    return fetch(urls[key], { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .catch(function () { return null; });
  }
  function extend(collection) {
    (collection.features || []).forEach(function (feature) {
      var geometry = feature.geometry;
      if (geometry && geometry.type === "Point") {
        bounds.extend([geometry.coordinates[1], geometry.coordinates[0]]);
      } else if (geometry) {
        try { bounds.extend(L.geoJSON(feature).getBounds()); } catch (error) { /* not a drawable geometry */ }
      }
    });
  }

  function dealPoints(collection) {
    var group = L.featureGroup();
    collection.features.forEach(function (feature) {
      var p = feature.properties, c = feature.geometry.coordinates;
      var active = p.status === "active";
      L.circleMarker([c[1], c[0]], {
        radius: 7, weight: 2, color: "#ffffff", fillColor: active ? "#ce0500" : "#18753c", fillOpacity: 0.9
      }).bindPopup(
        "<strong>" + escape(p.name) + "</strong><br>" + escape(active ? data.labelActive : data.labelNeutralized) +
        "<br>" + escape(data.labelIdentified) + " " + formatDate(p.identified_on) +
        (p.neutralized_on ? "<br>" + escape(data.labelNeutralizedOn) + " " + formatDate(p.neutralized_on) : "") +
        (p.address ? "<br>" + escape(p.address) : "")
      ).addTo(group);
    });
    return group;
  }

  function cameras(collection) {
    var group = L.featureGroup();
    collection.features.forEach(function (feature) {
      var p = feature.properties, c = feature.geometry.coordinates;
      var style = { color: "#000091", weight: 1, fillOpacity: p.in_service ? 0.12 : 0.03, dashArray: p.night_vision ? "4 4" : null };
      if (p.radius_m) { L.circle([c[1], c[0]], Object.assign({ radius: p.radius_m }, style)).addTo(group); }
      L.circleMarker([c[1], c[0]], { radius: 4, color: "#000091", weight: 1, fillColor: "#000091", fillOpacity: 1 })
        .bindPopup(
          "<strong>" + escape(p.name || data.labelCamera) + "</strong>" +
          (p.night_vision ? "<br>" + escape(data.labelNight) : "") +
          (p.radius_m ? "<br>" + escape(data.labelRadius) + " " + p.radius_m + " m" : "")
        ).addTo(group);
    });
    return group;
  }

  function mondayOf(iso) {
    var day = new Date(iso + "T12:00:00Z");
    var shift = (day.getUTCDay() + 6) % 7;
    day.setUTCDate(day.getUTCDate() - shift);
    return day.toISOString().slice(0, 10);
  }

  function observations(collection) {
    var features = collection.features;
    var weeks = [];
    features.forEach(function (f) {
      var week = mondayOf(f.properties.date);
      if (weeks.indexOf(week) < 0) { weeks.push(week); }
    });
    weeks.sort();
    var maximum = 1;
    features.forEach(function (f) { maximum = Math.max(maximum, f.properties.people || 0); });
    function points(week) {
      return features.filter(function (f) { return !week || mondayOf(f.properties.date) === week; })
        .map(function (f) {
          var c = f.geometry.coordinates;
          return [c[1], c[0], (f.properties.people || 0) / maximum];
        });
    }
    var layer = typeof L.heatLayer === "function"
      ? L.heatLayer(points(null), { radius: 22, blur: 18, maxZoom: 17 })
      : L.layerGroup();
    var group = document.getElementById("copil-slider-group");
    var slider = document.getElementById("copil-slider");
    var label = document.getElementById("copil-slider-value");
    if (group && slider && weeks.length && layer.setLatLngs) {
      slider.max = String(weeks.length);
      slider.value = "0";
      slider.setAttribute("aria-valuetext", data.labelAll);
      group.hidden = false;
      slider.addEventListener("input", function () {
        var index = parseInt(slider.value, 10);
        var week = index === 0 ? null : weeks[index - 1];
        var text = week ? data.labelWeek + " " + formatDate(week) : data.labelAll;
        label.textContent = text;
        slider.setAttribute("aria-valuetext", text);
        layer.setLatLngs(points(week));
      });
    }
    return layer;
  }

  function alerts(collection) {
    return L.geoJSON(collection, {
      pointToLayer: function (feature, latlng) {
        var radius = feature.properties && feature.properties.radius_m;
        return radius
          ? L.circle(latlng, { radius: radius, color: "#e4794a", weight: 2, fillOpacity: 0.15 })
          : L.circleMarker(latlng, { radius: 9, color: "#e4794a", weight: 3, fillOpacity: 0.2 });
      },
      style: function (feature) {
        var colour = (feature.properties && feature.properties.color) || "#e4794a";
        return { color: colour, weight: 1, fillColor: colour, fillOpacity: 0.35 };
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties || {};
        var text = p.summary || [p.label, p.place].filter(Boolean).join(" — ") || data.labelAlert;
        if (p.follow_up) text += " (" + p.follow_up + ")";
        var html = escape(text);
        if (p.id && p.follow_up && data.alertUrl) {
          html += '<br><a href="' + data.alertUrl.replace(/\/0\/$/, "/" + Number(p.id) + "/") + '">' + escape(data.labelFollowUp) + "</a>";
        }
        layer.bindPopup(html);
      }
    });
  }

  // Signalements by status: open ones (new, taken, action engaged) warm, finished ones (resolved, closed) cool.
  var SIGNALEMENT_COLOURS = { "new": "#ce0500", "taken": "#e4794a", "engaged": "#b34000", "resolved": "#18753c", "closed": "#666666" };

  function signalements(collection) {
    var group = L.featureGroup();
    collection.features.forEach(function (feature) {
      var p = feature.properties, c = feature.geometry.coordinates;
      L.circleMarker([c[1], c[0]], {
        radius: 6, weight: 2, color: "#ffffff", fillColor: SIGNALEMENT_COLOURS[p.status] || "#666666", fillOpacity: 0.9
      }).bindPopup(
        "<strong>" + escape(p.category) + "</strong><br>" + escape(p.status_label) + "<br>" + formatDate(p.date) +
        (p.address ? "<br>" + escape(p.address) : "")
      ).addTo(group);
    });
    return group;
  }

  var names = {};
  document.querySelectorAll("[data-layer-name]").forEach(function (node) { names[node.dataset.layerName] = node.textContent; });

  var keys = ["observations", "cameras", "points-de-deal", "points-chauds", "alertes", "signalements"];
  var builders = [observations, cameras, dealPoints, alerts, alerts, signalements];
  Promise.all(keys.map(fetchLayer)).then(function (all) {
    all.forEach(function (collection, index) {
      if (!collection) { return; }
      var key = keys[index];
      var layer = builders[index](collection);
      extend(collection);
      layer.addTo(map);
      control.addOverlay(layer, names[key] || key);
    });
    if (bounds.isValid()) { map.fitBounds(bounds.pad(0.1)); }
  });
})();
