/* The « Use my position (GPS) » button of the signalement form: fills the latitude and the longitude from the
   phone's position (6 decimals) and tells the map (`web/record-map.js` listens to their change). No inline script. */
(function () {
  "use strict";
  document.querySelectorAll(".copil-gps").forEach(function (button) {
    var latitude = document.getElementById(button.dataset.latitude);
    var longitude = document.getElementById(button.dataset.longitude);
    var status = document.getElementById(button.dataset.status);
    if (!latitude || !longitude) { return; }
    if (!("geolocation" in navigator)) { button.disabled = true; return; }
    button.addEventListener("click", function () {
      if (status) { status.textContent = "Recherche de la position…"; }
      navigator.geolocation.getCurrentPosition(function (position) {
        latitude.value = position.coords.latitude.toFixed(6);
        longitude.value = position.coords.longitude.toFixed(6);
        latitude.dispatchEvent(new Event("change", { bubbles: true }));
        longitude.dispatchEvent(new Event("change", { bubbles: true }));
        if (status) { status.textContent = "Position relevée (précision " + Math.round(position.coords.accuracy) + " m)."; }
      }, function () {
        if (status) { status.textContent = "Position indisponible : cliquez sur la carte ou saisissez-la."; }
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  });
})();
