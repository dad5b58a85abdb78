"""The question catalogue's views: the lists of IRIs offered for a parameter, titles in two
languages, and what each result column holds."""

from __future__ import annotations

from typing import Any

from metrograph.pages.planner.rows import Rows

CHOICE_QUERIES = {
    "region": "SELECT ?id (MIN(?l) AS ?label) WHERE { ?id a mg:MetropolitanRegion ; "
              "rdfs:label ?l FILTER (LANG(?l) = 'de') } GROUP BY ?id ORDER BY ?label",
    "network": "SELECT ?id (MIN(?l) AS ?label) WHERE { ?id a mg:CooperationNetwork ; "
               "rdfs:label ?l FILTER (LANG(?l) = 'de') } GROUP BY ?id ORDER BY ?label",
    "kreis": "SELECT ?id (MIN(?l) AS ?label) WHERE { ?id a/rdfs:subClassOf* mg:District ; "
             "rdfs:label ?l FILTER (LANG(?l) = 'de') } GROUP BY ?id ORDER BY ?label",
    "leader": "SELECT ?id (MIN(?l) AS ?label) WHERE { ?id a mg:LeaderRegion ; "
              "rdfs:label ?l FILTER (LANG(?l) = 'de') } GROUP BY ?id ORDER BY ?label",
    # the distinct organisations first: joining every membership with labels timed out
    "organisation": "SELECT ?id (MIN(?l) AS ?label) WHERE { { SELECT DISTINCT ?id WHERE { "
                    "{ ?m a org:Membership ; org:organization ?id } UNION { ?p org:postIn ?id } "
                    "} } ?id rdfs:label ?l FILTER (LANG(?l) = 'de') } GROUP BY ?id ORDER BY ?label",
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
