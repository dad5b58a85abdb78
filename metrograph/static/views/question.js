// One catalogue question: the form's values (already in the URL) go to the JSON endpoint;
// results become a table, a bar chart for a numeric column, and a map for Kreise or regions.
import {config, el, svg, getJSON, link, number, status, mapSize, pathData, hatchDefs, csv,
  download, dateNode, lexicalNumber} from "./common.js";

const {text: T, lang, base, name} = config();
const form = document.getElementById("question-form");
const statusNode = document.getElementById("status");
let result;

const XSD = "http://www.w3.org/2001/XMLSchema#";
const DATES = new Set(["date", "gYear", "gYearMonth"].map((t) => XSD + t));
const NUMBERS = new Set(["integer", "decimal", "double", "float", "nonNegativeInteger",
  "positiveInteger", "int", "long"].map((t) => XSD + t));

const label = (iri) => link(iri, result.labels[iri] || iri, base, lang);

// dates, numbers and codes in the page's words, lists of IRIs as links (the CSV download
// keeps the values as the query gave them)
function cellNode(cell, column) {
  if (!cell) return "";
  if (cell.type === "uri") return label(cell.value);
  if (column.kind === "iris") {
    const items = cell.value.split(/\s+/).filter(Boolean);
    return el("span", {}, ...items.flatMap((iri, i) => (i ? [", ", label(iri)] : [label(iri)])));
  }
  if (cell.type === "literal" && !cell["xml:lang"] && Object.hasOwn(result.codes, cell.value)) {
    return el("data", {value: cell.value}, result.codes[cell.value]);
  }
  if (DATES.has(cell.datatype)) return dateNode(cell.value, lang);
  if (NUMBERS.has(cell.datatype)) return el("data", {value: cell.value}, lexicalNumber(cell.value, lang));
  return cell["xml:lang"] && cell["xml:lang"] !== lang
    ? el("span", {lang: cell["xml:lang"]}, cell.value) : cell.value;
}

function table() {
  const head = el("thead", {}, el("tr", {}, ...result.columns.map((c) =>
    el("th", {scope: "col", title: "?" + c.name}, result.headings[c.name] || c.name))));
  const body = el("tbody");
  for (const row of result.rows) {
    body.append(el("tr", {}, ...result.columns.map((c) => el("td", {}, cellNode(row[c.name], c)))));
  }
  if (!result.rows.length) body.append(el("tr", {}, el("td", {colspan: result.columns.length || 1}, T.no_results)));
  document.getElementById("results").replaceChildren(head, body);
}

function rowLabel(row) {
  for (const c of result.columns) {
    const cell = row[c.name];
    if (!cell) continue;
    if (cell.type === "uri") return result.labels[cell.value] || cell.value.split("/").pop();
    if (c.kind === "text") return Object.hasOwn(result.codes, cell.value) ? result.codes[cell.value] : cell.value;
  }
  return "";
}

function chart() {
  const holder = document.getElementById("chart");
  const numeric = result.columns.find((c) => c.kind === "number");
  if (!numeric || result.rows.length < 2 || result.rows.length > 60) { holder.replaceChildren(); return; }
  const rows = result.rows.filter((r) => r[numeric.name]);
  const max = Math.max(...rows.map((r) => Number(r[numeric.name].value)), 1);
  const width = 800, left = 280, rowH = 18;
  const root = svg("svg", {viewBox: `0 0 ${width} ${rows.length * rowH + 10}`, role: "img",
    "aria-label": `${T.chart}: ${result.headings[numeric.name] || numeric.name}`});
  rows.forEach((r, i) => {
    const v = Number(r[numeric.name].value);
    const label = svg("text", {x: left - 6, y: i * rowH + 13, "text-anchor": "end"});
    const text = rowLabel(r);
    label.textContent = text.length > 42 ? text.slice(0, 40) + "…" : text;
    const bar = svg("rect", {x: left, y: i * rowH + 3, height: rowH - 5,
      width: Math.max(1, (v / max) * (width - left - 90))});
    const value = svg("text", {x: left + Math.max(1, (v / max) * (width - left - 90)) + 4, y: i * rowH + 13});
    value.textContent = number(v, lang, 1);
    root.append(label, bar, value);
  });
  holder.replaceChildren(el("h2", {}, `${T.chart}: ${result.headings[numeric.name] || numeric.name}`), root);
}

async function map() {
  const holder = document.getElementById("result-map");
  const kreisColumn = result.columns.find((c) => c.kind === "kreis");
  const regionColumn = result.columns.find((c) => c.kind === "region");
  if (!kreisColumn && !regionColumn) { holder.replaceChildren(); return; }
  const geo = await getJSON("/api/map.geojson");
  const wanted = new Map();  // kreis IRI -> count of result rows naming it (or its region)
  const regionIds = new Set(regionColumn ? result.rows.map((r) => r[regionColumn.name]?.value) : []);
  for (const f of geo.features) {
    let hits = 0;
    if (kreisColumn) hits += result.rows.filter((r) => r[kreisColumn.name]?.value === f.id).length;
    else hits += new Set(f.properties.regions.filter((l) => l.kind === "member" && regionIds.has(l.region))
      .map((l) => l.region)).size;
    if (hits) wanted.set(f.id, hits);
  }
  const [w, h] = mapSize();
  const root = svg("svg", {viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": T.map, class: "map-svg"});
  root.append(hatchDefs());
  for (const f of geo.features) {
    const d = pathData(f.geometry);
    const hits = wanted.get(f.id) || 0;
    const path = svg("path", {d, "fill-rule": "evenodd", class: "kreis", fill: hits ? "#0b5cad" : "#eef0f2"});
    const title = svg("title");
    title.textContent = f.properties.label;
    path.append(title);
    root.append(path);
    if (hits > 1 && !kreisColumn) root.append(svg("path", {d, "fill-rule": "evenodd", class: "hatch", fill: "url(#hatch)"}));
  }
  holder.replaceChildren(el("h2", {}, T.map), el("div", {class: "map"}, root),
    el("p", {class: "attribution"}, geo.attribution));
}

async function run() {
  const params = new URLSearchParams(new FormData(form));
  for (const [key, value] of [...params]) if (!value) params.delete(key);
  status(statusNode, T.loading);
  try {
    result = await getJSON(`/api/questions/${encodeURIComponent(name)}.json?${params}`);
  } catch (error) {
    status(statusNode, String(error.message || error), true);
    return;
  }
  status(statusNode, `${result.rows.length} ${T.rows}${result.truncated ? " (…)" : ""}`);
  table();
  chart();
  await map();
}

document.getElementById("download").addEventListener("click", () => {
  if (!result) return;
  const names = result.columns.map((c) => c.name);
  download(`${name}.csv`, csv([names, ...result.rows.map((r) => names.map((n) => r[n]?.value ?? ""))]));
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const params = new URLSearchParams(new FormData(form));
  history.replaceState(null, "", location.pathname + "?" + params);
  run();
});
run();
