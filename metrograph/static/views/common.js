// Shared helpers of the planner's views. Data is only ever inserted as text (textContent,
// attributes), never as HTML.

export const SVG = "http://www.w3.org/2000/svg";

let parsedConfig;
export function config() {
  parsedConfig ??= JSON.parse(document.getElementById("view-config").textContent);
  return parsedConfig;
}

// whether a standing (from the server's step function) makes a member: the server sends the
// membership model's list, so the rule is not copied here
export function isMember(standing) {
  return config().memberStandings.includes(standing);
}

// el("a", {href: "/x", class: "y"}, "text", child, ...)
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" || typeof child === "number" ? String(child) : child);
  }
  return node;
}

export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  setAttrs(node, attrs);
  for (const child of children) if (child) node.append(child);
  return node;
}

function setAttrs(node, attrs) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    // through the CSSOM: the Content-Security-Policy refuses style attributes in markup
    else if (key === "style") node.style.cssText = String(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
}

export async function getJSON(url) {
  const response = await fetch(url, {headers: {Accept: "application/json"}});
  if (!response.ok) throw new Error((await response.text()).trim() || response.statusText);
  return response.json();
}

// The page state lives in the query string; replaceState keeps the URL shareable.
export function readState(defaults = {}) {
  const params = new URLSearchParams(location.search);
  const state = {...defaults};
  for (const [key, value] of params) state[key] = value;
  return state;
}

export function writeState(state) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) {
    if (value !== null && value !== undefined && value !== "") params.set(key, value);
  }
  const query = params.toString();
  history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
}

// Local page of one of our IRIs (entity pages are served under the same paths).
export function pagePath(iri, base) {
  if (typeof iri === "string" && iri.startsWith(base)) return "/" + iri.slice(base.length);
  return null;
}

export function link(iri, label, base, lang) {
  const path = pagePath(iri, base);
  if (!path) return el("span", {}, label || iri);
  const [doc, frag] = path.split("#");
  const href = doc + (lang === "en" ? "?lang=en" : "") + (frag ? "#" + frag : "");
  return el("a", {href}, label || iri);
}

export function number(value, lang, digits = 0) {
  if (value === null || value === undefined || value === "") return "–";
  return Number(value).toLocaleString(lang === "en" ? "en-GB" : "de-DE",
    {maximumFractionDigits: digits});
}

// A number's lexical form (xsd:integer/decimal) in the page's grouping and decimal mark, its
// digits kept (no rounding): metrograph/i18n/formatting.py format_number, the same rule.
const DECIMAL = /^([+-]?)([0-9]+)(?:\.([0-9]+))?$/;
export function lexicalNumber(lexical, lang) {
  const text = String(lexical ?? "").trim();
  const match = DECIMAL.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction] = match;
  const [group, point] = lang === "en" ? [",", "."] : [".", ","];
  const grouped = whole.replace(/^0+(?=[0-9])/, "").replace(/\B(?=([0-9]{3})+$)/g, group);
  return sign.replace("+", "") + grouped + (fraction ? point + fraction : "");
}

// Every date the views show goes through formatDate (values in URLs and forms stay ISO). The
// same rule as metrograph/i18n/formatting.py format_date, so a view and a server page agree:
// at its precision, "2019-07-01" is "1. Juli 2019" / "1 July 2019", "2019-07" "Juli 2019" /
// "July 2019", "2019" stays "2019"; anything else is shown unchanged.
const DATE = /^(-?[0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$/;
const MONTHS = {
  de: ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
    "Oktober", "November", "Dezember"],
  en: ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"],
};
export function formatDate(value, lang) {
  const text = String(value ?? "").trim();
  const match = DATE.exec(text);
  if (!match) return text;
  const [, year, month, day] = match;
  if (month === undefined) return year;
  if (Number(month) < 1 || Number(month) > 12) return text;
  const name = (MONTHS[lang] || MONTHS.de)[Number(month) - 1];
  if (day === undefined) return `${name} ${year}`;
  return lang === "en" ? `${Number(day)} ${name} ${year}` : `${Number(day)}. ${name} ${year}`;
}

// A date as an element: the words to read, the ISO value in datetime (as the server's pages).
export function dateNode(value, lang) {
  if (!value) return "–";
  return DATE.test(String(value).trim()) ? el("time", {datetime: value}, formatDate(value, lang))
    : String(value);
}

// An interval as the server's pages write it (templates/_macros.html period): "… – 2019".
export function period(start, end, lang) {
  return `${start ? formatDate(start, lang) : "…"} – ${end ? formatDate(end, lang) : "…"}`;
}

// A membership's standing on a day, read off the step function the server sends
// ([[first day, standing], ...]; metrograph/model/memberships.py holds the rule).
export function standingOn(segments, day) {
  let found = "outside";
  for (const [first, standing] of segments) {
    if (first > day) break;
    found = standing;
  }
  return found;
}

export function status(node, message, isError = false) {
  node.textContent = message;
  node.classList.toggle("error", isError);
}

// --- the map projection: equirectangular, scaled by cos(51°) so Germany keeps its shape ---

export const BOUNDS = {west: 5.8, east: 15.1, south: 47.2, north: 55.1};
const COS = Math.cos(51 * Math.PI / 180);

export function project(lon, lat, width = 1000) {
  const k = width / ((BOUNDS.east - BOUNDS.west) * COS);
  return [(lon - BOUNDS.west) * COS * k, (BOUNDS.north - lat) * k];
}

export function mapSize(width = 1000) {
  const [, h] = project(BOUNDS.west, BOUNDS.south, width);
  return [width, Math.ceil(h)];
}

export function pathData(geometry) {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  const parts = [];
  for (const polygon of polygons) {
    for (const ring of polygon) {
      parts.push(ring.map(([lon, lat], i) => {
        const [x, y] = project(lon, lat);
        return (i ? "L" : "M") + x.toFixed(1) + "," + y.toFixed(1);
      }).join("") + "Z");
    }
  }
  return parts.join("");
}

// One hatch pattern to mark Kreise that belong to several regions.
export function hatchDefs() {
  const pattern = svg("pattern", {id: "hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse",
    patternTransform: "rotate(45)"});
  pattern.append(svg("rect", {width: 2.5, height: 6, fill: "#111"}));
  return svg("defs", {}, pattern);
}

export function download(filename, text, type = "text/csv") {
  const url = URL.createObjectURL(new Blob([text], {type}));
  const a = el("a", {href: url, download: filename});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// network:ikm instead of the full IRI in URLs (the server accepts both).
const FOLDERS = {regierungsbezirk: "regbez", gemeindeverband: "verband", document: "doc"};
export function shortIri(iri, base) {
  if (!iri || !iri.startsWith(base + "id/")) return iri;
  const [folder, ...rest] = iri.slice(base.length + 3).split("/");
  const local = rest.join("/");
  return /^[A-Za-z0-9_.-]+$/.test(local) ? `${FOLDERS[folder] || folder}:${local}` : iri;
}

export function longIri(value, base) {
  if (!value || value.startsWith("http")) return value;
  const [prefix, local] = value.split(":");
  const folder = Object.entries(FOLDERS).find(([, p]) => p === prefix)?.[0] || prefix;
  return `${base}id/${folder}/${local}`;
}

export function csv(rows) {
  return rows.map((row) => row.map((cell) => {
    const text = cell === null || cell === undefined ? "" : String(cell);
    return /[",\r\n]/.test(text) ? '"' + text.replaceAll('"', '""') + '"' : text;
  }).join(",")).join("\r\n") + "\r\n";
}
