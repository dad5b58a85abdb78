"""Region, network and LEADER memberships from the reference data, over the real build."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from metrograph.build import inputs, reference_import

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / reference_import.DEFAULT_REFERENCE_DIR
OVERLAPS = {"03358", "03352", "06431", "07319", "05112", "05170"}
#: metropolregionen.csv: Kreis-level units listed, Gemeinde-level units listed, population
#: 31.12.2023 (Zensus 2011 basis) and area in km² summed over the listed Kreise.
REGIONS = {
    "hamburg": (21, 0, 5541432, 28528.9), "hbgw": (18, 0, 3900490, 18623.2),
    "berlin-brandenburg": (19, 0, 6363869, 30545.5), "mitteldeutschland": (13, 1, 2563755, 11675.8),
    "nordwest": (16, 0, 2851728, 13770.4), "frankfurtrheinmain": (25, 0, 5939316, 14753.4),
    "rhein-neckar": (15, 0, 2458595, 5636.4), "stuttgart": (20, 0, 5566202, 15425.3),
    "muenchen": (31, 1, 6074005, 23934.0), "nuernberg": (34, 0, 3625520, 21808.3),
    "rheinland": (23, 1, 8849919, 12277.6), "ruhr": (15, 0, 5162812, 4438.9),
}


def expected_regions() -> dict[str, tuple[int, int, int, float]]:
    path = REFERENCE / "metropolregionen" / "metropolregionen.csv"
    if not path.exists():
        return REGIONS
    with path.open(encoding="utf-8", newline="") as handle:
        return {r["region_id"]: (int(r["kreis_units_listed"]), int(r["gemeinde_units_listed"]),
                                 int(r["pop_sum_listed_kreise_2023_zensus2011basis"]),
                                 float(r["area_km2_sum_listed_kreise"]))
                for r in csv.DictReader(handle)}


def run_query_file(select, name: str) -> list[dict[str, str]]:
    [query] = [q for q in inputs.read_queries(ROOT) if q.name == name]
    return select(query.text)


def test_overlapping_kreise_come_out_of_the_query(select) -> None:
    rows = run_query_file(select, "20-overlapping-kreise-current")
    assert {r["kreisAgs"] for r in rows} >= OVERLAPS
    compiled = select("""
        SELECT ?ags WHERE { GRAPH graph:metropolregionen-compilation {
            ?m org:member ?k ; org:organization ?r ; org:role role:member .
            FILTER NOT EXISTS { ?m mg:membershipStatus mg:ExitReported } }
          ?k mg:ags ?ags ; a/rdfs:subClassOf* mg:District }
        GROUP BY ?ags HAVING (COUNT(DISTINCT ?r) > 1)""")
    assert {r["ags"] for r in compiled} == OVERLAPS


def test_region_member_counts_area_and_population_match_reference(select) -> None:
    """Question 21 counts the Kreise that are members today; the reference lists those with a
    reported exit too (standing "exit" today by question 16), so they are added back."""
    rows = {r["region"].rsplit("/", 1)[1]: r
            for r in run_query_file(select, "21-region-population-and-area")}
    figures = {r["k"]: (float(r["a"]), int(float(r["p"]))) for r in select("""
        SELECT ?k ?a ?p WHERE { ?k a/rdfs:subClassOf* mg:District ; mg:area ?af ; mg:population ?pf .
          ?af mg:referenceDate "2023-12-31"^^xsd:date ; mg:value ?a .
          ?pf mg:referenceDate "2023-12-31"^^xsd:date ; mg:value ?p }""")}
    exits: dict[str, list[tuple[float, int]]] = {}
    for r in run_query_file(select, "16-memberships-on-date"):
        if r["standing"] == "exit" and r["role"].endswith("/role/member") and r["member"] in figures \
                and r["organisation"].rsplit("/", 1)[1] in rows:
            exits.setdefault(r["organisation"].rsplit("/", 1)[1], []).append(figures[r["member"]])
    assert {region: len(v) for region, v in exits.items()} == {"rheinland": 3}
    for region, (kreise, _, population, area) in expected_regions().items():
        row, gone = rows[region], exits.get(region, [])
        assert int(row["kreise"]) + len(gone) == kreise, region
        assert int(float(row["population2023"])) + sum(p for _, p in gone) == population, region
        assert float(row["areaKm2"]) + sum(a for a, _ in gone) == pytest.approx(area, abs=0.5), region
        assert 0.9 * float(row["population2023"]) < float(row["populationZensus2022"]) \
            < float(row["population2023"]), region


def test_gemeinde_level_members_match_reference(select) -> None:
    rows = select("""
        SELECT ?region (COUNT(DISTINCT ?g) AS ?n) WHERE {
          ?m a org:Membership ; org:organization ?region ; org:member ?g ; org:role role:member .
          ?region a mg:MetropolitanRegion . ?g a mg:Municipality } GROUP BY ?region""")
    counts = {r["region"].rsplit("/", 1)[1]: int(r["n"]) for r in rows}
    for region, (_, gemeinden, _, _) in expected_regions().items():
        assert counts.get(region, 0) >= gemeinden, region


def test_hbgw_matches_the_seed_figures(select) -> None:
    rows = {r["region"].rsplit("/", 1)[1]: r
            for r in run_query_file(select, "21-region-population-and-area")}
    stated = select("""
        SELECT ?p ?v WHERE { region:hbgw ?p ?f . ?f mg:value ?v ; mg:qualifier mg:Approximately .
                             VALUES ?p { mg:area mg:population } }""")
    assert stated, "the seed states area and population of the HBGW"
    derived = {"area": float(rows["hbgw"]["areaKm2"]),
               "population": float(rows["hbgw"]["population2023"])}
    for row in stated:
        kind = row["p"].rsplit("#", 1)[1]
        assert derived[kind] == pytest.approx(float(row["v"]), rel=0.05), kind
    assert derived["area"] == pytest.approx(19_000, rel=0.05)
    assert derived["population"] == pytest.approx(3_900_000, rel=0.02)


def test_area_inclusion_and_reported_exits_are_kept_apart(select) -> None:
    rows = run_query_file(select, "26-area-without-membership-and-exits")
    kinds = {(r["unit"].rsplit("/", 1)[1], r["kind"].rsplit("#", 1)[1]) for r in rows}
    assert {("09177", "AreaInclusion"), ("09185", "AreaInclusion")} <= kinds
    assert {("05314", "ExitReported"), ("05334", "ExitReported"), ("05366", "ExitReported"),
            ("05334002", "ExitReported")} <= kinds
    plain = select("""
        SELECT ?m WHERE { ?m a org:Membership ; org:member kreis:09177 ;
                             org:organization region:muenchen }""")
    assert plain == []  # in the area is not a membership


def test_every_compiled_membership_has_confidence_and_described_pages(select) -> None:
    rows = select("""
        SELECT ?m (COUNT(DISTINCT ?page) AS ?pages) (SAMPLE(?c) AS ?conf) WHERE {
          GRAPH graph:metropolregionen-compilation { ?m mg:confidence ?c }
          OPTIONAL { ?m dct:source ?page . ?page a mg:SourceDocument ; dcat:accessURL ?url }
        } GROUP BY ?m""")
    # the compilation's 255 rows; the four reported exits and Osnabrück's dated join are
    # claims of their own beside them
    assert len(rows) == 260
    assert all(r["conf"] in ("high", "medium", "low") and int(r["pages"]) >= 1 for r in rows)


def test_seed_and_reference_claims_both_stay(select) -> None:
    rows = run_query_file(select, "28-region-membership-claims-by-source")
    heidekreis: dict[str, set[str]] = {}  # region: the sources of its claims about the Kreis
    for r in rows:
        if r["member"].endswith("/kreis/03358"):
            heidekreis.setdefault(r["region"].rsplit("/", 1)[1], set()).update(
                s.rsplit("/", 1)[1] for s in r["sources"].split(" "))
    assert set(heidekreis) == {"hamburg", "hbgw"}
    for sources in heidekreis.values():
        assert {"metropolregionen-compilation", "heidekreis-kooperationen"} <= sources


def test_members_by_level_query(select) -> None:
    rows = run_query_file(select, "22-region-members-by-level")
    ruhr = {(r["level"].rsplit("#", 1)[1], r["status"]): int(r["units"]) for r in rows
            if r["region"].endswith("/region/ruhr")}
    assert ruhr == {("DistrictFreeCity", "member"): 11, ("RuralDistrict", "member"): 4}


def test_gemeinden_of_peine_in_a_region_with_population(select) -> None:
    rows = run_query_file(select, "23-gemeinden-of-kreis-in-regions")
    assert {r["region"].rsplit("/", 1)[1] for r in rows} == {"hbgw"}
    [kreis] = select("""
        SELECT ?v WHERE { kreis:03157 mg:population ?f .
                          ?f mg:referenceDate "2023-12-31"^^xsd:date ; mg:value ?v }""")
    assert sum(int(float(r["population2023"])) for r in rows) == int(float(kreis["v"]))


def test_networks_from_the_reference_compilation(select) -> None:
    rows = select("""
        SELECT ?n ?role (COUNT(DISTINCT ?member) AS ?k) WHERE {
          GRAPH graph:networks-compilation {
            ?m org:organization ?n ; org:member ?member ; org:role ?role } }
        GROUP BY ?n ?role""")
    counts = {(r["n"].rsplit("/", 1)[1], r["role"].rsplit("/", 1)[1]): int(r["k"]) for r in rows}
    assert counts == {("ikm", "member"): 12, ("ikm", "guest"): 4, ("metrex", "member"): 10,
                      ("imeg", "member"): 9}


def test_leader_regions_are_marked_partial(select) -> None:
    rows = run_query_file(select, "27-leader-regions")
    assert len(rows) == 17
    assert all("Teilerfassung" in r["scopeNote"] for r in rows)
    members = {r["region"].rsplit("/", 1)[1]: int(r["members"]) for r in rows}
    assert members["leader-aller-leine-tal"] == 9 and members["leader-peiner-land"] == 0
