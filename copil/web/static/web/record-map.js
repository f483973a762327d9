/* Maps of the record forms (Leaflet, tiles optional: without them the points stay drawn on a blank background).
   - `.copil-pick-map`: the deal points of the plan; clicking one chooses it in the searchable list
     `data-select` (the list stays the way for keyboards and screen readers; choosing there highlights the point).
   - `.copil-point-map`: clicking sets the inputs `data-latitude` and `data-longitude` (6 decimals), and a marker
     shows the position typed or clicked; the plan's deal points are drawn for reference.
   No inline script: configuration comes from data-* attributes. */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }

  function baseMap(element, points) {
    var data = element.dataset;
    var map = L.map(element, { scrollWheelZoom: false }).setView([46.6, 2.4], 6);
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { maxZoom: 19, attribution: data.tileAttribution || "" }).addTo(map);
    }
    if (points.length) {
      map.fitBounds(L.latLngBounds(points.map(function (p) { return [p.lat, p.lon]; })).pad(0.2), { maxZoom: 16 });
    }
    return map;
  }

  function pointStyle(chosen) {
    return { radius: chosen ? 9 : 6, weight: 2, color: "#ffffff", fillColor: chosen ? "#000091" : "#ce0500", fillOpacity: 0.9 };
  }

  document.querySelectorAll(".copil-pick-map").forEach(function (element) {
    var select = document.getElementById(element.dataset.select);
    var points = JSON.parse(element.dataset.points || "[]");
    if (!select) { return; }
    var map = baseMap(element, points);
    var markers = {};
    function highlight() {
      Object.keys(markers).forEach(function (value) { markers[value].setStyle(pointStyle(value === select.value)); });
    }
    points.forEach(function (point) {
      var marker = L.circleMarker([point.lat, point.lon], pointStyle(point.value === select.value))
        .bindTooltip(point.label)
        .on("click", function () {
          select.value = point.value;
          select.dispatchEvent(new Event("change", { bubbles: true }));
        })
        .addTo(map);
      var path = marker.getElement();
      if (path) { path.setAttribute("data-value", point.value); }
      markers[point.value] = marker;
    });
    select.addEventListener("change", highlight);
  });

  document.querySelectorAll(".copil-point-map").forEach(function (element) {
    var latitude = document.getElementById(element.dataset.latitude);
    var longitude = document.getElementById(element.dataset.longitude);
    var points = JSON.parse(element.dataset.points || "[]");
    if (!latitude || !longitude) { return; }
    var map = baseMap(element, points);
    points.forEach(function (point) {
      L.circleMarker([point.lat, point.lon], { radius: 4, weight: 1, color: "#666666", fillOpacity: 0.5 })
        .bindTooltip(point.label).addTo(map);
    });
    var marker = null;
    function read(input) { return parseFloat(String(input.value).replace(",", ".")); }
    function place() {
      var lat = read(latitude), lon = read(longitude);
      if (isNaN(lat) || isNaN(lon)) { return; }
      if (marker) { marker.setLatLng([lat, lon]); } else { marker = L.marker([lat, lon]).addTo(map); }
    }
    map.on("click", function (event) {
      latitude.value = event.latlng.lat.toFixed(6);
      longitude.value = event.latlng.lng.toFixed(6);
      place();
    });
    latitude.addEventListener("change", place);
    longitude.addEventListener("change", place);
    place();
    if (marker) { map.setView(marker.getLatLng(), Math.max(map.getZoom(), 15)); }
  });
})();
