"""Data behind the planner's views (map, membership explorer, timeline, question catalogue).

No Flask here: every function takes ``run(query, substitutions=None)``, which evaluates a SELECT
through the query engine (time limit, caps, cache) and returns the SPARQL JSON bindings. Values
from users are bound as typed terms (pyoxigraph substitutions), never written into query text.
The web layer (:mod:`metrograph.web.views`) caches the per-release results per process.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from typing import Any

from metrograph.errors import BadRequest

Rows = list[dict[str, dict[str, str]]]
Runner = Callable[..., Rows]

MG = "ontology#"
#: Colour-blind-friendlier qualitative palette (enough for the twelve regions).
PALETTE = ("#1f77b4", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d",
           "#e6ab02", "#17becf", "#8c564b", "#bcbd22", "#5e3c99")
COORD_DECIMALS = 3
SIMPLIFY_TOLERANCE = 0.002  # degrees (~150-200 m): invisible at the scale of Germany
MAX_DEPTH = 3
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def value(row: dict[str, dict[str, str]], name: str) -> str | None:
    cell = row.get(name)
    return cell["value"] if cell else None


def parse_day(text: str | None, what: str = "date") -> str | None:
    """A day as YYYY-MM-DD (validated) or None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    if not _DAY.match(text):
        raise BadRequest(f"{what} must be a day as YYYY-MM-DD, got {text[:40]!r}")
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"{what} is not a real day: {text[:40]!r}") from None
    return text


def valid_on(day: str | None, start: str | None, end: str | None) -> bool:
    """Whether an interval given at any precision (YYYY, YYYY-MM, YYYY-MM-DD) covers ``day``;
    open ends are open. The same rule as queries/16."""
    if day is None:
        return True
    return not ((start and start > day[: len(start)]) or (end and day[: len(end)] > end))


# --- geometry --------------------------------------------------------------------------------------

_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_PAIR = re.compile(rf"({_NUMBER})\s+({_NUMBER})")


def parse_wkt(wkt: str) -> dict[str, Any] | None:
    """GeoJSON geometry of a (CRS84) POLYGON or MULTIPOLYGON WKT literal; None for others."""
    text = wkt.strip()
    if text.startswith("<"):
        text = text.split(">", 1)[1].strip()
    match = re.match(r"^(MULTIPOLYGON|POLYGON)\s*(\(.*\))\s*$", text, re.IGNORECASE | re.DOTALL)
    if not match:
        return None
    kind, body = match.groups()
    body = _PAIR.sub(r"[\1,\2]", body).replace("(", "[").replace(")", "]")
    try:
        coordinates = json.loads(body)
    except ValueError:
        return None
    return {"type": "MultiPolygon" if kind.upper() == "MULTIPOLYGON" else "Polygon",
            "coordinates": coordinates}


def _perpendicular(p: list[float], a: list[float], b: list[float]) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return abs(p[0] - a[0]) + abs(p[1] - a[1])
    return abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / (dx * dx + dy * dy) ** 0.5


def _douglas_peucker(points: list[list[float]], tolerance: float) -> list[list[float]]:
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, -1
        for i in range(first + 1, last):
            d = _perpendicular(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index >= 0 and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring: list[list[float]], decimals: int = COORD_DECIMALS,
                  tolerance: float = SIMPLIFY_TOLERANCE) -> list[list[float]] | None:
    """Round, drop repeated points, Douglas-Peucker; None when too little is left."""
    rounded: list[list[float]] = []
    for x, y in ring:
        point = [round(x, decimals), round(y, decimals)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    if len(rounded) < 4:
        return None
    simplified = _douglas_peucker(rounded, tolerance)
    if simplified[0] != simplified[-1]:
        simplified.append(simplified[0])
    return simplified if len(simplified) >= 4 else None


def simplify(geometry: dict[str, Any]) -> dict[str, Any] | None:
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    out = []
    for polygon in polygons:
        rings = [simplify_ring(ring) for ring in polygon]
        if rings and rings[0] is not None:
            out.append([r for r in rings if r is not None])
    if not out:
        return None
    return {"type": "MultiPolygon", "coordinates": out}


# --- the map ---------------------------------------------------------------------------------------

KREISE_QUERY = """
SELECT ?kreis (MIN(?l) AS ?label) (MIN(?a) AS ?ags) (MIN(?w) AS ?wkt)
WHERE {
  ?kreis a/rdfs:subClassOf* mg:District ; mg:ags ?a ; geo:hasGeometry/geo:asWKT ?w .
  OPTIONAL { ?kreis rdfs:label ?l FILTER (LANG(?l) IN ("de", "")) }
}
GROUP BY ?kreis
"""

#: Every link between a Kreis and a metropolitan or LEADER region: its own membership
#: ("member", "exit" when an exit is reported), a member Gemeinde or Gemeindeverband in it
#: ("partial"), or the area without membership ("area"); with the interval where one is known.
KREIS_REGIONS_QUERY = """
SELECT ?kreis ?region ?kind ?via (MIN(?s) AS ?start) (MIN(?e) AS ?end)
       (GROUP_CONCAT(DISTINCT STRAFTER(STR(?source), "/source/"); separator=" ") AS ?sources)
WHERE {
  VALUES ?layer { mg:MetropolitanRegion mg:LeaderRegion }
  ?region a ?layer .
  {
    ?m a org:Membership ; org:organization ?region ; org:member ?kreis ; org:role role:member .
    ?kreis a/rdfs:subClassOf* mg:District .
    OPTIONAL { ?m mg:membershipStatus mg:ExitReported . BIND ("exit" AS ?exit) }
    BIND (COALESCE(?exit, "member") AS ?kind)
  } UNION {
    ?m a org:Membership ; org:organization ?region ; org:member ?via ; org:role role:member .
    ?via mg:inDistrict ?kreis .
    FILTER NOT EXISTS { ?m mg:membershipStatus mg:ExitReported }
    BIND ("partial" AS ?kind)
  } UNION {
    ?m a mg:AreaInclusion ; mg:includedIn ?region ; mg:includedUnit ?kreis .
    BIND ("area" AS ?kind)
  }
  ?m dct:source ?source .
  OPTIONAL { ?m org:memberDuring/time:hasBeginning/(time:inXSDDate|time:inXSDgYear|
                                              time:inXSDgYearMonth) ?s }
  OPTIONAL { ?m org:memberDuring/time:hasEnd/(time:inXSDDate|time:inXSDgYear|
                                              time:inXSDgYearMonth) ?e }
}
GROUP BY ?kreis ?region ?kind ?via
"""

REGIONS_QUERY = """
SELECT ?region ?layer (MIN(?de) AS ?label) (MIN(?en) AS ?labelEn)
       (GROUP_CONCAT(DISTINCT STR(?network); separator=" ") AS ?networks)
WHERE {
  VALUES (?type ?layer) { (mg:MetropolitanRegion "metropolitan") (mg:LeaderRegion "leader") }
  ?region a ?type .
  OPTIONAL { ?region rdfs:label ?de FILTER (LANG(?de) IN ("de", "")) }
  OPTIONAL { ?region rdfs:label ?en FILTER (LANG(?en) = "en") }
  OPTIONAL { ?nm a org:Membership ; org:member ?region ; org:organization ?network ;
                 org:role role:member . ?network a mg:CooperationNetwork . }
}
GROUP BY ?region ?layer
ORDER BY DESC(?layer) ?label
"""

#: Sums over the Kreise a region lists as members (as queries/21): official area and
#: population on 31.12.2023.
REGION_FIGURES_QUERY = """
SELECT ?region (COUNT(?kreis) AS ?kreise) (SUM(?area) AS ?areaKm2) (SUM(?pop) AS ?population)
WHERE {
  {
    SELECT DISTINCT ?region ?kreis WHERE {
      ?m a org:Membership ; org:member ?kreis ; org:organization ?region ; org:role role:member .
      ?region a mg:MetropolitanRegion .
      ?kreis a/rdfs:subClassOf* mg:District .
    }
  }
  ?kreis mg:area ?a . ?a mg:referenceDate "2023-12-31"^^xsd:date ; mg:value ?area .
  ?kreis mg:population ?p . ?p mg:referenceDate "2023-12-31"^^xsd:date ; mg:value ?pop .
}
GROUP BY ?region
"""

NETWORKS_QUERY = """
SELECT ?network (MIN(?de) AS ?label) (MIN(?en) AS ?labelEn)
WHERE {
  ?network a mg:CooperationNetwork .
  OPTIONAL { ?network rdfs:label ?de FILTER (LANG(?de) IN ("de", "")) }
  OPTIONAL { ?network rdfs:label ?en FILTER (LANG(?en) = "en") }
}
GROUP BY ?network
ORDER BY ?label
"""

#: The credit lines the boundary and figure sources require (dct:rights in the catalogue).
ATTRIBUTION_QUERY = """
SELECT ?source ?rights WHERE {
  VALUES ?source { source:bkg-vg5000-2021 source:destatis-kreise-2023 }
  ?source dct:rights ?rights .
}
ORDER BY ?source
"""


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def map_data(run: Runner, base: str) -> dict[str, Any]:
    """GeoJSON of every Kreis (simplified boundary) with its links to metropolitan regions,
    and the regions (colour, networks, area, population) and networks for legend and filters."""
    figures = {value(r, "region"): r for r in run(REGION_FIGURES_QUERY)}
    regions = []
    rows = run(REGIONS_QUERY)
    # colours by IRI within each layer: the same on every store, whatever label it picks
    counters: dict[str, int] = defaultdict(int)
    colour_index: dict[str, int] = {}
    for iri, layer in sorted((value(r, "region") or "", value(r, "layer") or "metropolitan")
                             for r in rows):
        colour_index[iri] = counters[layer]
        counters[layer] += 1
    for row in rows:
        iri = value(row, "region") or ""
        fig = figures.get(iri, {})
        layer = value(row, "layer") or "metropolitan"
        index = colour_index[iri]
        regions.append({
            "id": iri, "slug": iri.rsplit("/", 1)[-1], "label": value(row, "label") or iri,
            "key": (iri.rsplit("/", 1)[-1] if iri.startswith(base + "id/region/")
                    else "organisation:" + iri.rsplit("/", 1)[-1]),
            "labelEn": value(row, "labelEn") or value(row, "label") or iri, "layer": layer,
            "color": PALETTE[index % len(PALETTE)],
            "networks": sorted((value(row, "networks") or "").split()),
            "kreise": int(_number(value(fig, "kreise")) or 0),
            "areaKm2": _number(value(fig, "areaKm2")),
            "population": int(_number(value(fig, "population")) or 0) or None,
        })
    networks = [{"id": value(r, "network"), "slug": (value(r, "network") or "").rsplit("/", 1)[-1],
                 "label": value(r, "label"), "labelEn": value(r, "labelEn") or value(r, "label")}
                for r in run(NETWORKS_QUERY)]
    links: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in run(KREIS_REGIONS_QUERY):
        link = {"region": value(row, "region"), "kind": value(row, "kind"),
                "start": value(row, "start"), "end": value(row, "end"),
                "sources": (value(row, "sources") or "").split()}
        if value(row, "via"):
            link["via"] = value(row, "via")
        links[value(row, "kreis") or ""].append(link)
    features = []
    for row in run(KREISE_QUERY):
        iri = value(row, "kreis") or ""
        geometry = parse_wkt(value(row, "wkt") or "")
        geometry = simplify(geometry) if geometry else None
        if geometry is None:
            continue
        features.append({
            "type": "Feature", "id": iri, "geometry": geometry,
            "properties": {"label": value(row, "label") or iri, "ags": value(row, "ags"),
                           "regions": sorted(links.get(iri, []),
                                             key=lambda link: (link["region"], link["kind"]))},
        })
    features.sort(key=lambda f: f["properties"]["ags"] or "")
    return {"type": "FeatureCollection", "features": features, "regions": regions,
            "networks": networks, "base": base,
            "attribution": "; ".join(value(r, "rights") or "" for r in run(ATTRIBUTION_QUERY))}


def filter_map(data: dict[str, Any], day: str | None, region: str | None,
               network: str | None) -> dict[str, Any]:
    """The same collection with only the region links valid on ``day`` of the chosen region
    (or of the regions in the chosen network); every Kreis stays, for the base map."""
    wanted: set[str] | None = None
    if region:
        wanted = {region}
    if network:
        in_network = {r["id"] for r in data["regions"] if network in r["networks"]}
        wanted = in_network if wanted is None else wanted & in_network
    features = []
    for feature in data["features"]:
        kept = [link for link in feature["properties"]["regions"]
                if (wanted is None or link["region"] in wanted)
                and valid_on(day, link["start"], link["end"])]
        features.append({**feature, "properties": {**feature["properties"], "regions": kept}})
    return {**data, "features": features,
            "filter": {"date": day, "region": region, "network": network}}


# --- the membership graph --------------------------------------------------------------------------

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


# --- the timeline ----------------------------------------------------------------------------------

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


# --- the question catalogue ------------------------------------------------------------------------

CHOICE_QUERIES = {
    "region": "SELECT ?id (MIN(?l) AS ?label) WHERE { ?id a mg:MetropolitanRegion ; "
              "rdfs:label ?l FILTER (LANG(?l) = 'de') } GROUP BY ?id ORDER BY ?label",
    "network": "SELECT ?id (MIN(?l) AS ?label) WHERE { ?id a mg:CooperationNetwork ; "
               "rdfs:label ?l FILTER (LANG(?l) = 'de') } GROUP BY ?id ORDER BY ?label",
    "kreis": "SELECT ?id (MIN(?l) AS ?label) WHERE { ?id a/rdfs:subClassOf* mg:District ; "
             "rdfs:label ?l FILTER (LANG(?l) = 'de') } GROUP BY ?id ORDER BY ?label",
    "leader": "SELECT ?id (MIN(?l) AS ?label) WHERE { ?id a mg:LeaderRegion ; "
              "rdfs:label ?l FILTER (LANG(?l) = 'de') } GROUP BY ?id ORDER BY ?label",
    "organisation": "SELECT ?id (MIN(?l) AS ?label) WHERE { "
                    "{ ?m a org:Membership ; org:organization ?id } UNION { ?p org:postIn ?id } "
                    "?id rdfs:label ?l FILTER (LANG(?l) = 'de') } GROUP BY ?id ORDER BY ?label",
}


def choice_kind(name: str, help_text: str) -> str | None:
    """Which list of IRIs fits an IRI parameter, by its name and help text."""
    text = f"{name} {help_text}".lower()
    for word, kind in (("leader", "leader"), ("kreis", "kreis"), ("district", "kreis"),
                       ("region", "region"), ("network", "network"), ("netzwerk", "network"),
                       ("organisation", "organisation"), ("organization", "organisation")):
        if word in text:
            return kind
    return None


def split_title(title: str) -> tuple[str, str]:
    """Front matter titles are 'Deutsch / English'."""
    de, _, en = title.partition(" / ")
    return de.strip(), (en or de).strip()


NUMERIC = {"http://www.w3.org/2001/XMLSchema#" + t for t in (
    "integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")}
WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"


def describe_columns(names: list[str], rows: Rows, base: str) -> list[dict[str, Any]]:
    """What each result column holds: 'kreis', 'region', 'iri', 'number', 'wkt' or 'text'."""
    out = []
    for name in names:
        cells = [r[name] for r in rows if name in r]
        kind = "text"
        if cells and all(c["type"] == "uri" for c in cells):
            if all(c["value"].startswith(base + "id/kreis/") for c in cells):
                kind = "kreis"
            elif all(c["value"].startswith(base + "id/region/") for c in cells):
                kind = "region"
            else:
                kind = "iri"
        elif cells and all(c.get("datatype") in NUMERIC for c in cells):
            kind = "number"
        elif cells and all(c.get("datatype") == WKT for c in cells):
            kind = "wkt"
        out.append({"name": name, "kind": kind})
    return out


def clamp_depth(text: str | None) -> int:
    text = (text or "").strip() or "1"
    if not text.isdigit() or not 1 <= int(text) <= MAX_DEPTH:
        raise BadRequest(f"depth must be a whole number from 1 to {MAX_DEPTH}")
    return int(text)
