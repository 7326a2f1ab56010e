// A context's page: its map (Leaflet over the partnership's own geography, as on the places
// map: no tiles unless an operator sets a local tile server) and its network (Cytoscape.js),
// both drawn from JSON the page holds; the tables beside them hold the same facts. Nothing is
// requested from another host.
(function () {
  "use strict";

  function drawMap() {
    var island = document.getElementById("context-map-data");
    var element = document.getElementById("context-map");
    if (!island || !element || typeof L === "undefined") {
      return;
    }
    var data = JSON.parse(island.textContent);
    var status = document.getElementById("context-map-status");
    element.style.height = "420px";
    var map = L.map(element, { attributionControl: false });
    if (data.tiles) {
      L.tileLayer(data.tiles, { maxZoom: 18 }).addTo(map);
    }
    var shown = L.featureGroup().addTo(map);
    if (data.area) {
      L.geoJSON(data.area, { style: { color: "#0b0c0c", weight: 2, dashArray: "4 3", fillColor: "#ffdd00", fillOpacity: 0.15 } })
        .bindTooltip(data.area_label).addTo(shown);
    }
    data.places.forEach(function (place) {
      var count = typeof place.events === "number" ? place.events : 1;
      L.circleMarker([place.latitude, place.longitude], {
        radius: Math.min(14, 4 + 2 * Math.sqrt(count)), color: "#0b0c0c", weight: 1, fillColor: "#f47738", fillOpacity: 0.8
      }).bindTooltip(place.label + ": " + place.events + " event" + (place.events === 1 ? "" : "s")).addTo(shown);
    });
    if (data.point) {
      L.circleMarker(data.point, { radius: 9, color: "#0b0c0c", weight: 3, fillColor: "#1d70b8", fillOpacity: 0.9 })
        .bindTooltip(data.name).addTo(shown);
    }
    function fit() {
      var bounds = shown.getBounds();
      if (bounds.isValid()) {
        map.fitBounds(bounds.pad(0.3), { maxZoom: 15 });
      } else {
        map.setView([52.5, -1.5], 7);
        status.textContent = "No point recorded for this context, and no events with a place.";
      }
      element.setAttribute("data-drawn", "true");
    }
    if (!data.geography) {
      fit();
      return;
    }
    fetch(data.geography, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("The map's background could not be loaded (" + response.status + ").");
        }
        return response.json();
      })
      .then(function (collection) {
        L.geoJSON(collection, { style: { color: "#505a5f", weight: 0.6, fillColor: "#f3f2f1", fillOpacity: 0.6 } }).addTo(map);
        shown.bringToFront();
        fit();
      })
      .catch(function (error) {
        status.textContent = error.message;
        fit();
      });
  }

  function drawNetwork() {
    var island = document.getElementById("context-network-data");
    var container = document.getElementById("context-network");
    if (!island || !container || typeof cytoscape !== "function") {
      return;
    }
    // Cytoscape adds a <style> element unless one with this id exists; the CSP forbids inline
    // styles, so a marker takes its place and application.scss holds the rule.
    if (!document.getElementById("__________cytoscape_stylesheet")) {
      var marker = document.createElement("meta");
      marker.id = "__________cytoscape_stylesheet";
      document.head.appendChild(marker);
    }
    var data = JSON.parse(island.textContent);
    var elements = [];
    data.nodes.forEach(function (node) { elements.push({ group: "nodes", data: node }); });
    data.edges.forEach(function (edge) { elements.push({ group: "edges", data: edge }); });
    var chart = cytoscape({
      container: container,
      elements: elements,
      minZoom: 0.2,
      maxZoom: 2,
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": 9, "text-valign": "bottom", "text-margin-y": 3, "background-color": "#505a5f", width: 16, height: 16 } },
        { selector: "node[kind = 'child']", style: { "background-color": "#1d70b8", shape: "ellipse" } },
        { selector: "node[kind = 'adult']", style: { "background-color": "#d4351c", shape: "round-rectangle" } },
        { selector: "node[kind = 'address']", style: { "background-color": "#00703c", shape: "rectangle", width: 22, height: 12 } },
        { selector: "node[kind = 'phone']", style: { "background-color": "#f47738", shape: "diamond" } },
        { selector: "node[kind = 'vehicle'], node[kind = 'social_media_handle'], node[kind = 'object']", style: { "background-color": "#f47738", shape: "triangle" } },
        { selector: "node[kind = 'group']", style: { "background-color": "#4c2c92", shape: "hexagon", width: 24, height: 24 } },
        { selector: "edge", style: { width: 1.5, "line-color": "#b1b4b6", "curve-style": "bezier" } },
        { selector: "edge[?suspected]", style: { "line-style": "dashed", "line-color": "#d4351c" } }
      ]
    });
    chart.layout({ name: "cose", animate: false, randomize: false, nodeRepulsion: 12000, idealEdgeLength: 70 }).run();
    // A young person opens their page; a link, the records behind it (each through the gate).
    chart.on("tap", "node", function (event) {
      var href = event.target.data("href");
      if (href) {
        window.location.assign(href);
      }
    });
    chart.on("tap", "edge", function (event) {
      window.location.assign(event.target.data("href"));
    });
    container.setAttribute("data-ready", "true");
  }

  drawMap();
  drawNetwork();
})();
