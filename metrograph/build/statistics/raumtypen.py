"""The BBSR's spatial types of 2017 (graph ``bbsr-raumtypen-2017``): each Kreis's
siedlungsstruktureller Kreistyp, its Stadt-Land class, Raumordnungsregion and Regionstyp, and
each Gemeinde's zentralörtliche Einstufung and Stadt- und Gemeindetyp.

Each class is a ``skos:Concept`` of a scheme ``code:<scheme>`` with the BBSR's German name and
an English one of the project; the Raumordnungsregionen keep their names in German only (they
are names). The types are of 2017 (the source's Gebietsstand 31.12.2017): the scheme says so.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from metrograph.build.converters import RDF_TYPE, converter
from metrograph.build.inputs import Table
from metrograph.build.reference_tables import SKOS, Terms

GRAPH = "bbsr-raumtypen-2017"
#: scheme → (property of the unit, German title, English title, English names by code)
SCHEMES: dict[str, tuple[str, str, str, dict[str, str]]] = {
    "kreistyp": ("settlementStructureType", "Siedlungsstrukturelle Kreistypen (BBSR, 2017)",
                 "Settlement structure types of districts (BBSR, 2017)",
                 {"1": "district-free large city", "2": "urban district",
                  "3": "rural district with signs of densification",
                  "4": "sparsely populated rural district"}),
    "stadt-land": ("urbanRuralType", "Städtischer und ländlicher Raum (BBSR, 2017)",
                   "Urban and rural areas (BBSR, 2017)", {"1": "urban area", "2": "rural area"}),
    "regionstyp": ("regionType", "Siedlungsstrukturelle Regionstypen (BBSR, 2017)",
                   "Settlement structure types of regions (BBSR, 2017)",
                   {"1": "urban region", "2": "region with signs of urbanisation",
                    "3": "rural region"}),
    "raumordnungsregion": ("spatialPlanningRegion", "Raumordnungsregionen (BBSR, Stand 2017)",
                           "Spatial planning regions (BBSR, as of 2017)", {}),
    "zentralort": ("centralPlaceLevel", "Zentralörtliche Einstufung der Gemeinden (BBSR, 2017)",
                   "Central-place level of municipalities (BBSR, 2017)",
                   {"0": "no central-place level", "1": "regional centre (Oberzentrum) or higher",
                    "2": "middle-order centre (Mittelzentrum)",
                    "3": "lower-order centre (Grundzentrum) or lower"}),
    "gemeindetyp": ("municipalityType", "Stadt- und Gemeindetypen (BBSR, 2017)",
                    "Types of towns and municipalities (BBSR, 2017)",
                    {"10": "large city", "20": "medium-sized town", "30": "larger small town",
                     "40": "small small town", "50": "rural municipality"}),
}
KREIS_COLUMNS = (("kreistyp", "kreistyp"), ("stadt-land", "stadt_land"),
                 ("raumordnungsregion", "ror"), ("regionstyp", "regionstyp"))
GEMEINDE_COLUMNS = (("zentralort", "zentralort"), ("gemeindetyp", "gemeindetyp"))


def _classified(table: Table, base: str,
                columns: tuple[tuple[str, str], ...]) -> Iterator[ox.Quad]:
    t = Terms(table, base, GRAPH)
    concepts: dict[tuple[str, str], str] = {}
    for line, row in table.rows():
        unit = t.ctx.iri(row["area"])
        for scheme, column in columns:
            code = row[f"{column}_code"]
            name = row[f"{column}_name"] if scheme == "raumordnungsregion" else row[column]
            if not code:
                continue
            concept = t.iri(f"code:{scheme}-{code}")
            yield t.q(unit, t.m(SCHEMES[scheme][0]), concept)
            if concepts.setdefault((scheme, code), name) != name:
                raise t.ctx.fail(f"line {line}: {scheme} {code} named both "
                                 f"{concepts[(scheme, code)]!r} and {name!r}")
    for (scheme, code), name in sorted(concepts.items()):
        _prop, title_de, title_en, english = SCHEMES[scheme]
        concept, scheme_node = t.iri(f"code:{scheme}-{code}"), t.iri(f"code:{scheme}")
        yield ox.Quad(concept, RDF_TYPE, ox.NamedNode(SKOS + "Concept"), t.graph)
        yield t.q(concept, SKOS + "inScheme", scheme_node)
        yield t.q(concept, SKOS + "notation", ox.Literal(code))
        yield t.label(concept, name)
        if code in english:
            yield t.label(concept, english[code], "en")
    for scheme in sorted({s for s, _ in concepts}):
        _prop, title_de, title_en, _ = SCHEMES[scheme]
        node = t.iri(f"code:{scheme}")
        yield ox.Quad(node, RDF_TYPE, ox.NamedNode(SKOS + "ConceptScheme"), t.graph)
        yield t.label(node, title_de)
        yield t.label(node, title_en, "en")


@converter("reference/statistics/raumtypen-kreise-2017")
def kreise(table: Table, base: str) -> Iterator[ox.Quad]:
    return _classified(table, base, KREIS_COLUMNS)


@converter("reference/statistics/raumtypen-gemeinden-2017")
def gemeinden(table: Table, base: str) -> Iterator[ox.Quad]:
    return _classified(table, base, GEMEINDE_COLUMNS)
