// Membership explorer: who is a member of what (and through which association), as a small
// force-directed network of our own in SVG and as a table of the same selection.
import {config, el, svg, getJSON, readState, writeState, link, status, shortIri, longIri,
  dateNode} from "./common.js";

const {text: T, lang, base} = config();
const state = readState({focus: "", depth: "1", date: "", view: "graph"});
const form = document.getElementById("explore-controls");
const statusNode = document.getElementById("status");
const search = document.getElementById("focus-search");
const COLORS = {region: "#d95f02", network: "#7570b3", leader: "#1b9e77", kreis: "#1f77b4",
  gemeinde: "#66a61e", verband: "#a6761d", land: "#e7298a", person: "#5b6673",
  company: "#e6ab02", verein: "#17becf", organisation: "#8c564b"};
const KIND_NAMES = {
  de: {region: "Metropolregion", network: "Netzwerk", leader: "LEADER-Region", kreis: "Kreis",
    gemeinde: "Gemeinde", verband: "Gemeindeverband", land: "Land", person: "Person",
    company: "GmbH", verein: "Verein", organisation: "Organisation"},
  en: {region: "Metropolitan region", network: "Network", leader: "LEADER region",
    kreis: "District", gemeinde: "Municipality", verband: "Municipal association", land: "Land",
    person: "Person", company: "Company", verein: "Association", organisation: "Organisation"},
}[lang];
let allNodes = [];
let view;

const label = (n) => (lang === "en" ? n.labelEn : n.label) || n.label;

function layout(nodes, edges, width, height) {
  // deterministic start: a circle in the order given, the focus in the middle
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const pos = nodes.map((n, i) => {
    const angle = (2 * Math.PI * i) / nodes.length;
    const r = Math.min(width, height) * 0.4;
    return n.id === view.focus ? {x: width / 2, y: height / 2, vx: 0, vy: 0}
      : {x: width / 2 + r * Math.cos(angle), y: height / 2 + r * Math.sin(angle), vx: 0, vy: 0};
  });
  const links = edges.map((e) => [index.get(e.source), index.get(e.target)]);
  const area = width * height;
  const k = Math.sqrt(area / Math.max(nodes.length, 1)) * 0.6;
  for (let step = 0; step < 300; step++) {
    const cooling = 1 - step / 300;
    for (let i = 0; i < pos.length; i++) {
      for (let j = i + 1; j < pos.length; j++) {
        let dx = pos[i].x - pos[j].x, dy = pos[i].y - pos[j].y;
        const d2 = dx * dx + dy * dy + 0.01;
        const f = (k * k) / d2;
        pos[i].vx += dx * f * 0.05; pos[i].vy += dy * f * 0.05;
        pos[j].vx -= dx * f * 0.05; pos[j].vy -= dy * f * 0.05;
      }
    }
    for (const [a, b] of links) {
      const dx = pos[b].x - pos[a].x, dy = pos[b].y - pos[a].y;
      const d = Math.sqrt(dx * dx + dy * dy) + 0.01;
      const f = (d - k) / d * 0.05;
      pos[a].vx += dx * f; pos[a].vy += dy * f;
      pos[b].vx -= dx * f; pos[b].vy -= dy * f;
    }
    for (let i = 0; i < pos.length; i++) {
      const p = pos[i];
      p.vx += (width / 2 - p.x) * 0.005; p.vy += (height / 2 - p.y) * 0.005;
      const speed = Math.sqrt(p.vx * p.vx + p.vy * p.vy);
      const max = 20 * cooling + 0.5;
      if (speed > max) { p.vx *= max / speed; p.vy *= max / speed; }
      if (nodes[i].id !== view.focus) { p.x += p.vx; p.y += p.vy; }
      p.x = Math.max(20, Math.min(width - 20, p.x)); p.y = Math.max(20, Math.min(height - 20, p.y));
      p.vx *= 0.5; p.vy *= 0.5;
    }
  }
  return pos;
}

function drawGraph() {
  const width = 1000, height = view.nodes.length > 60 ? 900 : 640;
  const pos = layout(view.nodes, view.edges, width, height);
  const index = new Map(view.nodes.map((n, i) => [n.id, i]));
  const root = svg("svg", {viewBox: `0 0 ${width} ${height}`, role: "group",
    "aria-label": T.graph});
  const lines = svg("g");
  for (const e of view.edges) {
    const a = pos[index.get(e.source)], b = pos[index.get(e.target)];
    const line = svg("line", {x1: a.x.toFixed(1), y1: a.y.toFixed(1), x2: b.x.toFixed(1),
      y2: b.y.toFixed(1), class: [e.kind, e.exit ? "exit" : "", e.standing || ""].join(" ").trim()});
    const title = svg("title");
    title.textContent = `${e.source.split("/").pop()} → ${lang === "en" ? e.roleLabelEn : e.roleLabel} → ${e.target.split("/").pop()}`;
    line.append(title);
    lines.append(line);
  }
  const groups = svg("g");
  const showLabels = view.nodes.length <= 80;
  view.nodes.forEach((n, i) => {
    const isFocus = n.id === view.focus;
    const g = svg("g", {class: "node" + (isFocus ? " focus" : ""), tabindex: 0, role: "button",
      "data-id": n.id, transform: `translate(${pos[i].x.toFixed(1)},${pos[i].y.toFixed(1)})`});
    const r = isFocus ? 11 : (["region", "network", "leader"].includes(n.kind) ? 8 : 5);
    g.append(svg("circle", {r, fill: COLORS[n.kind] || "#888"}));
    const name = svg("title");
    name.textContent = `${label(n)} (${KIND_NAMES[n.kind] || n.kind})`;
    g.append(name);
    g.setAttribute("aria-label", name.textContent);
    if (showLabels || isFocus || ["region", "network"].includes(n.kind)) {
      const t = svg("text", {x: r + 3, y: 4});
      const text = label(n);
      t.textContent = text.length > 38 ? text.slice(0, 36) + "…" : text;
      g.append(t);
    }
    groups.append(g);
  });
  root.append(lines, groups);
  const choose = (event) => {
    const g = event.target.closest("g.node");
    if (!g) return;
    state.focus = shortIri(g.dataset.id, base);
    load();
  };
  root.addEventListener("click", choose);
  root.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(event); }
  });
  document.getElementById("graph").replaceChildren(root);
}

function drawTable() {
  const names = new Map(view.nodes.map((n) => [n.id, n]));
  const head = el("thead", {}, el("tr", {}, ...[T.member, T.role, T.subject, T.start, T.end, T.source]
    .map((h) => el("th", {scope: "col"}, h))));
  const body = el("tbody");
  for (const e of view.edges) {
    const a = names.get(e.source), b = names.get(e.target);
    body.append(el("tr", {},
      el("td", {}, link(e.source, a ? label(a) : e.source, base, lang)),
      el("td", {}, (lang === "en" ? e.roleLabelEn : e.roleLabel) + (e.kind !== "membership" ? ` (${T[e.kind] || e.kind})` : "")
        + (e.exit || e.standing === "exit" ? ` (${T.exit})` : "")
        + (e.standing === "undated" ? ` (${T.undated_day})` : "")),
      el("td", {}, link(e.target, b ? label(b) : e.target, base, lang)),
      el("td", {}, dateNode(e.start, lang)), el("td", {}, dateNode(e.end, lang)),
      el("td", {}, e.sources.join(", "))));
  }
  if (!view.edges.length) body.append(el("tr", {}, el("td", {colspan: 6}, T.no_results)));
  document.getElementById("edges").replaceChildren(head, body);
}

function showKinds() {
  const present = [...new Set(view.nodes.map((n) => n.kind))];
  document.getElementById("kinds").replaceChildren(...present.map((k) => el("li", {},
    el("span", {class: "dot", style: `background:${COLORS[k] || "#888"}`}), " ", KIND_NAMES[k] || k)));
}

function showTab() {
  const table = state.view === "table";
  document.getElementById("graph").hidden = table;
  document.getElementById("table-view").hidden = !table;
  document.getElementById("tab-graph").setAttribute("aria-pressed", String(!table));
  document.getElementById("tab-table").setAttribute("aria-pressed", String(table));
}

function params() {
  const p = new URLSearchParams();
  if (state.focus) p.set("focus", state.focus);
  p.set("depth", state.depth || "1");
  if (state.date) p.set("date", state.date);
  return p.toString();
}

async function load() {
  writeState(state);
  form.elements.depth.value = state.depth || "1";
  form.elements.date.value = state.date || "";
  form.elements.focus.value = state.focus || "";
  const focusNode = allNodes.find((n) => n.id === longIri(state.focus, base));
  search.value = focusNode ? label(focusNode) : "";
  document.getElementById("csv").href = "/api/graph.csv?" + params();
  status(statusNode, T.loading);
  try {
    view = await getJSON("/api/graph.json?" + params());
  } catch (error) {
    status(statusNode, String(error.message || error), true);
    return;
  }
  const focus = view.nodes.find((n) => n.id === view.focus);
  status(statusNode, `${focus ? T.focus + ": " + label(focus) + " · " : ""}${view.nodes.length} · ${view.edges.length} ${T.rows}`);
  if (focus) {
    statusNode.append(" · ", link(focus.id, T.open_page, base, lang));
  }
  showKinds();
  drawGraph();
  drawTable();
  showTab();
}

async function main() {
  try {
    allNodes = await getJSON("/api/nodes.json");
  } catch (error) {
    status(statusNode, String(error.message || error), true);
    return;
  }
  document.getElementById("node-list").append(...allNodes.map((n) => el("option", {value: label(n)})));
  search.addEventListener("change", () => {
    const wanted = search.value.trim().toLowerCase();
    const found = allNodes.find((n) => label(n).toLowerCase() === wanted)
      || allNodes.find((n) => label(n).toLowerCase().includes(wanted));
    if (found && wanted) { state.focus = shortIri(found.id, base); load(); }
  });
  form.addEventListener("submit", (event) => { event.preventDefault(); search.dispatchEvent(new Event("change")); });
  form.elements.depth.addEventListener("change", () => { state.depth = form.elements.depth.value; load(); });
  form.elements.date.addEventListener("change", () => { state.date = form.elements.date.value; load(); });
  document.getElementById("reset").addEventListener("click", () => {
    Object.assign(state, {focus: "", depth: "1", date: ""}); load();
  });
  document.getElementById("tab-graph").addEventListener("click", () => { state.view = "graph"; writeState(state); showTab(); });
  document.getElementById("tab-table").addEventListener("click", () => { state.view = "table"; writeState(state); showTab(); });
  load();
}

main();
