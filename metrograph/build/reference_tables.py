"""Converters for the reference tables in data/tables/reference/ (written by reference_import).

Each table belongs to one source, and its quads go to that source's graph:

    laender, regierungsbezirke, kreise,     -> destatis-gv-2024   (names, types, codes, containment,
    verbaende, gemeinden                                           Gemeinde area/population/centre)
    kreise-figures-2023                     -> destatis-kreise-2023
    zensus2022-gemeinden                    -> zensus-2022
    wikidata-kreise                         -> wikidata-kreise
    wikidata-gemeinden                      -> wikidata-gemeinden
    kreis-boundaries, land-boundaries       -> bkg-vg5000-2021
    regions, region-members                 -> metropolregionen-compilation
    region-member-sources, network-sources     -> catalog-reference-web (see reference_web_sources)
    imeg-members                            -> networks-compilation (see reference_imeg)
    networks, network-members               -> networks-compilation
    leader-regions                          -> leader-niedersachsen-compilation

Figures are hash IRIs of their entity (``…/gemeinde/03358021#population-2023-12-31-zensus2011``),
geometries ``<entity>#geometry``; no blank nodes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyoxigraph as ox

from metrograph.build.converters import RDF_TYPE, Context, converter
from metrograph.build.curated_tables import interval_quads, slug_of
from metrograph.build.inputs import Table

XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
GEO = "http://www.opengis.net/ont/geosparql#"
SCHEMA = "https://schema.org/"
WD = "http://www.wikidata.org/entity/"
CRS84 = "<http://www.opengis.net/def/crs/OGC/1.3/CRS84> "

DECIMAL = ox.NamedNode(XSD + "decimal")
DATE = ox.NamedNode(XSD + "date")
WKT = ox.NamedNode(GEO + "wktLiteral")
LABEL = ox.NamedNode(RDFS + "label")
COMMENT = ox.NamedNode(RDFS + "comment")

#: Statistical basis of each population figure, as mg:basis in German and English.
BASIS = {
    "zensus2011": ("Fortschreibung auf Grundlage des Zensus 2011",
                   "update based on the 2011 census"),
    "zensus2022": ("Zensus 2022 (Stichtag 15.05.2022)", "2022 census (reference day 15 May 2022)"),
    "area": ("Flächenerhebung (amtliches Liegenschaftskataster ALKIS)",
             "land survey (official cadastre ALKIS)"),
}
#: Destatis Textkennzeichen → our class.
KREIS_CLASS = {"41": "DistrictFreeCity", "42": "DistrictFreeCity", "43": "RuralDistrict",
               "44": "RuralDistrict", "45": "RuralDistrict"}
UNINCORPORATED = {"65", "66"}
#: Kinds of web page in the membership compilation, in German (for labels).
KIND_DE = {"wikipedia": "Wikipedia-Seite", "official": "Amtliche Seite",
           "official-member": "Amtliche Seite (Mitgliederliste)",
           "official-ish": "Seite eines regionalen Trägers", "secondary": "Sekundärquelle",
           "press": "Pressebericht", "wikipedia+derived": "Wikipedia-Seite mit Ableitung"}
GV_DATE, POP_DATE, KREISE_DATE, ZENSUS_DATE = "2024-12-31", "2023-12-31", "2023-12-31", "2022-05-15"


class Terms:
    """Our own terms under one base, plus quad helpers bound to one graph."""

    def __init__(self, table: Table, base: str, source: str) -> None:
        self.ctx = Context(base, table)
        self.graph = self.ctx.graph(source)
        self.mg = base + "ontology#"
        self._terms: dict[str, ox.NamedNode] = {}

    def m(self, local: str) -> ox.NamedNode:
        term = self._terms.get(local)
        if term is None:
            term = self._terms[local] = ox.NamedNode(self.mg + local)
        return term

    def iri(self, curie: str) -> ox.NamedNode:
        return self.ctx.iri(curie)

    def q(self, s: ox.NamedNode, p: ox.NamedNode | str, o: ox.NamedNode | ox.Literal) -> ox.Quad:
        pred = p if isinstance(p, ox.NamedNode) else ox.NamedNode(p)
        return ox.Quad(s, pred, o, self.graph)

    def typed(self, s: ox.NamedNode, cls: str) -> ox.Quad:
        return ox.Quad(s, RDF_TYPE, self.m(cls), self.graph)

    def label(self, s: ox.NamedNode, text: str, lang: str = "de") -> ox.Quad:
        return ox.Quad(s, LABEL, ox.Literal(text, language=lang), self.graph)

    def code(self, s: ox.NamedNode, prop: str, value: str) -> ox.Quad:
        return ox.Quad(s, self.m(prop), ox.Literal(value), self.graph)

    def figure(self, entity: ox.NamedNode, kind: str, value: str, date: str,
               basis: str) -> Iterator[ox.Quad]:
        """``entity mg:population|mg:area <entity#kind-date[-basis]>`` with value, date, basis."""
        suffix = f"#{kind}-{date}" + (f"-{basis}" if basis != "area" else "")
        node = ox.NamedNode(entity.value + suffix)
        de, en = BASIS[basis]
        what = "Einwohnerzahl" if kind == "population" else "Fläche (km²)"
        day = f"{date[8:10]}.{date[5:7]}.{date[:4]}"
        yield self.q(entity, self.m(kind), node)
        yield self.typed(node, "PopulationFigure" if kind == "population" else "AreaFigure")
        yield self.label(node, f"{what} am {day}" + (f" ({de})" if basis != "area" else ""))
        what_en = "Population" if kind == "population" else "Area (km²)"
        day_en = f"{int(date[8:10])} {_MONTHS_EN[int(date[5:7]) - 1]} {date[:4]}"
        yield self.label(node, f"{what_en} on {day_en}" + (f" ({en})" if basis != "area" else ""),
                         "en")
        yield self.q(node, self.m("qualifier"), self.m("Exact"))
        yield self.q(node, self.m("value"), ox.Literal(value, datatype=DECIMAL))
        yield self.q(node, self.m("referenceDate"), ox.Literal(date, datatype=DATE))
        yield self.q(node, self.m("basis"), ox.Literal(de, language="de"))
        yield self.q(node, self.m("basis"), ox.Literal(en, language="en"))

    def geometry(self, entity: ox.NamedNode, wkt: str) -> Iterator[ox.Quad]:
        node = ox.NamedNode(entity.value + "#geometry")
        yield self.q(entity, GEO + "hasGeometry", node)
        yield ox.Quad(node, RDF_TYPE, ox.NamedNode(GEO + "Geometry"), self.graph)
        yield self.q(node, GEO + "asWKT", ox.Literal(CRS84 + wkt, datatype=WKT))


def _rows(table: Table) -> Iterator[dict[str, str]]:
    return (row for _, row in table.rows())


# ---------------------------------------------------------------- Destatis GV-ISys 31.12.2024

@converter("reference/laender")
def laender(table: Table, base: str) -> Iterator[ox.Quad]:
    t = Terms(table, base, "destatis-gv-2024")
    for row in _rows(table):
        land = t.iri("land:" + row["land"])
        yield t.typed(land, "State")
        yield t.label(land, row["name"])
        yield t.code(land, "ags", row["land"])


@converter("reference/regierungsbezirke")
def regierungsbezirke(table: Table, base: str) -> Iterator[ox.Quad]:
    t = Terms(table, base, "destatis-gv-2024")
    for row in _rows(table):
        rb = t.iri("regbez:" + row["regbez"])
        yield t.typed(rb, "GovernmentRegion")
        yield t.label(rb, row["name"])
        yield t.code(rb, "ags", row["regbez"])
        yield t.q(rb, t.m("inState"), t.iri("land:" + row["land"]))


@converter("reference/kreise")
def kreise(table: Table, base: str) -> Iterator[ox.Quad]:
    t = Terms(table, base, "destatis-gv-2024")
    for row in _rows(table):
        kreis = t.iri("kreis:" + row["kreis"])
        yield t.typed(kreis, KREIS_CLASS[row["type_code"]])
        yield t.label(kreis, row["name"])
        yield t.code(kreis, "ags", row["kreis"])
        yield t.code(kreis, "nuts", row["nuts3"])
        yield t.code(kreis, "officialType", row["type"])
        yield t.q(kreis, t.m("inState"), t.iri("land:" + row["land"]))
        if row["regbez"]:
            yield t.q(kreis, t.m("inGovernmentRegion"), t.iri("regbez:" + row["regbez"]))


@converter("reference/verbaende")
def verbaende(table: Table, base: str) -> Iterator[ox.Quad]:
    t = Terms(table, base, "destatis-gv-2024")
    for row in _rows(table):
        verband = t.iri("verband:" + row["verband"])
        yield t.typed(verband, "MunicipalAssociation")
        yield t.label(verband, row["name"])
        yield t.code(verband, "ars", row["verband"])
        yield t.code(verband, "officialType", row["type"])
        yield t.q(verband, t.m("inDistrict"), t.iri("kreis:" + row["kreis"]))
        yield t.q(verband, t.m("inState"), t.iri("land:" + row["verband"][:2]))


@converter("reference/gemeinden")
def gemeinden(table: Table, base: str) -> Iterator[ox.Quad]:
    t = Terms(table, base, "destatis-gv-2024")
    for row in _rows(table):
        g = t.iri("gemeinde:" + row["gemeinde"])
        unincorporated = row["type_code"] in UNINCORPORATED
        yield t.typed(g, "UnincorporatedArea" if unincorporated else "Municipality")
        yield t.label(g, row["name"])
        yield t.code(g, "ags", row["gemeinde"])
        yield t.code(g, "ars", row["ars"])
        yield t.code(g, "officialType", row["type"])
        yield t.q(g, t.m("inState"), t.iri("land:" + row["land"]))
        if row["kreis"]:
            yield t.q(g, t.m("inDistrict"), t.iri("kreis:" + row["kreis"]))
        if row["verband"]:
            yield t.q(g, t.m("inMunicipalAssociation"), t.iri("verband:" + row["verband"]))
        yield from t.figure(g, "population", row["population"], POP_DATE, "zensus2011")
        yield from t.figure(g, "area", row["area_km2"], GV_DATE, "area")
        if row["lon"]:
            yield from t.geometry(g, f"POINT({row['lon']} {row['lat']})")


# ---------------------------------------------------------------- other official sources

@converter("reference/kreise-figures-2023")
def kreise_figures(table: Table, base: str) -> Iterator[ox.Quad]:
    t = Terms(table, base, "destatis-kreise-2023")
    for row in _rows(table):
        kreis = t.iri("kreis:" + row["kreis"])
        yield from t.figure(kreis, "population", row["population"], KREISE_DATE, "zensus2011")
        yield from t.figure(kreis, "area", row["area_km2"], KREISE_DATE, "area")


@converter("reference/zensus2022-gemeinden")
def zensus2022(table: Table, base: str) -> Iterator[ox.Quad]:
    t = Terms(table, base, "zensus-2022")
    for row in _rows(table):
        g = t.iri("gemeinde:" + row["gemeinde"])
        yield from t.figure(g, "population", row["population"], ZENSUS_DATE, "zensus2022")


def _wikidata_links(table: Table, base: str, graph: str, prefix: str,
                    column: str) -> Iterator[ox.Quad]:
    """skos:exactMatch, not owl:sameAs (see docs/reference-data.md): our unit ↔ its item."""
    t = Terms(table, base, graph)
    for row in _rows(table):
        yield t.q(t.iri(f"{prefix}:{row[column]}"), SKOS + "exactMatch",
                  ox.NamedNode(WD + row["wikidata"]))


@converter("reference/wikidata-gemeinden")
def wikidata_gemeinden(table: Table, base: str) -> Iterator[ox.Quad]:
    return _wikidata_links(table, base, "wikidata-gemeinden", "gemeinde", "gemeinde")


@converter("reference/wikidata-kreise")
def wikidata_kreise(table: Table, base: str) -> Iterator[ox.Quad]:
    return _wikidata_links(table, base, "wikidata-kreise", "kreis", "kreis")


@converter("reference/kreis-boundaries")
def kreis_boundaries(table: Table, base: str) -> Iterator[ox.Quad]:
    t = Terms(table, base, "bkg-vg5000-2021")
    for row in _rows(table):
        yield from t.geometry(t.iri("kreis:" + row["kreis"]), row["wkt"])


@converter("reference/land-boundaries")
def land_boundaries(table: Table, base: str) -> Iterator[ox.Quad]:
    t = Terms(table, base, "bkg-vg5000-2021")
    for row in _rows(table):
        land = t.iri("land:" + row["land"])
        yield t.code(land, "nuts", row["nuts1"])
        yield from t.geometry(land, row["wkt"])


# ---------------------------------------------------------------- compiled memberships

def _membership(t: Terms, org: str, member: str, role: str, source: str,
                extra: str = "") -> tuple[ox.NamedNode, list[ox.Quad]]:
    """An org:Membership minted like the curated ones (see metrograph.build.curated_tables)."""
    role_local = role.partition(":")[2]
    parts = [slug_of(org), slug_of(member)] + ([role_local] if role_local != "member" else [])
    node = t.iri("membership:" + ".".join([*parts, *([extra] if extra else []), source]))
    return node, [
        t.q(node, RDF_TYPE, ox.NamedNode(ORG + "Membership")),
        t.q(node, ORG + "organization", t.iri(org)),
        t.q(node, ORG + "member", t.iri(member)),
        t.q(node, ORG + "role", t.iri(role)),
    ]


_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
#: the compilation's internal codes in its notes ("exit reported (RL_EXIT)"): not for readers
_INTERNAL_CODE = re.compile(r"\s*\([A-Z][A-Z0-9]*_[A-Z0-9_]+\)")


def _note(t: Terms, node: ox.NamedNode, text: str, lang: str = "en") -> Iterator[ox.Quad]:
    text = _INTERNAL_CODE.sub("", text).strip()
    if text:
        yield t.q(node, COMMENT, ox.Literal(text, language=lang))


@converter("reference/regions")
def regions(table: Table, base: str) -> Iterator[ox.Quad]:
    t = Terms(table, base, "metropolregionen-compilation")
    for row in _rows(table):
        region = t.iri(row["region"])
        yield t.typed(region, "MetropolitanRegion")
        yield t.label(region, row["name"])
        yield t.q(region, SKOS + "altLabel", ox.Literal(row["short_name"], language="de"))


@converter("reference/region-members")
def region_members(table: Table, base: str) -> Iterator[ox.Quad]:
    """member → org:Membership; exit-reported → the same plus mg:membershipStatus
    mg:ExitReported; in-area → mg:AreaInclusion (in the region's area, not a member)."""
    source = "metropolregionen-compilation"
    t = Terms(table, base, source)
    for line, row in table.rows():
        if row["status"] == "in-area":
            node = t.iri("membership:" + ".".join(
                [slug_of(row["region"]), slug_of(row["member"]), "in-area", source]))
            quads = [t.typed(node, "AreaInclusion"),
                     t.q(node, t.m("includedUnit"), t.iri(row["member"])),
                     t.q(node, t.m("includedIn"), t.iri(row["region"]))]
        elif row["status"] in ("member", "exit-reported"):
            # a pair's second claim (an exit report, a dated join stated by some of the
            # sources) is told apart by what it adds
            extra = ("exit-reported" if row["status"] == "exit-reported"
                     else f"from-{row['start']}" if row.get("start") else "")
            node, quads = _membership(t, row["region"], row["member"], "role:member", source,
                                      extra)
            if row["status"] == "exit-reported":
                quads.append(t.q(node, t.m("membershipStatus"), t.m("ExitReported")))
            quads += interval_quads(node, row.get("start", ""), "", Context(base, table, line),
                                    t.graph)
        else:
            raise Context(base, table, line).fail(f"unknown status {row['status']!r}")
        yield from quads
        yield t.q(node, t.m("confidence"), ox.Literal(row["confidence"]))
        for page in row["sources"].split():
            yield t.q(node, DCT + "source", t.iri("source:" + page))
        yield from _note(t, node, row["note"])


@converter("reference/networks")
def networks(table: Table, base: str) -> Iterator[ox.Quad]:
    t = Terms(table, base, "networks-compilation")
    for row in _rows(table):
        network = t.iri(row["network"])
        yield t.typed(network, "CooperationNetwork")
        yield t.label(network, row["name"])
        if row["founded"]:
            yield t.q(network, SCHEMA + "foundingDate",
                      ox.Literal(row["founded"], datatype=ox.NamedNode(XSD + "gYear")))


@converter("reference/network-members")
def network_members(table: Table, base: str) -> Iterator[ox.Quad]:
    source = "networks-compilation"
    t = Terms(table, base, source)
    for row in _rows(table):
        if row["member_name"]:  # a guest with no entity of its own elsewhere
            guest = t.iri(row["member"])
            yield ox.Quad(guest, RDF_TYPE, ox.NamedNode(ORG + "Organization"), t.graph)
            yield t.label(guest, row["member_name"])
        start = row.get("start", "")
        node, quads = _membership(t, row["network"], row["member"], row["role"], source,
                                  f"from-{start}" if start else "")
        yield from quads
        yield from interval_quads(node, start, "", Context(base, table, 0), t.graph)
        for page in row.get("sources", "").split():
            yield t.q(node, DCT + "source", t.iri("source:" + page))
        yield from _note(t, node, row["note"])


_PERIOD = re.compile(r"^(\d{4})-(\d{4})\s*(?:\((.*)\))?$")


@converter("reference/leader-regions")
def leader_regions(table: Table, base: str) -> Iterator[ox.Quad]:
    """LEADER regions in Niedersachsen: a partial list (see the source's scope note)."""
    source = "leader-niedersachsen-compilation"
    t = Terms(table, base, source)
    seen: set[str] = set()
    for line, row in table.rows():
        ctx = Context(base, table, line)
        region = t.iri(row["leader_region"])
        if row["leader_region"] not in seen:
            seen.add(row["leader_region"])
            yield t.typed(region, "LeaderRegion")
            yield t.label(region, row["name"])
            yield t.q(region, t.m("inState"), t.iri("land:03"))
        period = _PERIOD.match(row["period"])
        if not period:
            raise ctx.fail(f"period {row['period']!r} is not like '2023-2027'")
        if not row["member"]:
            yield from _note(t, region, "Mitgliedskommunen nicht erfasst.", "de")
            yield from _note(t, region, row["note"])
            continue
        node, quads = _membership(t, row["leader_region"], row["member"], "role:member", source)
        yield from quads
        yield from interval_quads(node, period[1], period[2], ctx, t.graph)
        notes = [f"share: {row['share']}" if row["share"] == "partial" else "",
                 period[3] or "", row["note"]]
        yield from _note(t, node, "; ".join(n for n in notes if n))
        if row["source"]:
            yield t.q(node, RDFS + "seeAlso", ox.NamedNode(row["source"]))
