"""The question catalogue's views: the lists of IRIs offered for a parameter, titles in two
languages, and what each result column holds."""

from __future__ import annotations

import re
from typing import Any

from metrograph.i18n.text import answer_words
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
STRING = "http://www.w3.org/2001/XMLSchema#string"
_ABSOLUTE = re.compile(r"https?://[^\s<>\"{}|\\^`]+$")


def answer_text(names: list[str], rows: Rows, lang: str) -> dict[str, dict[str, str]]:
    """The words a result is shown with in ``lang``: ``headings`` per variable (the variable's
    name where the catalogue has no heading for it) and ``codes``, the words for the plain
    code strings that occur in it."""
    words = answer_words(lang)
    codes = {}
    for row in rows:
        for cell in row.values():
            if cell["type"] == "literal" and "xml:lang" not in cell \
                    and cell["value"] in words["codes"]:
                codes[cell["value"]] = words["codes"][cell["value"]]
    return {"headings": {n: words["columns"].get(n, n) for n in names}, "codes": codes}


def iri_list(cell: dict[str, Any]) -> list[str] | None:
    """The IRIs of a plain literal that holds only IRIs separated by spaces (a GROUP_CONCAT of
    IRIs), else None."""
    if cell["type"] != "literal" or "xml:lang" in cell or cell.get("datatype") not in (None, STRING):
        return None
    tokens = cell["value"].split()
    return tokens if tokens and all(_ABSOLUTE.match(t) for t in tokens) else None


def describe_columns(names: list[str], rows: Rows, base: str) -> list[dict[str, Any]]:
    """What each result column holds: 'kreis', 'region', 'iri', 'iris' (lists of IRIs),
    'number', 'wkt' or 'text'."""
    out = []
    for name in names:
        cells = [r[name] for r in rows if name in r]
        kind = "text"
        if cells and all(iri_list(c) for c in cells):
            kind = "iris"
        elif cells and all(c["type"] == "uri" for c in cells):
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
