// The public form's map: an optional way to say where, over the partnership's own outline (no
// tiles, nothing from another host). A tap sets the hidden latitude and longitude fields; the
// server checks the point lies within the partnership's area. Without this script the map
// stays hidden and the postcode and address say where.
(function () {
  "use strict";
  var group = document.getElementById("id_latitude");
  var element = document.getElementById("report-map");
  if (!group || !element || !window.L || !window.fetch) { return; }
  var latitude = document.getElementById("point-latitude");
  var longitude = document.getElementById("point-longitude");
  var status = document.getElementById("report-map-status");
  var clear = document.getElementById("report-map-clear");
  var marker = null;

  group.hidden = false;
  clear.style.display = "none";
  clear.hidden = false;
  element.style.height = "320px";
  var map = L.map(element, { attributionControl: false });

  function show(point) {
    if (marker) { map.removeLayer(marker); marker = null; }
    if (!point) {
      latitude.value = "";
      longitude.value = "";
      status.textContent = "No place picked on the map.";
      clear.style.display = "none";
      return;
    }
    latitude.value = point.lat.toFixed(5);
    longitude.value = point.lng.toFixed(5);
    marker = L.circleMarker(point, { radius: 9, color: "#0b0c0c", weight: 3, fillColor: "#ffdd00", fillOpacity: 1 }).addTo(map);
    status.textContent = "Place picked on the map (" + latitude.value + ", " + longitude.value + "). Tap again to move it.";
    clear.style.display = "";
  }

  fetch(element.getAttribute("data-area"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    })
    .then(function (collection) {
      var outline = L.geoJSON(collection, {
        style: { color: "#505a5f", weight: 0.6, fillColor: "#f3f2f1", fillOpacity: 0.6 },
        interactive: false
      }).addTo(map);
      collection.labels.forEach(function (label) {
        L.marker([label.latitude, label.longitude], {
          icon: L.divIcon({ className: "app-map-label", html: "", iconSize: [0, 0] }),
          keyboard: false, interactive: false
        }).bindTooltip(label.name, { permanent: true, direction: "center", className: "app-map-label" }).addTo(map);
      });
      var bounds = outline.getBounds();
      if (!bounds.isValid()) { group.hidden = true; return; }
      map.fitBounds(bounds);
      if (latitude.value && longitude.value) {
        show(L.latLng(parseFloat(latitude.value), parseFloat(longitude.value)));
      }
      map.on("click", function (event) { show(event.latlng); });
      element.setAttribute("data-ready", "true");
    })
    .catch(function () {
      // No outline to draw on: the map is no help, so it goes, and the postcode remains.
      group.hidden = true;
    });

  clear.addEventListener("click", function () { show(null); });
}());
