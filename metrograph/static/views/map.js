// The map: Kreise drawn from the graph's own boundaries, coloured by the regions they belong
// to on the chosen date (all times without one); hatched where they belong to several; pale
// where they are only in the area, an exit is reported, or the sources do not date the
// membership for that day. State is in the URL.
import {config, isMember, el, svg, getJSON, readState, writeState, link, number, standingOn, status,
  mapSize, pathData, hatchDefs, formatDate, period} from "./common.js";

const {text: T, lang, base} = config();
const state = readState({layer: "metropolitan", region: "", network: "", date: "", kreis: ""});
const form = document.getElementById("map-controls");
const statusNode = document.getElementById("status");
const controls = {};
for (const name of ["layer", "region", "network", "date", "kreis"]) controls[name] = form.elements[name];
const year = document.getElementById("year");
const yearOut = document.getElementById("year-out");
const paths = new Map();  // ags -> {feature, path, hatch}
let data;
let regions;  // id -> region
let byKey;    // URL key -> region

const name = (r) => (lang === "en" ? r.labelEn : r.label) || r.label;

// a link's standing on the chosen day; without a day every link counts ("" = all times)
function standing(l) {
  return state.date ? standingOn(l.segments, state.date) : "";
}

function activeLinks(feature) {
  const region = state.region ? byKey.get(state.region) : null;
  const network = state.network ? base + "id/network/" + state.network : null;
  return feature.properties.regions.filter((l) => {
    const r = regions.get(l.region);
    if (!r || r.layer !== state.layer) return false;
    if (region && l.region !== region.id) return false;
    if (network && !r.networks.includes(network)) return false;
    return standing(l) !== "outside";
  });
}

// a link that makes the Kreis (or some of its Gemeinden) a member on the day
function holds(l) {
  const s = standing(l);
  return (l.kind === "member" || l.kind === "partial") && (isMember(s) || (s === "" && !l.exit));
}

function memberRegions(links) {
  return [...new Set(links.filter(holds).map((l) => l.region))].sort();
}

function draw() {
  const [w, h] = mapSize();
  const root = svg("svg", {viewBox: `0 0 ${w} ${h}`, role: "img",
    "aria-labelledby": "map-title", class: "map-svg"});
  root.append(svg("title", {id: "map-title"}), hatchDefs());
  root.querySelector("title").textContent = T.map;
  const base_ = svg("g", {class: "kreise"});
  const overlay = svg("g", {class: "hatches"});
  for (const feature of data.features) {
    const d = pathData(feature.geometry);
    const path = svg("path", {d, "data-ags": feature.properties.ags, "fill-rule": "evenodd",
      class: "kreis"});
    const title = svg("title");
    title.textContent = feature.properties.label;
    path.append(title);
    const hatch = svg("path", {d, "fill-rule": "evenodd", class: "hatch", fill: "url(#hatch)",
      "data-ags": feature.properties.ags});
    base_.append(path);
    overlay.append(hatch);
    paths.set(feature.properties.ags, {feature, path, hatch});
  }
  root.append(base_, overlay);
  root.addEventListener("click", (event) => {
    const target = event.target.closest("path.kreis");
    if (!target) return;
    state.kreis = state.kreis === target.dataset.ags ? "" : target.dataset.ags;
    update();
  });
  document.getElementById("map").replaceChildren(root);
}

function update() {
  for (const [key, control] of Object.entries(controls)) control.value = state[key] || "";
  for (const option of controls.region.options) {
    option.hidden = !!option.dataset.layer && option.dataset.layer !== state.layer;
  }
  year.value = state.date ? state.date.slice(0, 4) : year.max;
  yearOut.textContent = state.date ? formatDate(state.date, lang) : T.all;
  writeState(state);
  let coloured = 0;
  const overlaps = [];
  for (const {feature, path, hatch} of paths.values()) {
    const links = activeLinks(feature);
    const members = memberRegions(links);
    const other = links.filter((l) => !holds(l));
    let fill = "#eef0f2";
    let cls = "kreis";
    if (members.length) {
      fill = regions.get(members[0]).color;
      coloured++;
    } else if (other.length) {
      fill = regions.get(other[0].region).color;
      cls += " weak";
    }
    if (members.length > 1) overlaps.push({feature, members});
    if (feature.properties.ags === state.kreis) cls += " selected";
    path.setAttribute("fill", fill);
    path.setAttribute("class", cls);
    hatch.style.display = members.length > 1 ? "" : "none";
  }
  const selected = paths.get(state.kreis);
  if (selected) selected.path.parentNode.append(selected.path);  // draw the outline on top
  status(statusNode, `${coloured} ${T.kreise}` + (state.date ? ` · ${T.date} ${formatDate(state.date, lang)}` : ""));
  showInfo();
  showOverlaps(overlaps);
}

function regionLine(l) {
  const r = regions.get(l.region);
  const parts = [T[l.kind] || l.kind];
  const s = standing(l);
  if (s === "exit" || (s === "" && l.exit)) parts.push(T.exit);
  else if (s === "undated") parts.push(T.undated_day);
  if (l.start || l.end) parts.push(period(l.start, l.end, lang));
  return el("li", {}, el("span", {class: "swatch", style: `background:${r.color}`}), " ",
    link(r.id, name(r), base, lang), ` (${parts.join(", ")}) `,
    el("button", {type: "button", class: "link", "data-region": r.key,
      onclick: () => { state.region = r.key; state.layer = r.layer; update(); }},
    `${T.show}`));
}

function showInfo() {
  const info = document.getElementById("info");
  const selected = paths.get(state.kreis);
  if (selected) {
    const p = selected.feature.properties;
    const seen = new Set();
    const links = selected.feature.properties.regions.filter((l) => {
      const key = [l.region, l.kind, l.via || ""].join("|");
      if (seen.has(key) || standing(l) === "outside") return false;
      seen.add(key);
      return true;
    });
    info.replaceChildren(
      el("h2", {}, link(selected.feature.id, p.label, base, lang)),
      el("p", {}, `AGS ${p.ags}`),
      links.length ? el("ul", {class: "plain"}, ...links.map(regionLine)) : el("p", {}, T.none));
    return;
  }
  const region = state.region ? byKey.get(state.region) : null;
  if (region) {
    const rows = [[T.kreise, number(region.kreise, lang)], [T.area_km2, number(region.areaKm2, lang)],
      [T.population, number(region.population, lang)]];
    info.replaceChildren(
      el("h2", {}, el("span", {class: "swatch", style: `background:${region.color}`}), " ",
        link(region.id, name(region), base, lang)),
      region.layer === "metropolitan"
        ? el("dl", {class: "figures"}, ...rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]))
        : null,
      region.networks.length ? el("p", {}, `${T.network}: `,
        ...region.networks.flatMap((n, i) => [i ? ", " : "", link(n, n.split("/").pop().toUpperCase(), base, lang)])) : null);
    return;
  }
  info.replaceChildren(el("p", {}, T.map_intro));
}

function showOverlaps(overlaps) {
  const table = document.getElementById("overlaps");
  overlaps.sort((a, b) => a.feature.properties.label.localeCompare(b.feature.properties.label, "de"));
  const head = el("thead", {}, el("tr", {}, el("th", {scope: "col"}, T.kreise), el("th", {scope: "col"}, "AGS"),
    el("th", {scope: "col"}, T.region)));
  const body = el("tbody");
  for (const {feature, members} of overlaps) {
    body.append(el("tr", {}, el("td", {}, link(feature.id, feature.properties.label, base, lang)),
      el("td", {}, feature.properties.ags),
      el("td", {}, ...members.flatMap((id, i) => [i ? "; " : "", link(id, name(regions.get(id)), base, lang)]))));
  }
  if (!overlaps.length) body.append(el("tr", {}, el("td", {colspan: 3}, T.no_results)));
  table.replaceChildren(head, body);
}

function legend() {
  const list = document.getElementById("legend");
  list.replaceChildren(
    ...data.regions.filter((r) => r.layer === state.layer).map((r) => el("li", {},
      el("button", {type: "button", class: "legend-item", "aria-pressed": String(state.region === r.key),
        onclick: () => { state.region = state.region === r.key ? "" : r.key; state.kreis = ""; update(); legend(); }},
      el("span", {class: "swatch", style: `background:${r.color}`}), " ", name(r)))),
    el("li", {}, el("span", {class: "swatch hatched"}), " ", T.overlap),
    el("li", {}, el("span", {class: "swatch weak"}), " ", `${T.area} / ${T.exit} / ${T.undated_day}`));
}

async function main() {
  try {
    data = await getJSON("/api/map.geojson");
  } catch (error) {
    status(statusNode, String(error.message || error), true);
    return;
  }
  regions = new Map(data.regions.map((r) => [r.id, r]));
  byKey = new Map(data.regions.map((r) => [r.key, r]));
  if (state.region && byKey.has(state.region)) state.layer = byKey.get(state.region).layer;
  document.getElementById("attribution").textContent = data.attribution;
  const kreise = [...data.features].sort((a, b) => a.properties.label.localeCompare(b.properties.label, "de"));
  controls.kreis.append(...kreise.map((f) => el("option", {value: f.properties.ags}, f.properties.label)));
  draw();
  legend();
  update();
  form.addEventListener("change", (event) => {
    const name_ = event.target.name;
    if (!name_ || !(name_ in controls)) return;
    state[name_] = event.target.value;
    if (name_ === "layer") { state.region = ""; legend(); }
    if (name_ === "region" && state.region) state.kreis = "";
    update();
    if (name_ === "region") legend();
  });
  form.addEventListener("submit", (event) => { event.preventDefault(); update(); });
  year.addEventListener("input", () => { state.date = `${year.value}-07-01`; update(); });
  document.getElementById("reset").addEventListener("click", () => {
    Object.assign(state, {layer: "metropolitan", region: "", network: "", date: "", kreis: ""});
    legend();
    update();
  });
}

main();
