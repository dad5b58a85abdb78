"""The timeline of one organisation or member: memberships (with intervals, or the dates of the
sources attesting them), posts and events."""

from __future__ import annotations

from typing import Any

from metrograph.pages.planner.rows import Runner, value

TIMELINE_MEMBERSHIPS_QUERY = """
SELECT ?subject ?other ?direction ?role ?kind ?start ?end ?source ?sourceDate
WHERE {
  {
    ?m a org:Membership ; org:organization ?subject ; org:member ?other ; org:role ?role .
    BIND ("members" AS ?direction)
  } UNION {
    ?m a org:Membership ; org:member ?subject ; org:organization ?other ; org:role ?role .
    BIND ("memberOf" AS ?direction)
  }
  OPTIONAL { ?m mg:membershipStatus mg:ExitReported . BIND ("exit" AS ?exit) }
  BIND (COALESCE(?exit, "membership") AS ?kind)
  ?m dct:source ?source .
  OPTIONAL { ?source dct:issued ?sourceDate }
  OPTIONAL { ?m org:memberDuring/time:hasBeginning/(time:inXSDDate|time:inXSDgYear|
                                              time:inXSDgYearMonth) ?start }
  OPTIONAL { ?m org:memberDuring/time:hasEnd/(time:inXSDDate|time:inXSDgYear|
                                              time:inXSDgYearMonth) ?end }
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
    rows: dict[tuple, dict[str, Any]] = {}
    for r in run(TIMELINE_MEMBERSHIPS_QUERY, bound):
        other = value(r, "other") or ""
        key = (other, value(r, "direction"), value(r, "role"), value(r, "kind"),
               value(r, "start"), value(r, "end"))
        item = rows.setdefault(key, {
            "other": other, "label": names.get(other, {}).get("label", other.rsplit("/", 1)[-1]),
            "direction": key[1], "role": key[2], "roleLabel": (key[2] or "").rsplit("/", 1)[-1],
            "kind": key[3], "start": key[4], "end": key[5], "attested": []})
        src = value(r, "source") or ""
        info = sources.get(src, {})
        attestation = {"source": src, "label": info.get("label") or src.rsplit("/", 1)[-1],
                       "date": value(r, "sourceDate")}
        if attestation not in item["attested"]:
            item["attested"].append(attestation)
    memberships = sorted(rows.values(), key=lambda m: (m["direction"], m["role"] or "",
                                                       m["label"], m["start"] or ""))
    for m in memberships:
        m["attested"].sort(key=lambda a: (a["date"] or "9999", a["label"]))
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
