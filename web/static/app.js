// Example SPARQL queries: one click puts the query in the editor.
document.addEventListener("DOMContentLoaded", () => {
  const editor = document.getElementById("query");
  document.querySelectorAll("button.example").forEach((button) => {
    button.addEventListener("click", () => {
      editor.value = button.dataset.query;
      editor.focus();
    });
  });
});

// Neighbourhood graph of an entity page: the entity, what it points to and what points to it.
document.addEventListener("DOMContentLoaded", async () => {
  const container = document.getElementById("neighbourhood");
  if (!container || typeof cytoscape === "undefined") return;
  const response = await fetch(container.dataset.source, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const entity = await response.json();
  const shortName = (uri) => uri.split(/[#/]/).pop();
  const elements = [{ data: { id: entity.uri, label: entity.label, center: 1 } }];
  const seen = new Set([entity.uri]);
  const add = (uri, label, link) => {
    if (!seen.has(uri)) { seen.add(uri); elements.push({ data: { id: uri, label: label || shortName(uri), link } }); }
  };
  entity.properties.filter((p) => p.link).slice(0, 40).forEach((p, i) => {
    add(p.value, p.label, p.link);
    elements.push({ data: { id: `out${i}`, source: entity.uri, target: p.value, label: p.property_label } });
  });
  entity.incoming.filter((p) => p.link).slice(0, 40).forEach((p, i) => {
    add(p.subject, p.label, p.link);
    elements.push({ data: { id: `in${i}`, source: p.subject, target: entity.uri, label: p.property_label } });
  });
  const graph = cytoscape({
    container, elements, layout: { name: "cose", animate: false },
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 9, "text-wrap": "ellipsis", "text-max-width": 120, "background-color": "#6b8fb5", width: 14, height: 14 } },
      { selector: "node[center]", style: { "background-color": "#0b4f8a", width: 22, height: 22, "font-weight": "bold" } },
      { selector: "edge", style: { label: "data(label)", "font-size": 7, width: 1, "line-color": "#b7c4d1", "target-arrow-shape": "triangle", "target-arrow-color": "#b7c4d1", "curve-style": "bezier" } },
    ],
  });
  graph.on("tap", "node", (event) => { const link = event.target.data("link"); if (link) window.location.href = link; });
  // The drawing is a canvas: screen readers get the relations it shows as text.
  const relations = [...new Set(elements.filter((e) => e.data.source).map((e) => e.data.label))];
  container.setAttribute("aria-label", `Đồ thị quan hệ: ${relations.join(", ")}`);
  container.dataset.ready = "true";
});
