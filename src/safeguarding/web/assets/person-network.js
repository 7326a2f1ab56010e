// The connections chart on a young person's page, drawn with Cytoscape.js from the JSON data
// island the page renders. The table under the chart holds the same connections.
(function () {
  "use strict";
  var found = window.networkChartData && window.networkChartData("connections-chart", "connections-chart-data");
  if (!found) {
    return;
  }
  var container = found.container;
  var data = found.data;
  var elements = data.nodes.map(function (node) {
    return { group: "nodes", data: node };
  });
  data.edges.forEach(function (edge, index) {
    elements.push({ group: "edges", data: Object.assign({ id: "e" + index }, edge) });
  });
  var chart = cytoscape({
    container: container,
    elements: elements,
    layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 20000, idealEdgeLength: 80 },
    minZoom: 0.2,
    maxZoom: 1.5,
    style: [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "font-size": 10,
          "text-valign": "bottom",
          "text-margin-y": 4,
          "background-color": "#505a5f",
          width: 18,
          height: 18
        }
      },
      { selector: "node[kind = 'self']", style: { "background-color": "#1d70b8", width: 28, height: 28 } },
      { selector: "node[kind = 'person']", style: { "background-color": "#d4351c" } },
      { selector: "node[kind = 'link']", style: { shape: "diamond", "background-color": "#f47738" } },
      { selector: "node[kind = 'place']", style: { shape: "round-rectangle", "background-color": "#00703c" } },
      {
        selector: "edge",
        style: {
          width: 1.5,
          "line-color": "#b1b4b6",
          "curve-style": "bezier"
        }
      },
      { selector: "edge[?suspected]", style: { "line-style": "dashed", "line-color": "#d4351c" } }
    ]
  });
  chart.on("tap", "node[href]", function (event) {
    window.location.assign(event.target.data("href"));
  });
  container.setAttribute("data-ready", "true");
})();
