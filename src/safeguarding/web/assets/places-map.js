// The Places map: the partnership's own geography as the base (no tiles unless an operator
// sets a local tile server), with layers drawn from the places app's GeoJSON. Nothing here
// requests anything from another host.
(function () {
  "use strict";
  var settings = JSON.parse(document.getElementById("map-settings").textContent);
  var element = document.getElementById("places-map");
  element.style.height = "640px";
  var map = L.map(element, { attributionControl: false, preferCanvas: false });
  if (settings.tiles) {
    L.tileLayer(settings.tiles, { maxZoom: 18 }).addTo(map);
  }
  var status = document.getElementById("map-status");
  var details = document.getElementById("cell-details");
  var monthInput = document.getElementById("month");
  var monthShown = document.getElementById("month-shown");
  var eventSet = document.getElementById("event-set");
  var unit = document.getElementById("unit");
  var layers = {};

  var HOT = { 3: "#942514", 2: "#d4351c", 1: "#f499be" };
  var COLD = { 3: "#003078", 2: "#1d70b8", 1: "#5694ca" };
  var EMERGING = {
    new_hot: "#f47738", consecutive_hot: "#d4351c", intensifying_hot: "#942514",
    persistent_hot: "#b7001c", diminishing_hot: "#f499be", sporadic_hot: "#ffdd00",
    oscillating_hot: "#912b88", historical_hot: "#6f777b",
    new_cold: "#5694ca", consecutive_cold: "#1d70b8", intensifying_cold: "#003078",
    persistent_cold: "#2b8cc4", diminishing_cold: "#85b4e0", sporadic_cold: "#28a197",
    oscillating_cold: "#4c2c92", historical_cold: "#b1b4b6"
  };

  function get(url, params) {
    var query = new URLSearchParams(params || {}).toString();
    return fetch(url + (query ? "?" + query : ""), {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("The map's data could not be loaded (" + response.status + ")."); }
      return response.json();
    });
  }

  function say(text) { status.textContent = text; }

  function replace(name, layer) {
    if (layers[name]) { map.removeLayer(layers[name]); }
    layers[name] = layer;
    if (layer) { layer.addTo(map); }
  }

  function binColour(bin) { return bin > 0 ? HOT[bin] : COLD[-bin]; }

  function showCell(cell, currentUnit) {
    details.textContent = "Loading the events behind this cell…";
    get(settings.cell, { event_set: eventSet.value, unit: currentUnit, cell: cell }).then(function (answer) {
      details.textContent = "";
      var heading = document.createElement("h2");
      heading.className = "govuk-heading-s";
      heading.textContent = answer.event_set + ": " + answer.count + " in " + answer.cell;
      details.appendChild(heading);
      var list = document.createElement("ul");
      list.className = "govuk-list govuk-body-s";
      list.setAttribute("data-testid", "cell-events");
      if (answer.events) {
        answer.events.forEach(function (event) {
          var item = document.createElement("li");
          item.textContent = event.date + " ";
          event.people.forEach(function (href, number) {
            var link = document.createElement("a");
            link.className = "govuk-link";
            link.href = href;
            link.textContent = "young person " + (number + 1);
            item.appendChild(link);
            item.appendChild(document.createTextNode(" "));
          });
          list.appendChild(item);
        });
      } else {
        Object.keys(answer.months).forEach(function (month) {
          var item = document.createElement("li");
          item.textContent = month + ": " + answer.months[month];
          list.appendChild(item);
        });
      }
      details.appendChild(list);
    }).catch(function (error) { details.textContent = error.message; });
  }

  function cellLayer(collection, colour, currentUnit) {
    return L.geoJSON(collection, {
      style: function (feature) {
        var fill = colour(feature.properties);
        return { className: "app-map-cell", color: fill || "#b1b4b6", weight: fill ? 1 : 0.5, fillColor: fill || "#ffffff", fillOpacity: fill ? 0.7 : 0.1 };
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        layer.bindTooltip(p.cell + ": " + p.count + (p.z !== undefined && p.z !== null ? " (z " + p.z + ")" : "") + (p.category_label ? " — " + p.category_label : ""));
        layer.on("click", function () { showCell(p.cell, currentUnit); });
      }
    });
  }

  function drawHotspots() {
    if (!document.getElementById("layer-hotspots").checked) { replace("hotspots", null); return Promise.resolve(); }
    var currentUnit = unit.value;
    return get(settings.hotspots, { event_set: eventSet.value, unit: currentUnit, kind: "hotspots" }).then(function (collection) {
      replace("hotspots", cellLayer(collection, function (p) { return p.gi_bin ? binColour(p.gi_bin) : null; }, currentUnit));
      say(collection.run ? collection.features.length + " cells with events; " + collection.run.events + " events from " + collection.run.period_start + " to " + collection.run.period_end + "." : "Not analysed yet: run safeguarding analyse.");
    });
  }

  function currentMonth() {
    var months = settings.months[eventSet.value] || [];
    var index = parseInt(monthInput.value, 10);
    return index > 0 && index <= months.length ? months[index - 1] : "";
  }

  function drawEmerging() {
    if (!document.getElementById("layer-emerging").checked) { replace("emerging", null); return Promise.resolve(); }
    var month = currentMonth();
    var params = { event_set: eventSet.value, unit: "grid", kind: "emerging" };
    if (month) { params.month = month; }
    return get(settings.hotspots, params).then(function (collection) {
      replace("emerging", cellLayer(collection, function (p) {
        return month ? (p.gi_bin ? binColour(p.gi_bin) : null) : EMERGING[p.category];
      }, "grid"));
    });
  }

  function drawRecent() {
    if (!document.getElementById("layer-recent").checked) { replace("recent", null); return Promise.resolve(); }
    return get(settings.hotspots, { event_set: eventSet.value, unit: "grid", kind: "recent" }).then(function (collection) {
      var flagged = collection.features.filter(function (feature) { return feature.properties.category === "look_next"; });
      var layer = L.geoJSON({ type: "FeatureCollection", features: flagged }, {
        style: function (feature) {
          var shade = Math.max(0.25, 0.8 - feature.properties.rank / (flagged.length + 1) * 0.55);
          return { className: "app-map-cell app-map-recent", color: "#4c2c92", weight: 2, fillColor: "#4c2c92", fillOpacity: shade };
        },
        onEachFeature: function (feature, layer) {
          var p = feature.properties;
          layer.bindTooltip(p.cell + ": look next, rank " + p.rank + " (score " + p.score + ")");
          layer.on("click", function () { showCell(p.cell, "grid"); });
        }
      });
      replace("recent", layer);
    });
  }

  function drawConcern() {
    if (!document.getElementById("layer-concern").checked) { replace("concern", null); return Promise.resolve(); }
    // One layer over every kind of event: stored under the exploitation-related events.
    return get(settings.hotspots, { event_set: "exploitation", unit: "grid", kind: "concern" }).then(function (collection) {
      replace("concern", L.geoJSON(collection, {
        style: function () {
          return { className: "app-map-cell app-map-concern", color: "#0b0c0c", weight: 3, fillColor: "#0b0c0c", fillOpacity: 0.35 };
        },
        onEachFeature: function (feature, layer) {
          var p = feature.properties;
          layer.bindTooltip(p.cell + ": place of concern, " + p.count + " young people with signs of exploitation seen here (" + Math.round(p.score * 100) + "% of those seen here away from home)");
          layer.on("click", function () { showCell(p.cell, "grid"); });
        }
      }));
    });
  }

  function drawFound() {
    if (!document.getElementById("layer-found").checked) { replace("found", null); return Promise.resolve(); }
    return get(settings.found).then(function (collection) {
      replace("found", L.geoJSON(collection, {
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, { radius: 4, color: "#0b0c0c", weight: 1, fillColor: "#ffdd00", fillOpacity: 0.9 });
        },
        style: function () { return { color: "#0b0c0c", weight: 1, fillColor: "#ffdd00", fillOpacity: 0.5 }; },
        onEachFeature: function (feature, layer) {
          var p = feature.properties;
          layer.bindTooltip(p.started ? "Found " + p.started + " at " + p.postcode : p.cell + ": " + p.count + " found here");
        }
      }));
    });
  }

  function drawAreas() {
    if (!document.getElementById("layer-areas").checked) { replace("areas", null); return Promise.resolve(); }
    return get(settings.areas).then(function (collection) {
      replace("areas", L.geoJSON(collection, {
        style: function (feature) {
          var high = feature.properties.high;
          var shade = typeof high === "number" ? Math.min(0.8, high / 5) : 0.15;
          return { color: "#505a5f", weight: 0.5, fillColor: "#912b88", fillOpacity: shade };
        },
        onEachFeature: function (feature, layer) {
          var p = feature.properties;
          var rates = typeof p.on_tracker_per_1000 === "number"
            ? "; per 1,000 of " + p.young_people + " young people: on the tracker " + p.on_tracker_per_1000 + (typeof p.missing_episodes_per_1000 === "number" ? ", missing episodes " + p.missing_episodes_per_1000 : "")
            : "";
          layer.bindTooltip(p.code + (p.community_area ? " (" + p.community_area + ")" : "") + ": high " + p.high + ", medium " + p.medium + ", low " + p.low + "; missing episodes " + p.missing_episodes + rates);
        }
      }));
    });
  }

  function updateSlider() {
    var months = settings.months[eventSet.value] || [];
    monthInput.max = String(months.length);
    if (parseInt(monthInput.value, 10) > months.length) { monthInput.value = "0"; }
    monthShown.textContent = currentMonth() || "The whole period";
  }

  function redraw() {
    updateSlider();
    Promise.all([drawHotspots(), drawRecent(), drawConcern(), drawEmerging(), drawFound(), drawAreas()]).then(function () {
      element.setAttribute("data-drawn", String(Date.now()));
    }).catch(function (error) { say(error.message); });
  }

  get(settings.geography).then(function (collection) {
    var base = L.geoJSON(collection, { style: { color: "#505a5f", weight: 0.6, fillColor: "#f3f2f1", fillOpacity: 0.6 } }).addTo(map);
    collection.labels.forEach(function (label) {
      L.marker([label.latitude, label.longitude], {
        icon: L.divIcon({ className: "app-map-label", html: "", iconSize: [0, 0] }),
        keyboard: false, interactive: false
      }).bindTooltip(label.name, { permanent: true, direction: "center", className: "app-map-label" }).addTo(map);
    });
    var bounds = base.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds); } else { map.setView([52.5, -1.5], 7); }
    redraw();
  }).catch(function (error) { say(error.message); map.setView([52.5, -1.5], 7); });

  eventSet.addEventListener("change", redraw);
  unit.addEventListener("change", redraw);
  ["hotspots", "recent", "concern", "emerging", "found", "areas"].forEach(function (name) {
    document.getElementById("layer-" + name).addEventListener("change", redraw);
  });
  monthInput.addEventListener("input", function () {
    monthShown.textContent = currentMonth() || "The whole period";
    drawEmerging().then(function () { element.setAttribute("data-drawn", String(Date.now())); });
  });
}());
