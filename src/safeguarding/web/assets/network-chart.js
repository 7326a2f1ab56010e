// What every Cytoscape.js chart on our pages needs before it draws: its container, its data (the
// JSON island the page renders) and, once per page, the stylesheet marker. Loaded before the
// page's own chart script (network-page.js, person-network.js).
(function () {
  "use strict";
  window.networkChartData = function (containerId, islandId) {
    var island = document.getElementById(islandId);
    var container = document.getElementById(containerId);
    if (!island || !container || typeof cytoscape !== "function") {
      return null;
    }
    // Cytoscape adds a <style> element unless one with this id exists; the CSP forbids inline
    // styles, so a marker takes its place and application.scss holds the rule.
    if (!document.getElementById("__________cytoscape_stylesheet")) {
      var marker = document.createElement("meta");
      marker.id = "__________cytoscape_stylesheet";
      document.head.appendChild(marker);
    }
    return { container: container, data: JSON.parse(island.textContent) };
  };
})();
