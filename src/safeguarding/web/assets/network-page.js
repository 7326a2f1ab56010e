// The network pages (a person's network, a community): Cytoscape.js draws the nodes and links
// the page renders in a JSON data island; the tables under the chart hold the same facts and
// grow with it. Expanding a node, finding a path and opening the records behind a link each ask
// the server, which applies need to know and audits the read.
(function () {
  "use strict";
  var found = window.networkChartData && window.networkChartData("network-chart", "network-chart-data");
  if (!found) {
    return;
  }
  var container = found.container;
  var data = found.data;
  var status = document.getElementById("network-status");
  var query = container.getAttribute("data-query") || "";
  var labels = {};

  function say(text) {
    status.textContent = text;
  }

  function elementsOf(graph) {
    var elements = [];
    graph.nodes.forEach(function (node) {
      labels[node.id] = node.label;
      elements.push({ group: "nodes", data: node });
    });
    graph.edges.forEach(function (edge) {
      elements.push({ group: "edges", data: edge });
    });
    return elements;
  }

  var elements = elementsOf(data);
  var chart = cytoscape({
    container: container,
    elements: elements,
    // WebGL keeps several thousand elements responsive; the canvas is clearer below that.
    renderer: { name: "canvas", webgl: elements.length > 2000 },
    minZoom: 0.1,
    maxZoom: 2,
    style: [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "font-size": 9,
          "text-valign": "bottom",
          "text-margin-y": 3,
          "background-color": "#505a5f",
          width: 16,
          height: 16
        }
      },
      { selector: "node[kind = 'child']", style: { "background-color": "#1d70b8", shape: "ellipse" } },
      { selector: "node[kind = 'adult']", style: { "background-color": "#d4351c", shape: "round-rectangle" } },
      { selector: "node[kind = 'address']", style: { "background-color": "#00703c", shape: "rectangle", width: 22, height: 12 } },
      { selector: "node[kind = 'phone']", style: { "background-color": "#f47738", shape: "diamond" } },
      { selector: "node[kind = 'vehicle'], node[kind = 'social_media_handle'], node[kind = 'object']", style: { "background-color": "#f47738", shape: "triangle" } },
      { selector: "node[kind = 'group']", style: { "background-color": "#4c2c92", shape: "hexagon" } },
      { selector: "node[kind = 'event']", style: { "background-color": "#ffdd00", "border-width": 1, "border-color": "#0b0c0c", shape: "star", width: 14, height: 14 } },
      { selector: "edge", style: { width: 1.5, "line-color": "#b1b4b6", "curve-style": "bezier" } },
      { selector: "edge[?suspected]", style: { "line-style": "dashed", "line-color": "#d4351c" } },
      { selector: ".faded", style: { opacity: 0.15 } },
      { selector: "node.on-path", style: { "border-width": 4, "border-color": "#ffdd00" } },
      { selector: "edge.on-path", style: { width: 5, "line-color": "#ffdd00" } },
      { selector: ".centre", style: { width: 28, height: 28, "border-width": 3, "border-color": "#0b0c0c" } }
    ]
  });
  // The chosen people of a connecting network, or else the person the page is about.
  var chosen = chart.nodes("[?chosen]");
  if (chosen.length) {
    chosen.addClass("centre");
  } else if (data.nodes.length) {
    chart.getElementById(data.nodes[0].id).addClass("centre");
  }

  function layout() {
    var options =
      chart.nodes().length <= 400
        ? { name: "cose", animate: false, randomize: false, nodeRepulsion: 12000, idealEdgeLength: 70 }
        : { name: "concentric", animate: false, minNodeSpacing: 6 };
    chart.layout(options).run();
  }
  layout();

  function cell(row, text, numeric) {
    var td = document.createElement("td");
    td.className = "govuk-table__cell" + (numeric ? " govuk-table__cell--numeric" : "");
    if (text !== null) {
      td.textContent = text;
    }
    row.appendChild(td);
    return td;
  }

  function link(td, href, text, hidden) {
    var a = document.createElement("a");
    a.className = "govuk-link";
    a.href = href;
    a.textContent = text;
    if (hidden) {
      var span = document.createElement("span");
      span.className = "govuk-visually-hidden";
      span.textContent = hidden;
      a.appendChild(span);
    }
    td.appendChild(a);
  }

  function expandButton(td, node) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-0 app-expand";
    button.setAttribute("data-index", node.index);
    button.textContent = "Expand";
    var span = document.createElement("span");
    span.className = "govuk-visually-hidden";
    span.textContent = " " + node.label;
    button.appendChild(span);
    td.appendChild(button);
  }

  function addRows(graph) {
    var nodeRows = document.getElementById("node-rows");
    var edgeRows = document.getElementById("edge-rows");
    graph.nodes.forEach(function (node) {
      var row = document.createElement("tr");
      row.className = "govuk-table__row";
      row.setAttribute("data-node", node.id);
      var name = cell(row, null);
      if (node.network_href) {
        link(name, node.network_href, node.label);
      } else {
        name.textContent = node.label;
      }
      cell(row, node.kind_label);
      cell(row, node.roles_text).classList.add("govuk-body-s");
      cell(row, String(node.degree), true);
      cell(row, String(node.betweenness), true);
      cell(row, node.community >= 0 ? String(node.community) : "", true);
      var actions = cell(row, null);
      if (node.index !== null && node.index !== undefined) {
        expandButton(actions, node);
      }
      nodeRows.appendChild(row);
    });
    graph.edges.forEach(function (edge) {
      var row = document.createElement("tr");
      row.className = "govuk-table__row";
      row.setAttribute("data-edge", edge.id);
      cell(row, (labels[edge.source] || "") + " and " + (labels[edge.target] || ""));
      cell(row, edge.label + (edge.suspected ? " (suspected)" : ""));
      var when = edge.first ? edge.first + (edge.last !== edge.first ? " to " + edge.last : "") : "Not dated";
      cell(row, when).classList.add("govuk-body-s");
      cell(row, edge.agencies.join(", ")).classList.add("govuk-body-s");
      link(cell(row, null, true), edge.href, String(edge.records), " records behind this link");
      edgeRows.appendChild(row);
    });
    document.getElementById("node-count").textContent = String(nodeRows.children.length);
    document.getElementById("edge-count").textContent = String(edgeRows.children.length);
  }

  function refreshPathChoices(nodes) {
    ["path-from", "path-to"].forEach(function (id) {
      var select = document.getElementById(id);
      nodes.forEach(function (node) {
        if (node.index === null || node.index === undefined) {
          return; // an event drawn as a node: paths run between the graph's own nodes
        }
        var option = document.createElement("option");
        option.value = node.index;
        option.textContent = node.label + " (" + node.kind_label.toLowerCase() + ")";
        select.appendChild(option);
      });
    });
  }

  function expand(index) {
    var url = container.getAttribute("data-expand").replace(/0\.json$/, index + ".json");
    say("Expanding…");
    fetch(url + (query ? "?" + query : ""), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("refused");
        }
        return response.json();
      })
      .then(function (graph) {
        var fresh = {
          nodes: graph.nodes.filter(function (n) { return chart.getElementById(n.id).empty(); }),
          edges: graph.edges.filter(function (e) { return chart.getElementById(e.id).empty(); })
        };
        chart.add(elementsOf(fresh));
        addRows(fresh);
        refreshPathChoices(fresh.nodes);
        layout();
        var withheld = graph.withheld_edges ? "; " + graph.withheld_edges + " connections withheld" : "";
        say("Expanded: " + fresh.nodes.length + " nodes and " + fresh.edges.length + " links added" + withheld + ".");
        container.setAttribute("data-expanded", String(index));
      })
      .catch(function () {
        say("That node could not be expanded: it is not shared with you.");
      });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".app-expand") : null;
    if (button) {
      expand(button.getAttribute("data-index"));
    }
  });
  chart.on("tap", "node", function (event) {
    var index = event.target.data("index");
    if (index !== null && index !== undefined) {
      expand(index);
    }
  });
  // The records behind a link: its own page, through the gate.
  chart.on("tap", "edge", function (event) {
    window.location.assign(event.target.data("href"));
  });

  document.getElementById("find-path").addEventListener("click", function () {
    var from = document.getElementById("path-from").value;
    var to = document.getElementById("path-to").value;
    chart.elements().removeClass("on-path");
    fetch(container.getAttribute("data-path") + "?from=" + from + "&to=" + to, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("refused");
        }
        return response.json();
      })
      .then(function (found) {
        if (!found.shortest.length) {
          say("No path between them through records shared with you.");
          return;
        }
        var names = found.shortest.map(function (id) {
          var node = chart.getElementById(id);
          node.addClass("on-path");
          return labels[id] || "a node not drawn";
        });
        for (var i = 0; i + 1 < found.shortest.length; i += 1) {
          chart.edges("[source = '" + found.shortest[i] + "'][target = '" + found.shortest[i + 1] + "'], [source = '" + found.shortest[i + 1] + "'][target = '" + found.shortest[i] + "']").addClass("on-path");
        }
        var timed = found.timed.length
          ? " In time order: " + found.timed.map(function (step) {
            return (labels[step.from] || "?") + " to " + (labels[step.to] || "?") + " on " + step.date;
          }).join(", then ") + "."
          : " No path in time order (each link on or after the one before).";
        say("Shortest path (" + (names.length - 1) + " links): " + names.join(" → ") + "." + timed);
        container.setAttribute("data-path-found", String(names.length - 1));
      })
      .catch(function () {
        say("No path could be found between those two.");
      });
  });

  document.getElementById("community-highlight").addEventListener("change", function (event) {
    var value = event.target.value;
    chart.elements().removeClass("faded");
    if (value === "") {
      say("");
      return;
    }
    var members = chart.nodes("[community = " + Number(value) + "]");
    chart.elements().not(members.union(members.edgesWith(members))).addClass("faded");
    say("Community " + value + ": " + members.length + " nodes highlighted.");
  });

  container.setAttribute("data-ready", "true");
})();
