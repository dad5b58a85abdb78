"""The membership explorer: the network of memberships, area inclusions and posts, the part of it
around a focus, and its rows as CSV."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from typing import Any

from metrograph.errors import BadRequest
from metrograph.model.memberships import CLAIMS, standing_in
from metrograph.pages.params import whole_number
from metrograph.pages.planner.rows import Runner, statements_by, value

#: Our ontology's namespace, relative to the base.
MG = "ontology#"
#: The most steps the explorer goes from its focus.
MAX_DEPTH = 3

#: Every membership claim, area inclusion and post, one row per node ?m and source, in the
#: shape of metrograph.model.memberships.CLAIM_PATTERN (areas and posts have no interval).
EDGES_QUERY = """
SELECT ?organisation ?member ?role ?kind ?m ?start ?end ?exit ?source ?sourceDate
WHERE {
  {
""" + CLAIMS + """
    BIND ("membership" AS ?kind)
  } UNION {
    ?m a mg:AreaInclusion ; mg:includedIn ?organisation ; mg:includedUnit ?member ;
       dct:source ?source .
    OPTIONAL { ?source dct:issued ?sourceDate }
    BIND ("area" AS ?kind) BIND (role:member AS ?role) BIND (false AS ?exit)
  } UNION {
    ?m a org:Post ; org:postIn ?organisation ; org:heldBy ?member ; org:role ?role ;
       dct:source ?source .
    OPTIONAL { ?source dct:issued ?sourceDate }
    BIND ("post" AS ?kind) BIND (false AS ?exit)
  }
}
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
    for (organisation, member, role, kind), statement in statements_by(
            run(EDGES_QUERY),
            lambda row: (value(row, "organisation") or "", value(row, "member") or "",
                         value(row, "role") or "", value(row, "kind") or ""),
            lambda key, _row: key[:3]):
        de, en = roles.get(role, (None, None))
        local = role.rsplit("/", 1)[-1]
        start, end = statement.span
        edges.append({
            "source": member, "target": organisation, "kind": kind, "role": role,
            "roleLabel": de or local, "roleLabelEn": en or de or local,
            "start": start, "end": end, "exit": statement.exit_reported,
            "sources": sorted({src.rsplit("/", 1)[-1] for src, _ in statement.sources()}),
            "segments": statement.segments(),
        })
    edges.sort(key=lambda e: (e["target"], e["source"], e["role"], e["kind"]))
    return {"nodes": nodes, "edges": edges}


def neighbourhood(data: dict[str, Any], focus: str | None, depth: int,
                  day: str | None = None) -> dict[str, Any]:
    """The part of the graph to show: around ``focus`` up to ``depth`` steps (leaves such as
    Kreise and Gemeinden are not expanded beyond the focus), or, without a focus, the
    organisations and how they connect (no leaves). On a ``day`` each edge carries its standing
    (metrograph.model.memberships) and those ``outside`` it are left out."""
    nodes = data["nodes"]
    edges = data["edges"] if day is None else [
        {**e, "standing": standing} for e in data["edges"]
        if (standing := standing_in(e["segments"], day)) != "outside"]
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
