// Timeline of one organisation: memberships as bars (their intervals) or as dots at the dates
// of the sources that attest them, posts, events, and a cursor on the chosen day.
import {config, isMember, el, svg, getJSON, readState, writeState, link, status, standingOn, shortIri,
  formatDate, period} from "./common.js";

const {text: T, lang, base} = config();
const today = new Date().toISOString().slice(0, 10);
const state = readState({subject: "network:ikm", date: ""});
const form = document.getElementById("timeline-controls");
const statusNode = document.getElementById("status");
let data;

const year = (value) => {
  const [y, m = "07", d = "01"] = value.split("-");
  return Number(y) + (Number(m) - 1) / 12 + (Number(d) - 1) / 365;
};

// an event's day (or span of days) in the page's words
const eventDates = (e) => formatDate(e.start, lang) + (e.end ? " – " + formatDate(e.end, lang) : "");

function rows() {
  return data.memberships.map((m) => ({
    ...m,
    name: `${m.direction === "members" ? "" : T.member_of + ": "}${m.label}`,
    dated: m.attested.filter((a) => a.date).map((a) => a.date),
    undated: m.attested.some((a) => !a.date),
  }));
}

function draw() {
  const items = rows();
  const day = state.date || today;
  const points = [year(day)];
  for (const m of items) {
    for (const v of [m.start, m.end, ...m.dated]) if (v) points.push(year(v));
  }
  for (const e of data.events) points.push(year(e.start));
  const from = Math.floor(Math.min(...points)) - 1;
  const to = Math.max(Math.ceil(Math.max(...points)) + 1, new Date().getFullYear() + 1);
  const left = 260, width = 1000, rowH = 20, top = 30;
  const height = top + (items.length + 1) * rowH + 20;
  const x = (v) => left + ((v - from) / (to - from)) * (width - left - 20);
  const root = svg("svg", {viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": "timeline-title"});
  const title = svg("title", {id: "timeline-title"});
  title.textContent = `${T.timeline}: ${data.label}`;
  root.append(title);
  const axis = svg("g", {class: "axis"});
  const stepYears = to - from > 30 ? 5 : (to - from > 12 ? 2 : 1);
  for (let y = Math.ceil(from / stepYears) * stepYears; y <= to; y += stepYears) {
    axis.append(svg("line", {x1: x(y), x2: x(y), y1: top - 8, y2: height - 10}));
    const t = svg("text", {x: x(y), y: top - 12, "text-anchor": "middle"});
    t.textContent = String(y);
    axis.append(t);
  }
  root.append(axis);
  items.forEach((m, i) => {
    const y = top + i * rowH + rowH / 2;
    const g = svg("g");
    const label = svg("text", {x: left - 8, y: y + 4, "text-anchor": "end", class: "row-label"});
    label.textContent = m.name.length > 40 ? m.name.slice(0, 38) + "…" : m.name;
    const tip = svg("title");
    tip.textContent = `${m.name} (${m.roleLabel}${m.kind === "exit" ? ", " + T.exit : ""}) — ${T.attested}: ` +
      m.attested.map((a) => `${a.label}${a.date ? " " + formatDate(a.date, lang) : " (" + T.undated + ")"}`).join("; ");
    g.append(tip, label);
    for (const [start, end] of m.periods) {
      const a = start ? year(start) - (start.length === 4 ? 0.5 : 0) : from;
      const b = end ? year(end) + (end.length === 4 ? 0.5 : 0) : to;
      g.append(svg("rect", {x: x(a), y: y - 6, width: Math.max(2, x(b) - x(a)), height: 12,
        class: "bar" + (m.other.includes("/leader-") || data.subject.includes("/leader-") ? " leader" : "")}));
    }
    for (const d of m.dated) g.append(svg("circle", {cx: x(year(d)), cy: y, r: 5, class: "attested"}));
    if (m.undated && !m.start && !m.end) g.append(svg("circle", {cx: x(to) - 6, cy: y, r: 5, class: "undated"}));
    root.append(g);
  });
  const ey = top + items.length * rowH + rowH / 2;
  const eventLabel = svg("text", {x: left - 8, y: ey + 4, "text-anchor": "end", class: "row-label"});
  eventLabel.textContent = T.events;
  root.append(eventLabel);
  for (const e of data.events) {
    const cx = x(year(e.start));
    const marker = svg("path", {d: `M${cx},${ey - 7}L${cx + 7},${ey}L${cx},${ey + 7}L${cx - 7},${ey}Z`, class: "event"});
    const tip = svg("title");
    tip.textContent = `${e.label} (${eventDates(e)})`;
    marker.append(tip);
    root.append(marker);
  }
  root.append(svg("line", {x1: x(year(day)), x2: x(year(day)), y1: top - 8, y2: height - 10, class: "cursor"}));
  document.getElementById("timeline").replaceChildren(root);
}

function onDate() {
  const day = state.date || today;
  document.getElementById("on-date").textContent = `(${formatDate(day, lang)})`;
  const head = el("thead", {}, el("tr", {}, ...[T.member, T.role, `${T.start}–${T.end}`, T.attested]
    .map((h) => el("th", {scope: "col"}, h))));
  const body = el("tbody");
  // the standing on the day comes from the server's step function (one rule, in Python)
  const members = rows().filter((m) => m.direction === "members");
  const valid = members.filter((m) => isMember(standingOn(m.segments, day)));
  const undatedOnly = members.filter((m) => standingOn(m.segments, day) === "undated");
  const row = (m, note) => el("tr", {},
    el("td", {}, link(m.other, m.label, base, lang)), el("td", {}, m.roleLabel),
    el("td", {}, m.start || m.end ? period(m.start, m.end, lang) : T.no_interval),
    el("td", {}, note || m.attested.filter((a) => a.date && a.date <= day)
      .map((a) => `${a.label} (${formatDate(a.date, lang)})`).join("; ")));
  for (const m of valid) body.append(row(m));
  if (undatedOnly.length) {
    body.append(el("tr", {}, el("th", {colspan: 4, scope: "rowgroup"}, T.undated_now)));
    for (const m of undatedOnly) body.append(row(m, m.attested.map((a) => a.label).join("; ")));
  }
  if (!valid.length && !undatedOnly.length) {
    body.append(el("tr", {}, el("td", {colspan: 4}, T.no_results)));
  }
  document.getElementById("members-on-date").replaceChildren(head, body);
}

function lists() {
  document.getElementById("events").replaceChildren(...(data.events.length ? data.events.map((e) =>
    el("li", {}, `${eventDates(e)} `, link(e.event, e.label, base, lang))) : [el("li", {}, T.no_results)]));
  document.getElementById("posts").replaceChildren(...(data.posts.length ? data.posts.map((p) =>
    el("li", {}, link(p.post, p.label || p.post, base, lang), ": ", link(p.person, p.personLabel, base, lang),
      ` (${T.attested} ${p.sourceLabel}${p.date ? ", " + formatDate(p.date, lang) : ""})`)) : [el("li", {}, T.no_results)]));
}

async function load() {
  writeState(state);
  form.elements.subject.value = state.subject;
  form.elements.date.value = state.date;
  status(statusNode, T.loading);
  try {
    data = await getJSON("/api/timeline.json?" + new URLSearchParams({subject: state.subject}));
  } catch (error) {
    status(statusNode, String(error.message || error), true);
    return;
  }
  state.subject = shortIri(data.subject, base);
  const titleNode = document.getElementById("subject-title");
  titleNode.replaceChildren(link(data.subject, lang === "en" ? data.labelEn : data.label, base, lang));
  status(statusNode, `${data.memberships.length} · ${data.events.length} ${T.events} · ${data.posts.length} ${T.posts}`);
  draw();
  onDate();
  lists();
}

form.elements.subject.addEventListener("change", () => { state.subject = form.elements.subject.value; load(); });
form.elements.date.addEventListener("change", () => {
  state.date = form.elements.date.value;
  writeState(state);
  draw();
  onDate();
});
form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
load();
