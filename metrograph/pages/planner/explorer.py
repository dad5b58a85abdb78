"""The membership explorer: the network of memberships, area inclusions and posts, the part of it
around a focus, and its rows as CSV."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from typing import Any

from metrograph.errors import BadRequest
from metrograph.model.validity import valid_on
from metrograph.pages.params import whole_number
from metrograph.pages.planner.rows import Runner, value

#: Our ontology's namespace, relative to the base.
MG = "ontology#"
#: The most steps the explorer goes from its focus.
MAX_DEPTH = 3

EDGES_QUERY = """
SELECT ?organisation ?member ?role ?kind (MIN(?s) AS ?start) (MIN(?e) AS ?end)
       (GROUP_CONCAT(DISTINCT STRAFTER(STR(?source), "/source/"); separator=" ") AS ?sources)
WHERE {
  {
    ?m a org:Membership ; org:organization ?organisation ; org:member ?member ; org:role ?role .
    OPTIONAL { ?m mg:membershipStatus mg:ExitReported . BIND ("exit" AS ?exit) }
    BIND (COALESCE(?exit, "membership") AS ?kind)
    OPTIONAL { ?m org:memberDuring/time:hasBeginning/(time:inXSDDate|time:inXSDgYear|
                                              time:inXSDgYearMonth) ?s }
    OPTIONAL { ?m org:memberDuring/time:hasEnd/(time:inXSDDate|time:inXSDgYear|
                                              time:inXSDgYearMonth) ?e }
  } UNION {
    ?m a mg:AreaInclusion ; mg:includedIn ?organisation ; mg:includedUnit ?member .
    BIND ("area" AS ?kind) BIND (role:member AS ?role)
  } UNION {
    ?m a org:Post ; org:postIn ?organisation ; org:heldBy ?member ; org:role ?role .
    BIND ("post" AS ?kind)
  }
  ?m dct:source ?source .
}
GROUP BY ?organisation ?member ?role ?kind
"""

NODES_QUERY = """
SELECT ?node (MIN(?de) AS ?label) (MIN(?en) AS ?labelEn)
       (GROUP_CONCAT(DISTINCT STR(?type); separator=" ") AS ?types)
WHERE {
  { ?m a org:Membership ; org:organization|org:member ?node }
  UNION { ?m a mg:AreaInclusion ; mg:includedIn|mg:includedUnit ?node }
  UNION { ?m a org:Post ; org:postIn|org:heldBy ?node }
  OPTIONAL { ?node rdfs:label ?de FILTER (LANG(?de) IN ("de", "")) }
  OPTIONAL { ?node rdfs:label ?en FILTER (LANG(?en) = "en") }
  OPTIONAL { ?node rdfs:label ?any }
  OPTIONAL { ?node a ?type }
}
GROUP BY ?node
"""

ROLE_LABELS_QUERY = """
SELECT ?role (MIN(?de) AS ?label) (MIN(?en) AS ?labelEn) WHERE {
  ?role a mg:Role .
  OPTIONAL { ?role rdfs:label|skos:prefLabel ?de FILTER (LANG(?de) IN ("de", "")) }
  OPTIONAL { ?role rdfs:label|skos:prefLabel ?en FILTER (LANG(?en) = "en") }
} GROUP BY ?role
"""

#: Node kinds by rdf:type (local names under the ontology, or full IRIs), first match wins.
KINDS = (
    ("MetropolitanRegion", "region"), ("CooperationNetwork", "network"),
    ("LeaderRegion", "leader"), ("RuralDistrict", "kreis"), ("DistrictFreeCity", "kreis"),
    ("Municipality", "gemeinde"), ("MunicipalAssociation", "verband"), ("State", "land"),
    ("http://xmlns.com/foaf/0.1/Person", "person"), ("https://schema.org/Person", "person"),
    ("Company", "company"), ("RegisteredAssociation", "verein"),
)
#: Kinds that are leaves of the overview (only shown around a focus).
LEAF_KINDS = {"kreis", "gemeinde", "verband", "land"}


def _kind(types: Iterable[str], base: str) -> str:
    names = set(types)
    for name, kind in KINDS:
        iri = name if name.startswith("http") else base + MG + name
        if iri in names:
            return kind
    return "organisation"


def graph_data(run: Runner, base: str) -> dict[str, Any]:
    """Every node and edge of the membership network (memberships, areas, posts)."""
    roles = {value(r, "role"): (value(r, "label"), value(r, "labelEn")) for r in run(ROLE_LABELS_QUERY)}
    nodes = {}
    for row in run(NODES_QUERY):
        iri = value(row, "node") or ""
        label = value(row, "label") or iri.rsplit("/", 1)[-1]
        nodes[iri] = {"id": iri, "label": label, "labelEn": value(row, "labelEn") or label,
                      "kind": _kind((value(row, "types") or "").split(), base)}
    edges = []
    for row in run(EDGES_QUERY):
        role = value(row, "role") or ""
        de, en = roles.get(role, (None, None))
        local = role.rsplit("/", 1)[-1]
        edges.append({
            "source": value(row, "member"), "target": value(row, "organisation"),
            "kind": value(row, "kind"), "role": role, "roleLabel": de or local,
            "roleLabelEn": en or de or local, "start": value(row, "start"),
            "end": value(row, "end"), "sources": (value(row, "sources") or "").split(),
        })
    edges.sort(key=lambda e: (e["target"], e["source"], e["role"], e["kind"]))
    return {"nodes": nodes, "edges": edges}


def neighbourhood(data: dict[str, Any], focus: str | None, depth: int,
                  day: str | None = None) -> dict[str, Any]:
    """The part of the graph to show: around ``focus`` up to ``depth`` steps (leaves such as
    Kreise and Gemeinden are not expanded beyond the focus), or, without a focus, the
    organisations and how they connect (no leaves). Edges not valid on ``day`` are left out."""
    nodes, edges = data["nodes"], [e for e in data["edges"]
                                   if valid_on(day, e["start"], e["end"])]
    if focus is not None and focus not in nodes:
        raise BadRequest("focus is not a member or organisation in the membership network")
    if focus is None:
        keep = {i for i, n in nodes.items() if n["kind"] not in LEAF_KINDS}
    else:
        adjacent: dict[str, set[str]] = defaultdict(set)
        for e in edges:
            adjacent[e["source"]].add(e["target"])
            adjacent[e["target"]].add(e["source"])
        keep = {focus}
        frontier = deque([(focus, 0)])
        while frontier:
            node, distance = frontier.popleft()
            if distance >= depth or (node != focus and nodes[node]["kind"] in LEAF_KINDS):
                continue
            for other in sorted(adjacent[node]):
                if other not in keep:
                    keep.add(other)
                    frontier.append((other, distance + 1))
    chosen = [e for e in edges if e["source"] in keep and e["target"] in keep]
    linked = {e["source"] for e in chosen} | {e["target"] for e in chosen} | (
        {focus} if focus else set())
    return {"focus": focus, "depth": depth, "date": day,
            "nodes": sorted((nodes[i] for i in linked), key=lambda n: (n["kind"], n["label"])),
            "edges": chosen}


CSV_COLUMNS = ("member", "memberLabel", "organisation", "organisationLabel", "kind", "role",
               "start", "end", "sources")


def graph_csv_rows(view: dict[str, Any]) -> list[list[str]]:
    labels = {n["id"]: n["label"] for n in view["nodes"]}
    rows = [list(CSV_COLUMNS)]
    for e in view["edges"]:
        rows.append([e["source"], labels.get(e["source"], ""), e["target"],
                     labels.get(e["target"], ""), e["kind"], e["role"], e["start"] or "",
                     e["end"] or "", " ".join(e["sources"])])
    return rows


def clamp_depth(text: str | None) -> int:
    return whole_number(text, "depth", 1, MAX_DEPTH, 1)
