// reform-kg UI behaviour. Everything works without JavaScript; this adds the SPARQL editor,
// the relation drawing (loaded only when scrolled to) and small-screen tidying. No inline code:
// the Content-Security-Policy allows scripts from this site's files only.
"use strict";

const narrow = () => window.matchMedia("(max-width: 899px)").matches;

// Filters and the table of contents start folded on a phone, so that the results come first.
function foldOnPhone() {
  if (!narrow()) return;
  document.querySelectorAll("details.facets-box, details.toc-box").forEach((box) => box.removeAttribute("open"));
}

// SPARQL: CodeMirror editor with SPARQL highlighting, prefix and property completion, Ctrl+Enter.
function sparqlEditor() {
  const form = document.getElementById("sparql-form");
  const textarea = document.getElementById("query");
  if (!form || !textarea) return;
  const submit = () => (form.requestSubmit ? form.requestSubmit() : form.submit());
  // Queries too long for a URL (about 6,000 characters) are sent by POST; the results are the same.
  form.addEventListener("submit", () => {
    const text = editor ? editor.getValue() : textarea.value;
    if (encodeURIComponent(text).length > 6000) form.method = "post";
  });
  let editor = null;
  if (typeof window.CodeMirror === "undefined") {
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); submit(); }
    });
    return;
  }
  const vocabulary = JSON.parse(textarea.dataset.vocabulary || "[]");
  const hint = (cm) => {
    const cursor = cm.getCursor();
    const token = cm.getTokenAt(cursor);
    if (token.type && /comment|string/.test(token.type)) return null;
    const line = cm.getLine(cursor.line);
    let start = cursor.ch;
    while (start > 0 && /[\w:-]/.test(line.charAt(start - 1))) start -= 1;
    const word = line.slice(start, cursor.ch).toLowerCase();
    if (!word || /[?$<"']/.test(line.charAt(start - 1))) return null; // a variable, an IRI, a string
    const list = vocabulary
      .filter((item) => item.text.toLowerCase().startsWith(word) && item.text.toLowerCase() !== word)
      .slice(0, 50)
      .map((item) => ({ text: item.text, displayText: `${item.text} — ${item.hint}` }));
    return list.length ? { list, from: window.CodeMirror.Pos(cursor.line, start), to: cursor } : null;
  };
  editor = window.CodeMirror.fromTextArea(textarea, {
    mode: "application/sparql-query",
    lineNumbers: true,
    lineWrapping: true,
    matchBrackets: true,
    autoCloseBrackets: true,
    indentUnit: 2,
    inputStyle: "contenteditable",
    screenReaderLabel: "Truy vấn SPARQL",
    viewportMargin: Infinity,
    hintOptions: { hint, completeSingle: false },
    extraKeys: {
      "Ctrl-Enter": () => { editor.save(); submit(); },
      "Cmd-Enter": () => { editor.save(); submit(); },
      "Ctrl-Space": "autocomplete",
    },
  });
  // CodeMirror marks its editable element role="presentation"; it is the query's text box.
  const input = editor.getInputField();
  input.setAttribute("role", "textbox");
  input.setAttribute("aria-multiline", "true");
  input.setAttribute("aria-describedby", "query-help");
  editor.on("inputRead", (cm, change) => {
    if (change.origin === "+input" && /^[\w:]$/.test(change.text[0] || "")) cm.showHint({ completeSingle: false });
  });
  window.reformEditor = editor; // for the browser tests
}

// Relation drawing: the entity in the middle, what points to it on the left, what it points to on
// the right, one box per relation. Cytoscape (436 KB) is fetched only when the drawing scrolls into view.
function lazyDrawing() {
  const container = document.getElementById("neighbourhood");
  if (!container) return;
  const start = () => loadScript(container.dataset.script).then(() => draw(container));
  if (!("IntersectionObserver" in window)) { start(); return; }
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) { observer.disconnect(); start(); }
  }, { rootMargin: "200px" });
  observer.observe(container);
}

function loadScript(src) {
  if (typeof window.cytoscape !== "undefined") return Promise.resolve();
  // Cytoscape adds a <style> element unless one with this id exists; the CSP forbids that element,
  // and style.css already holds its one rule.
  if (!document.getElementById("__________cytoscape_stylesheet")) {
    const marker = document.createElement("meta");
    marker.id = "__________cytoscape_stylesheet";
    document.head.appendChild(marker);
  }
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = reject;
    document.head.appendChild(script);
  });
}

const SKIP = /\/id\/(passage|annotation)\//;

function groupsOf(entity) {
  const groups = new Map();
  const add = (side, relation, uri, label, link) => {
    const key = `${side}|${relation}`;
    if (!groups.has(key)) groups.set(key, { side, relation, items: new Map() });
    const items = groups.get(key).items;
    if (!items.has(uri)) items.set(uri, { uri, label: label || link.split("/").pop(), link });
  };
  entity.properties.forEach((p) => {
    if (p.link && !SKIP.test(p.link) && p.property_name !== "rdf:type") add("out", p.property_label, p.value, p.label, p.link);
  });
  entity.incoming.forEach((p) => {
    if (p.link && !SKIP.test(p.link)) add("in", p.inverse_label || p.property_label, p.subject, p.label, p.link);
  });
  return [...groups.values()];
}

async function draw(container) {
  const response = await fetch(container.dataset.source, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const entity = await response.json();
  const groups = groupsOf(entity);
  const oneColumn = container.clientWidth < 700;
  const row = 34;
  const elements = [];
  const columns = { in: [], out: [] };
  groups.forEach((group) => columns[oneColumn ? "out" : group.side].push(group));
  const height = (list) => list.reduce((sum, g) => sum + (g.items.size + 1) * row + 26, 0);
  const tallest = Math.max(height(columns.in), height(columns.out), row * 3);
  const place = (list, x, side) => {
    let y = oneColumn ? row * 3 : -tallest / 2;
    list.forEach((group, g) => {
      const parent = `${side}-group-${g}`;
      elements.push({ data: { id: parent, label: `${group.relation} (${group.items.size})` } });
      y += row;
      [...group.items.values()].forEach((item, i) => {
        elements.push({ data: { id: `${parent}-${i}`, parent, label: item.label, link: item.link }, position: { x, y } });
        y += row;
      });
      y += 26;
      const edge = group.side === "in" ? { source: parent, target: "centre" } : { source: "centre", target: parent };
      elements.push({ data: { id: `${parent}-edge`, ...edge } });
    });
  };
  elements.push({ data: { id: "centre", label: entity.label, centre: 1 }, position: { x: 0, y: 0 } });
  place(columns.in, -330, "in");
  place(columns.out, oneColumn ? 0 : 330, "out");
  const total = oneColumn ? height(columns.out) + row * 4 : tallest + row * 2;
  container.classList.add(total < 300 ? "h-s" : total < 500 ? "h-m" : total < 800 ? "h-l" : "h-xl");
  container.textContent = "";
  const graph = window.cytoscape({
    container,
    elements,
    layout: { name: "preset", fit: true, padding: 16 },
    autoungrabify: true,
    boxSelectionEnabled: false,
    minZoom: 0.5,
    maxZoom: 1.1,
    style: [
      { selector: "node", style: { shape: "round-rectangle", width: 220, height: 24, "background-color": "#e8f0f8", "border-width": 1, "border-color": "#9fb6cc",
        label: "data(label)", "font-size": 12, color: "#1d2733", "text-valign": "center", "text-halign": "center", "text-wrap": "ellipsis", "text-max-width": 206 } },
      { selector: "node[link]", style: { "background-color": "#ffffff" } },
      { selector: "node[centre]", style: { "background-color": "#0b4f8a", color: "#ffffff", "font-weight": "bold", width: 240, height: 40, "text-max-width": 226 } },
      { selector: ":parent", style: { shape: "round-rectangle", "background-color": "#f5f7f9", "border-color": "#c9d6e3", padding: 8,
        "text-valign": "top", "text-halign": "center", "font-weight": "bold", "font-size": 12, color: "#083a66" } },
      { selector: "edge", style: { width: 1.5, "line-color": "#9fb6cc", "target-arrow-shape": "triangle", "target-arrow-color": "#9fb6cc", "curve-style": "bezier" } },
    ],
  });
  graph.on("tap", "node[link]", (event) => { window.location.href = event.target.data("link"); });
  const relations = groups.map((g) => `${g.relation}: ${[...g.items.values()].map((i) => i.label).join(", ")}`);
  container.setAttribute("aria-label", `Sơ đồ quan hệ của ${entity.label}. ${relations.join(". ")}`);
  container.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", () => {
  foldOnPhone();
  sparqlEditor();
});
// The drawing waits for the page to finish loading: it never delays the page itself.
window.addEventListener("load", lazyDrawing);
