"""Administrative units from the official reference data, over the real build."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from metrograph.build import reference_import

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / reference_import.DEFAULT_REFERENCE_DIR
#: Politically independent Gemeinden per Land on 31.12.2024 (Destatis GV-ISys), used when the
#: reference data compilation is not available.
GEMEINDEN_PER_LAND = {"01": 1104, "02": 1, "03": 939, "04": 2, "05": 396, "06": 421, "07": 2301,
                      "08": 1101, "09": 2056, "10": 52, "11": 1, "12": 413, "13": 724, "14": 418,
                      "15": 218, "16": 605}


def expected_gemeinden_per_land() -> dict[str, int]:
    path = REFERENCE / "destatis" / "gv-isys_gemeinden_2024-12-31.csv"
    if not path.exists():
        return GEMEINDEN_PER_LAND
    with path.open(encoding="utf-8", newline="") as handle:
        return dict(Counter(r["land"] for r in csv.DictReader(handle)
                            if r["textkennzeichen"] not in ("65", "66")))


def test_sixteen_laender_with_nuts1_and_boundary(select) -> None:
    rows = select("""
        SELECT ?land ?ags ?nuts ?wkt WHERE {
          ?land a mg:State ; mg:ags ?ags ; mg:nuts ?nuts ; geo:hasGeometry/geo:asWKT ?wkt .
        }""")
    assert len(rows) == 16
    assert {r["ags"] for r in rows} == {f"{i:02d}" for i in range(1, 17)}
    assert all("MULTIPOLYGON" in r["wkt"] or "POLYGON" in r["wkt"] for r in rows)


def test_400_kreise_each_with_ags_nuts3_land_and_wikidata(select) -> None:
    rows = select("""
        SELECT ?kreis (SAMPLE(?ags) AS ?a) (COUNT(DISTINCT ?nuts) AS ?n)
               (COUNT(DISTINCT ?land) AS ?l) (COUNT(DISTINCT ?wd) AS ?w) WHERE {
          ?kreis a/rdfs:subClassOf* mg:District .
          OPTIONAL { ?kreis mg:ags ?ags }
          OPTIONAL { ?kreis mg:nuts ?nuts FILTER REGEX(?nuts, "^DE[0-9A-Z]{3}$") }
          OPTIONAL { ?kreis mg:inState ?land . ?land a mg:State }
          OPTIONAL { ?kreis skos:exactMatch ?wd FILTER STRSTARTS(STR(?wd), STR(wd:)) }
        } GROUP BY ?kreis""")
    assert len(rows) == 400
    incomplete = [r for r in rows
                  if len(r.get("a", "")) != 5 or (r["n"], r["l"], r["w"]) != ("1", "1", "1")]
    assert not incomplete
    assert len({r["a"] for r in rows}) == 400


def test_kreis_types_and_identifiers(select) -> None:
    rows = select("""
        SELECT ?c (COUNT(?k) AS ?n) WHERE {
          VALUES ?c { mg:RuralDistrict mg:DistrictFreeCity } ?k a ?c ; mg:ags ?ags } GROUP BY ?c""")
    counts = {r["c"].rsplit("#", 1)[1]: int(r["n"]) for r in rows}
    assert counts == {"RuralDistrict": 294, "DistrictFreeCity": 106}
    heidekreis = select("""
        SELECT ?nuts ?wd ?rb WHERE { kreis:03358 mg:nuts ?nuts ; skos:exactMatch ?wd ;
                                     mg:inGovernmentRegion ?rb }""")
    assert heidekreis == [{"nuts": "DE938", "wd": "http://www.wikidata.org/entity/Q5922",
                           "rb": heidekreis[0]["rb"]}]
    assert heidekreis[0]["rb"].endswith("/id/regierungsbezirk/033")


def test_gemeinde_count_per_land_matches_reference(select) -> None:
    rows = select("""
        SELECT ?ags (COUNT(?g) AS ?n) WHERE { ?g a mg:Municipality ; mg:inState ?land .
                                               ?land mg:ags ?ags } GROUP BY ?ags""")
    assert {r["ags"]: int(r["n"]) for r in rows} == expected_gemeinden_per_land()


def test_unincorporated_areas_and_verbaende(select) -> None:
    [row] = select("""SELECT (COUNT(?u) AS ?u) WHERE { ?u a mg:UnincorporatedArea }""")
    assert row["u"] == "207"
    [row] = select("""SELECT (COUNT(?v) AS ?v) WHERE { ?v a mg:MunicipalAssociation }""")
    assert row["v"] == "1203"  # the 3,393 verbandsfreie Gemeinden are Gemeinden, not Verbände


def test_containment_chain_gemeinde_verband_kreis_regbez_land(ask) -> None:
    assert ask("""ASK {
        gemeinde:03358001 mg:inMunicipalAssociation ?v ; mg:inDistrict kreis:03358 ;
                          mg:inState land:03 ; mg:ags "03358001" ; mg:ars "033585401001" .
        ?v mg:inDistrict kreis:03358 ; mg:ars "033585401" ; mg:officialType "Samtgemeinde" .
        kreis:03358 mg:inGovernmentRegion regbez:033 ; mg:inState land:03 .
        regbez:033 mg:inState land:03 .
    }""")


def test_both_population_bases_are_kept_and_labelled(select) -> None:
    rows = select("""
        SELECT ?date ?value ?basis WHERE {
          gemeinde:03155013 mg:population ?f . ?f mg:referenceDate ?date ; mg:value ?value ;
          mg:basis ?basis FILTER (LANG(?basis) = "en") } ORDER BY ?date""")
    assert [r["date"] for r in rows] == ["2022-05-15", "2023-12-31"]
    assert "2022 census" in rows[0]["basis"] and "2011 census" in rows[1]["basis"]
    [row] = select("""
        SELECT (COUNT(?f) AS ?z22) WHERE { ?g a mg:Municipality ; mg:population ?f .
                                           ?f mg:referenceDate "2022-05-15"^^xsd:date }""")
    assert int(row["z22"]) > 10_700


def test_population_of_germany_sums_to_destatis_total(select) -> None:
    [row] = select("""
        SELECT (SUM(?v) AS ?total) WHERE {
          ?g mg:population ?f . ?f mg:referenceDate "2023-12-31"^^xsd:date ; mg:value ?v .
          FILTER EXISTS { ?g a ?c VALUES ?c { mg:Municipality mg:UnincorporatedArea } } }""")
    assert int(float(row["total"])) == 84_669_326


def test_gemeinde_centre_points_are_crs84_wkt(select) -> None:
    [row] = select("""
        SELECT (COUNT(?g) AS ?n) WHERE {
          ?g a mg:Municipality ; geo:hasGeometry/geo:asWKT ?wkt .
          FILTER STRSTARTS(STR(?wkt), "<http://www.opengis.net/def/crs/OGC/1.3/CRS84> POINT(")
        }""")
    assert int(row["n"]) == 10_752
    [einbeck] = select("""SELECT ?wkt WHERE { gemeinde:03155013 geo:hasGeometry/geo:asWKT ?wkt }""")
    lon, lat = einbeck["wkt"].split("POINT(")[1].rstrip(")").split()
    assert 9.0 < float(lon) < 11.0 and 51.0 < float(lat) < 52.5  # lon first (CRS84)


def test_every_kreis_has_a_boundary(select) -> None:
    [row] = select("""
        SELECT (COUNT(DISTINCT ?k) AS ?n) WHERE {
          ?k a/rdfs:subClassOf* mg:District ; geo:hasGeometry/geo:asWKT ?wkt .
          FILTER REGEX(STR(?wkt), "^<http://www.opengis.net/def/crs/OGC/1.3/CRS84> (MULTI)?POLYGON")
        }""")
    assert row["n"] == "400"


def test_sources_carry_licence_and_credit_lines(select) -> None:
    rows = select("""
        SELECT ?id ?licence WHERE { ?s a mg:SourceDocument ; dct:license ?licence .
          BIND (STRAFTER(STR(?s), "/source/") AS ?id) }""")
    licences = {r["id"]: r["licence"] for r in rows}
    for source in ("destatis-gv-2024", "destatis-kreise-2023", "zensus-2022", "bkg-vg5000-2021"):
        assert licences[source] == "https://www.govdata.de/dl-de/by-2-0"
    assert licences["wikidata-kreise"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    [credit] = select("""SELECT ?r WHERE { source:bkg-vg5000-2021 dct:rights ?r }""")
    assert credit["r"] == "© GeoBasis-DE / BKG 2021 (Daten verändert)"
    rights = " ".join(r["r"] for r in select("""SELECT ?r WHERE { ?d a dcat:Dataset ;
                                                dct:rights ?r FILTER (LANG(?r) = "de") }"""))
    assert "© GeoBasis-DE / BKG 2021 (Daten verändert)" in rights
    assert "Datenlizenz Deutschland" in rights and "CC0" in rights


def test_facts_sit_in_their_source_graph(ask) -> None:
    assert ask("""ASK { GRAPH graph:destatis-gv-2024 { kreis:03358 mg:nuts "DE938" } }""")
    assert ask("""ASK { GRAPH graph:bkg-vg5000-2021 { kreis:03358 geo:hasGeometry ?g } }""")
    assert ask("""ASK { GRAPH graph:wikidata-kreise { kreis:03358 skos:exactMatch ?w } }""")
    assert ask("""ASK { GRAPH graph:zensus-2022 { gemeinde:03155013 mg:population ?p } }""")
