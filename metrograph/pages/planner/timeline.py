"""The timeline of one organisation or member: membership statements (their claims' intervals,
or the dates of the sources attesting them, and their standing through time), posts and events."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from metrograph.errors import BadRequest
from metrograph.i18n.collation import sort_key
from metrograph.model.memberships import CLAIMS
from metrograph.pages.planner.explorer import LEAF_KINDS, graph_data
from metrograph.pages.planner.rows import Runner, statements_by, value
from metrograph.pages.planner.view_spec import Choice, Field, PlannerView, Section, ViewContext

#: The membership claims of ?subject, either side, one row per claim and source. (?subject is
#: compared at the top: a substituted variable is not visible inside the union's groups on a
#: store that gets it as a VALUES block.)
TIMELINE_MEMBERSHIPS_QUERY = """
SELECT ?subject ?other ?direction ?organisation ?member ?role ?m ?start ?end ?exit ?source
       ?sourceDate
WHERE {
  {
""" + CLAIMS + """
    BIND (?member AS ?other) BIND (?organisation AS ?side) BIND ("members" AS ?direction)
  } UNION {
""" + CLAIMS + """
    BIND (?organisation AS ?other) BIND (?member AS ?side) BIND ("memberOf" AS ?direction)
  }
  FILTER (?side = ?subject)
}
"""

TIMELINE_POSTS_QUERY = """
SELECT ?subject ?post ?postLabel ?person ?role ?source ?sourceDate
WHERE {
  { ?post org:postIn ?subject } UNION { ?post org:heldBy ?subject }
  ?post a org:Post ; org:heldBy ?person ; org:role ?role ; dct:source ?source .
  OPTIONAL { ?post rdfs:label ?postLabel FILTER (LANG(?postLabel) = "de") }
  OPTIONAL { ?source dct:issued ?sourceDate }
}
"""

TIMELINE_EVENTS_QUERY = """
SELECT ?subject ?event (MIN(?l) AS ?label) (MIN(?s) AS ?start) (MIN(?e) AS ?end)
       (GROUP_CONCAT(DISTINCT ?how; separator=" ") AS ?relation)
WHERE {
  { ?event schema:organizer ?subject . BIND ("organizer" AS ?how) }
  UNION { ?event mg:host ?subject . BIND ("host" AS ?how) }
  UNION { ?event schema:location ?subject . BIND ("location" AS ?how) }
  ?event schema:startDate ?s .
  OPTIONAL { ?event schema:endDate ?e }
  OPTIONAL { ?event rdfs:label ?l FILTER (LANG(?l) IN ("de", "")) }
}
GROUP BY ?subject ?event
ORDER BY ?start
"""

SUBJECT_QUERY = """
SELECT ?subject (MIN(?de) AS ?label) (MIN(?en) AS ?labelEn) WHERE {
  OPTIONAL { ?subject rdfs:label ?de FILTER (LANG(?de) IN ("de", "")) }
  OPTIONAL { ?subject rdfs:label ?en FILTER (LANG(?en) = "en") }
}
GROUP BY ?subject
"""

SOURCE_LABELS_QUERY = """
SELECT ?source (MIN(?de) AS ?label) (MIN(?d) AS ?date) WHERE {
  ?source a mg:SourceDocument .
  OPTIONAL { ?source rdfs:label ?de FILTER (LANG(?de) IN ("de", "")) }
  OPTIONAL { ?source dct:issued ?d }
} GROUP BY ?source
"""


def timeline_data(run: Runner, subject: Any, graph: dict[str, Any],
                  sources: dict[str, dict[str, str | None]]) -> dict[str, Any]:
    """Memberships (with intervals, or the dates of the sources attesting them), posts and
    events of one organisation or member; ``subject`` is a pyoxigraph NamedNode."""
    bound = {"subject": subject}
    names = graph["nodes"]
    memberships = []
    for (other, direction, role), statement in statements_by(
            run(TIMELINE_MEMBERSHIPS_QUERY, bound),
            lambda r: (value(r, "other") or "", value(r, "direction") or "", value(r, "role") or ""),
            lambda key, r: (value(r, "organisation") or "", value(r, "member") or "", key[2])):
        attested = []
        for src, date in statement.sources():
            info = sources.get(src, {})
            attested.append({"source": src, "label": info.get("label") or src.rsplit("/", 1)[-1],
                             "date": date})
        attested.sort(key=lambda a: (a["date"] or "9999", a["label"]))
        periods = [[c.start, c.end] for c in statement.claims if c.dated]
        memberships.append({
            "other": other, "label": names.get(other, {}).get("label", other.rsplit("/", 1)[-1]),
            "direction": direction, "role": role, "roleLabel": role.rsplit("/", 1)[-1],
            "kind": "exit" if statement.exit_reported else "membership",
            "start": periods[0][0] if periods else None, "end": periods[0][1] if periods else None,
            "periods": periods, "attested": attested, "segments": statement.segments()})
    memberships.sort(key=lambda m: (m["direction"], m["role"] or "", m["label"], m["start"] or ""))
    posts = []
    for r in run(TIMELINE_POSTS_QUERY, bound):
        person = value(r, "person") or ""
        src = value(r, "source") or ""
        posts.append({"post": value(r, "post"), "label": value(r, "postLabel"), "person": person,
                      "personLabel": names.get(person, {}).get("label", person),
                      "role": value(r, "role"), "source": src,
                      "sourceLabel": sources.get(src, {}).get("label") or src,
                      "date": value(r, "sourceDate")})
    posts.sort(key=lambda p: (p["label"] or "", p["personLabel"]))
    events = [{"event": value(r, "event"), "label": value(r, "label"), "start": value(r, "start"),
               "end": value(r, "end"), "relation": value(r, "relation")}
              for r in run(TIMELINE_EVENTS_QUERY, bound)]
    head = run(SUBJECT_QUERY, bound)
    label = value(head[0], "label") if head else None
    return {"subject": subject.value, "label": label or subject.value.rsplit("/", 1)[-1],
            "labelEn": (value(head[0], "labelEn") if head else None) or label,
            "memberships": memberships, "posts": posts, "events": events}


def source_index(run: Runner) -> dict[str, dict[str, str | None]]:
    return {value(r, "source") or "": {"label": value(r, "label"), "date": value(r, "date")}
            for r in run(SOURCE_LABELS_QUERY)}


# --- the view -----------------------------------------------------------------------------------

def _graph(context: ViewContext) -> dict[str, Any]:
    return context.cached("graph", lambda: graph_data(context.run, context.base))


def _subjects(context: ViewContext) -> list[Choice]:
    """The organisations and members with a timeline (not the leaves: Kreise, Gemeinden …)."""
    nodes = [n for n in _graph(context)["nodes"].values()
             if n["kind"] not in LEAF_KINDS and n["kind"] != "person"]
    return [Choice(context.curie(n["id"]), n["label"], n.get("labelEn") or n["label"])
            for n in sorted(nodes, key=lambda n: sort_key(n["label"]))]


def _check(context: ViewContext, values: dict[str, str | None]) -> dict[str, str | None]:
    if values["subject"] not in _graph(context)["nodes"]:
        raise BadRequest("subject is not a member or organisation in the membership network")
    return values


def _data(context: ViewContext, values: dict[str, str | None]) -> dict[str, Any]:
    subject = values["subject"] or ""
    sources = context.cached("sources", lambda: source_index(context.run))
    return context.cached("timeline:" + subject, lambda: timeline_data(
        context.run, ox.NamedNode(subject), _graph(context), sources))


VIEW = PlannerView(
    name="timeline",
    fields=(Field("subject", "select", "subject", _subjects, default="network:ikm"),
            Field("date", "date", "valid_on")),
    sections=(Section("subject-title", "heading"), Section("timeline", "figure"),
              Section("members-on-date", "table", "on_date", detail="on-date"),
              Section("events", "list", "events"), Section("posts", "list", "posts")),
    data=_data, check=_check)
