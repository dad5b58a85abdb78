"""The planner's map: every Kreis (simplified boundary) with its links to metropolitan and
LEADER regions, the regions and networks for legend and filters, filtered by day and region."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from metrograph.model.geometry import parse_wkt, simplify
from metrograph.model.memberships import CLAIMS, Statement, standing_in
from metrograph.pages.planner.rows import Rows, Runner, statements_by, value

#: Colour-blind-friendlier qualitative palette (enough for the twelve regions).
PALETTE = ("#1f77b4", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d",
           "#e6ab02", "#17becf", "#8c564b", "#bcbd22", "#5e3c99")

KREISE_QUERY = """
SELECT ?kreis (MIN(?l) AS ?label) (MIN(?a) AS ?ags) (MIN(?w) AS ?wkt)
WHERE {
  ?kreis a/rdfs:subClassOf* mg:District ; mg:ags ?a ; geo:hasGeometry/geo:asWKT ?w .
  OPTIONAL { ?kreis rdfs:label ?l FILTER (LANG(?l) IN ("de", "")) }
}
GROUP BY ?kreis
"""

#: Every link between a Kreis and a metropolitan or LEADER region, one row per claim and
#: source (metrograph.model.memberships): its own membership ("member"), a member Gemeinde or
#: Gemeindeverband in it ("partial", ?via; also when a source says only that the Kreis's Kommunen
#: take part), or the area without membership ("area"). (The role
#: is fixed by VALUES: Virtuoso 7.2 fails to compile a FILTER on it after the subquery here.)
KREIS_REGIONS_QUERY = """
SELECT ?kreis ?region ?kind ?via ?m ?start ?end ?exit ?source ?sourceDate
WHERE {
  VALUES ?layer { mg:MetropolitanRegion mg:LeaderRegion }
  {
""" + CLAIMS + """
    VALUES ?role { role:member }
    ?organisation a ?layer .
    { ?member a/rdfs:subClassOf* mg:District . BIND (?member AS ?kreis) BIND ("member" AS ?kind) }
    UNION { ?member mg:inDistrict ?kreis . BIND (?member AS ?via) BIND ("partial" AS ?kind) }
    BIND (?organisation AS ?region)
  } UNION {
    ?m a mg:AreaInclusion ; mg:includedIn ?region ; mg:includedUnit ?kreis ; dct:source ?source .
    ?region a ?layer .
    OPTIONAL { ?source dct:issued ?sourceDate }
    BIND ("area" AS ?kind) BIND (false AS ?exit)
  } UNION {
    # a source that says the Kreis's Kommunen take part, without naming them: "partial" too,
    # the claim being that statement of its source's graph
    GRAPH ?g { ?region mg:involvesMunicipalitiesOf ?kreis }
    ?region a ?layer .
    BIND (IRI(REPLACE(STR(?g), "/graph/", "/source/")) AS ?source)
    OPTIONAL { ?source dct:issued ?sourceDate }
    BIND (IRI(CONCAT(STR(?g), "#involves-", STRAFTER(STR(?kreis), "/id/"))) AS ?m)
    BIND ("partial" AS ?kind) BIND (false AS ?exit)
  }
}
"""

#: The same links of one Kreis (?kreis bound by VALUES around it): the roll-up on its page.
KREIS_LINKS_QUERY = ("SELECT * WHERE {\n  VALUES ?kreis { ?one }\n  {\n"
                     + KREIS_REGIONS_QUERY.strip() + "\n  }\n}")

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


def link_statements(rows: Rows) -> list[tuple[tuple[str, str, str, str], Statement]]:
    """The claim rows grouped: one statement per Kreis, region, kind and (for "partial") the
    member Gemeinde, its claims with all their sources."""
    return statements_by(
        rows, lambda row: (value(row, "kreis") or "", value(row, "region") or "",
                           value(row, "kind") or "", value(row, "via") or ""),
        lambda key, _row: (key[1], key[3] or key[0], "member"))


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
    for (kreis, region, kind, via), statement in link_statements(run(KREIS_REGIONS_QUERY)):
        start, end = statement.span
        link = {"region": region, "kind": kind, "start": start, "end": end,
                "sources": sorted({src.rsplit("/", 1)[-1] for src, _ in statement.sources()}),
                "segments": statement.segments()}
        if via:
            link["via"] = via
        links[kreis].append(link)
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
    """The same collection with only the region links of the chosen region (or of the regions in
    the chosen network) that stand on ``day`` (every one, each with its standing: valid,
    attested, exit, undated; ``outside`` ones left out); every Kreis stays, for the base map."""
    wanted: set[str] | None = None
    if region:
        wanted = {region}
    if network:
        in_network = {r["id"] for r in data["regions"] if network in r["networks"]}
        wanted = in_network if wanted is None else wanted & in_network
    features = []
    for feature in data["features"]:
        kept = []
        for link in feature["properties"]["regions"]:
            if wanted is not None and link["region"] not in wanted:
                continue
            standing = standing_in(link["segments"], day) if day else ""
            if standing != "outside":
                kept.append({**link, "standing": standing})
        features.append({**feature, "properties": {**feature["properties"], "regions": kept}})
    return {**data, "features": features,
            "filter": {"date": day, "region": region, "network": network}}
