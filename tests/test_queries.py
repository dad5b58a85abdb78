"""The documented queries in queries/: each runs on the real build with its expected answer."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from metrograph.build import inputs, query_catalogue
from metrograph.errors import DataError
from metrograph.model.memberships import FRAGMENTS, MEMBER_STANDINGS

ROOT = Path(__file__).resolve().parent.parent
QUERIES = {q.name: q for q in inputs.read_queries(ROOT)}


@pytest.fixture(scope="module")
def run(graph: ox.Store, base: str):
    def execute(name: str, **values: str) -> list[dict[str, str]]:
        result = query_catalogue.run(graph, QUERIES[name], base, values)
        names = [v.value for v in result.variables]
        return [{n: row[n].value for n in names if row[n] is not None} for row in result]

    return execute


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def test_there_are_at_least_fifteen_documented_queries() -> None:
    assert len(QUERIES) >= 15
    for query in QUERIES.values():
        assert query.meta.get("title"), f"{query.path.name} has no '#+ title:'"
        assert query.meta.get("description"), f"{query.path.name} has no '#+ description:'"
        assert query.meta.get("description-de"), f"{query.path.name} has no '#+ description-de:'"


#: A membership spelt out in a query's own text: the class, the properties of a claim, the exit
#: status (as a prefixed name or a full IRI). Catalogue queries take claims from the shared
#: fragments instead (``#include membership-claims`` and the standing fragments).
MEMBERSHIP_PATTERN = re.compile(
    r"\b(?:org:(?:Membership|member|organization|memberDuring)|mg:(?:membershipStatus|ExitReported))"
    r"(?![\w-])|<http://www\.w3\.org/ns/org#(?:Membership|member|organization|memberDuring)>")

#: Queries that still spell out the membership pattern, each with the reason. Keep it short: a
#: query that enumerates claims includes the fragments, so a second copy of the rule can't drift.
OWN_MEMBERSHIP_PATTERN = {
    "06-hbgw-gmbh-shareholders": "not yet on the fragments (left out of the change that moved "
                                 "01, 03, 08, 11, 12, 17, 22, 23, 26, 28)",
    "21-region-population-and-area": "not yet on the fragments (as 06)",
    "27-leader-regions": "not yet on the fragments (as 06)",
    "42-region-kreise-area-population": "not yet on the fragments (as 06)",
}

#: Which fragments a fragment's variables come from (?d and ?today; the claim rows; ?standing;
#: ?rank, grouped into ?best).
FRAGMENT_NEEDS = {"standing-on-day": ("day-or-today", "membership-claims"),
                  "standing-rank": ("standing-on-day",), "standing-of-best": ()}


def _own_text(path: Path) -> str:
    """The query as written, without its comment lines (front matter, ``#include`` lines)."""
    return "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                     if not line.lstrip().startswith("#"))


def test_catalogue_queries_take_memberships_from_the_shared_fragments() -> None:
    assert MEMBERSHIP_PATTERN.search("?m a org:Membership ; org:member ?x")
    assert MEMBERSHIP_PATTERN.search("FILTER NOT EXISTS { ?m mg:membershipStatus mg:ExitReported }")
    assert not MEMBERSHIP_PATTERN.search("?post a org:Post ; org:role ?r . ?x org:memberOf ?o")
    assert MEMBERSHIP_PATTERN.search(FRAGMENTS["membership-claims"])  # the one copy
    spelt_out = {query.name for query in QUERIES.values()
                 if MEMBERSHIP_PATTERN.search(_own_text(query.path))}
    assert spelt_out <= set(OWN_MEMBERSHIP_PATTERN), (
        f"{sorted(spelt_out - set(OWN_MEMBERSHIP_PATTERN))} spell out the membership pattern; "
        "use '#include membership-claims' (and the standing fragments for who is a member)")
    stale = set(OWN_MEMBERSHIP_PATTERN) - spelt_out
    assert not stale, f"{sorted(stale)} no longer spell it out: take them off the list"


def test_included_fragments_come_with_the_ones_they_stand_on() -> None:
    for query in QUERIES.values():
        included = re.findall(r"^[ \t]*#include[ \t]+([a-z-]+)", query.path.read_text("utf-8"),
                              re.MULTILINE)
        for position, name in enumerate(included):
            missing = [n for n in FRAGMENT_NEEDS.get(name, ()) if n not in included[:position]]
            assert not missing, f"{query.path.name}: #include {name} needs {missing} before it"
        if "standing-of-best" in included:
            assert "standing-rank" in included, f"{query.path.name}: ?best comes from standing-rank"


def test_each_page_shows_the_description_in_its_language(client) -> None:
    query = QUERIES["41-network-members-on-date"]
    def prose(path: str) -> str:  # the page without the query texts it shows as code
        body = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        return re.sub(r"<(pre|textarea|script)\b.*?</\1>", "", html.unescape(body), flags=re.DOTALL)

    for path in ("/questions", "/questions/41-network-members-on-date", "/sparql"):
        de, en = prose(path), prose(path + "?lang=en")
        german, english = query.meta["description-de"], query.meta["description"]
        assert german[:60] in de and english[:60] not in de, path
        assert english[:60] in en and german[:60] not in en, path


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_returns_its_minimum(run, name: str) -> None:
    minimum = int(QUERIES[name].meta.get("min-rows", "1"))
    assert len(run(name)) >= minimum


def test_01_ikm_members_per_source(run) -> None:
    rows = run("01-ikm-members-by-source")
    by_source: dict[str, set[str]] = {}
    for r in rows:
        by_source.setdefault(local(r["source"]), set()).add(local(r["member"]))
    assert len(by_source["ikm-fruehjahrstagung-2019"]) == 12
    assert {"ruhr", "rheinland", "nordwest"} <= by_source["ikm-fruehjahrstagung-2019"]


def test_01_takes_another_network_as_parameter(run) -> None:
    rows = run("01-ikm-members-by-source", network="network:imeg")
    assert {local(r["member"]) for r in rows} >= {"10", "07"}


def test_02_member_counts_disagree_by_source(run) -> None:
    ikm = {(r["value"], local(r["source"])) for r in run("02-member-count-claims")
           if r["organisation"].endswith("/network/ikm")}
    assert ikm == {("12", "ikm-fruehjahrstagung-2019"), ("11", "ikm-ueber-ikm")}


def test_03_heidekreis_is_in_two_regions(run) -> None:
    rows = run("03-kreise-in-several-regions")
    heidekreis = [r for r in rows if r["kreis"].endswith("/kreis/03358")]
    assert heidekreis and heidekreis[0]["regionIds"].count(",") >= 1
    assert {"hamburg", "hbgw"} <= set(heidekreis[0]["regionIds"].split(", "))


def test_03_lists_every_claimed_pair_with_its_standing_today(run) -> None:
    rows = {local(r["kreis"]): r for r in run("03-kreise-in-several-regions")}
    assert {local(r["kreis"]) for r in run("20-overlapping-kreise-current")} <= set(rows)
    heidekreis = dict(part.split(" (", 1) for part in rows["03358"]["memberships"].split("; "))
    assert set(heidekreis) == {"hamburg", "hbgw"}
    assert all(v.startswith("attested, ") and v.endswith(" sources)") for v in heidekreis.values())


def test_04_ikm_posts(run) -> None:
    names = {r["name"] for r in run("04-ikm-people-and-posts")}
    assert names == {"Jakob Richter", "Ralph Schlusche", "Christa Standecker", "Tanja Blätter"}


def test_05_people_and_posts(run) -> None:
    rows = run("05-people-and-posts")
    michalek = {local(r["role"]) for r in rows if r["name"] == "Sabine Michalek"}
    assert michalek == {"board-member", "supervisory-board-member", "mayor"}


def test_06_largest_shareholder_first(run) -> None:
    rows = run("06-hbgw-gmbh-shareholders")
    assert len(rows) == 8
    assert rows[0]["shareholder"].endswith("verein-kommunen-metropolregion")
    assert rows[0]["largest"] == "true" and all(r["largest"] == "false" for r in rows[1:])


def test_07_stated_region_figures(run) -> None:
    rows = {(local(r["region"]), r["kind"], local(r["source"])): (float(r["value"]), local(r["qualifier"]))
            for r in run("07-region-figures-as-stated")}
    assert rows[("hbgw", "area_km2", "hbgw-kommunen-klausurtagung-2023")] == (19000, "Approximately")
    assert rows[("hamburg", "population", "heidekreis-kooperationen")] == (5_000_000, "MoreThan")


def test_08_nordwest_and_ruhr_not_in_metrex(run) -> None:
    rows = run("08-ikm-and-metrex")
    outside = {local(r["region"]) for r in rows if r["inMetrex"] == "false"}
    assert outside == {"nordwest", "ruhr"}


def test_09_events_in_time_order(run) -> None:
    starts = [r["start"] for r in run("09-events") if "start" in r]
    assert starts == sorted(starts)
    assert "2019-04-04" in starts and "2023-11-16" in starts


def test_10_position_papers_newest_first(run) -> None:
    years = [r["year"] for r in run("10-position-papers") if "year" in r]
    assert years[0] == "2021" and years == sorted(years, reverse=True)


def test_11_heidekreis_cooperations(run) -> None:
    rows = run("11-heidekreis-cooperations")
    leader = {local(r["cooperation"]) for r in rows if r["type"].endswith("#LeaderRegion")}
    regions = {local(r["cooperation"]) for r in rows if r["type"].endswith("#MetropolitanRegion")}
    assert len(leader) >= 5 and regions == {"hamburg", "hbgw"}
    seed = {local(r["cooperation"]) for r in rows if r["source"].endswith("/heidekreis-kooperationen")}
    assert {"hamburg", "hbgw", "zweckverband-aller-leine-tal", "leader-hohe-heide"} <= seed


def test_12_partners_and_guests(run) -> None:
    rows = run("12-network-partners-and-guests")
    partners = {local(r["organisation"]) for r in rows if r["relation"] == "partner"}
    guests = {local(r["organisation"]) for r in rows if r["relation"] == "guest"}
    assert partners == {"bbsr", "bmi", "imeg", "metrex"}
    assert {"metropolregion-wien", "metropolregion-zuerich", "metropolregion-amsterdam", "imeg"} <= guests


def test_13_every_seed_source_has_statements(run) -> None:
    rows = {local(r["source"]): int(r["statements"]) for r in run("13-sources")}
    assert all(rows[s] > 50 for s in ("ikm-ueber-ikm", "heidekreis-kooperationen",
                                      "hbgw-kommunen-klausurtagung-2023"))


def test_14_contact(run) -> None:
    [row] = [r for r in run("14-contacts") if r["organisation"].endswith("/network/ikm")]
    assert row["generalEmail"] == "info@deutsche-metropolregionen.org"
    assert row["locality"] == "Hamburg"


def test_15_themes(run) -> None:
    rows = {local(r["theme"]): int(r["things"]) for r in run("15-themes")}
    assert rows["gleichwertige-lebensverhaeltnisse"] >= 4


def test_16_memberships_on_a_date(run) -> None:
    before = run("16-memberships-on-date", day="2000-01-01")
    today = run("16-memberships-on-date")
    # Memberships without a known interval count as valid on any day.
    assert len(today) >= len(before) > 0


def test_22_counts_each_unit_by_its_standing_today(run, select) -> None:
    """The members per region and level are question 16's members today (the one rule); a
    statement with a reported exit counts as an exit only."""
    rows = run("22-region-members-by-level")
    levels = {"RuralDistrict": "Landkreis/Kreis", "DistrictFreeCity": "kreisfreie Stadt",
              "Municipality": "Gemeinde", "State": "Land"}
    classes: dict[str, set[str]] = {}
    for r in select("SELECT ?unit ?class WHERE { VALUES ?class { mg:RuralDistrict "
                    "mg:DistrictFreeCity mg:Municipality mg:State } ?unit a ?class }"):
        classes.setdefault(r["unit"], set()).add(levels[local(r["class"])])
    regions = {r["r"] for r in select("SELECT ?r WHERE { ?r a mg:MetropolitanRegion }")}
    expected: dict[tuple[str, str], set[str]] = {}
    for r in run("16-memberships-on-date"):
        if r["organisation"] in regions and local(r["role"]) == "member" \
                and r["standing"] in MEMBER_STANDINGS:
            for level in classes.get(r["member"], ()):
                expected.setdefault((r["organisation"], level), set()).add(r["member"])
    members = {(r["region"], r["level"]): int(r["units"]) for r in rows if r["status"] == "member"}
    assert members == {key: len(units) for key, units in expected.items()}
    exits = {r["level"]: int(r["units"]) for r in rows
             if r["status"] == "exit reported" and local(r["region"]) == "rheinland"}
    assert exits == {"Gemeinde": 1, "Landkreis/Kreis": 2, "kreisfreie Stadt": 1}


def test_23_peine_belongs_to_hbgw_through_the_kreis(run, select) -> None:
    rows = run("23-gemeinden-of-kreis-in-regions")
    gemeinden = select("SELECT ?g WHERE { ?g mg:inDistrict kreis:03157 ; a mg:Municipality }")
    assert len(rows) == len(gemeinden) >= 7
    assert {(local(r["region"]), r["through"]) for r in rows} == {("hbgw", "Kreis")}


def test_26_reported_exits_and_areas_without_membership(run) -> None:
    rows = {(local(r["region"]), local(r["unit"])): r for r in run("26-area-without-membership-and-exits")}
    assert {key for key, r in rows.items() if r["kind"] == "exit reported"} == {
        ("rheinland", "05334002"), ("rheinland", "05314"), ("rheinland", "05366"),
        ("rheinland", "05334")}
    assert set(rows[("rheinland", "05314")]["sources"].split(", ")) >= {"mr-rl-rp", "mr-rl-wp"}
    assert rows[("muenchen", "09177")]["kind"] == "in area, not a member"


def test_28_each_claim_with_its_sources_and_the_pair_standing_today(run) -> None:
    rows = {(local(r["region"]), local(r["member"])): r
            for r in run("28-region-membership-claims-by-source")}
    heidekreis = rows[("hamburg", "03358")]
    claims = sorted(heidekreis["statedBy"].split("; "))
    assert heidekreis["claims"] == "2" and len(claims) == 2
    assert claims[0] == "heidekreis-kooperationen (member)"
    assert set(claims[1].split(" (")[0].split(", ")) >= {"metropolregionen-compilation", "mr-hh-hzg"}
    assert {r["standing"] for r in rows.values()} == {"attested"}


def test_bad_parameter_values_are_refused_with_a_reason(run) -> None:
    with pytest.raises(DataError, match="xsd:date"):
        run("16-memberships-on-date", day="1. Mai")
    with pytest.raises(DataError, match="no parameter"):
        run("16-memberships-on-date", region="region:hbgw")
    with pytest.raises(DataError, match="unknown prefix"):
        run("01-ikm-members-by-source", network="evil:x")


def test_17_hamburg_two_claims_about_district_free_cities(run) -> None:
    rows = run("17-hamburg-composition")
    stated = [r for r in rows if r["kind"] == "stated count" and r["countOf"].endswith("DistrictFreeCity")]
    assert [r["number"] for r in stated] == ["2"]


def test_18_region_count_per_source(run) -> None:
    rows = {(r["what"], local(r["source"])): r["value"] for r in run("18-recognised-region-count")}
    assert rows[("recognised regions", "heidekreis-kooperationen")] == "11"
    assert rows[("IKM member regions", "ikm-fruehjahrstagung-2019")] == "12"


def test_19_managing_bodies(run) -> None:
    rows = {(local(r["cooperation"]), local(r["body"])) for r in run("19-managing-bodies")}
    assert ("hbgw", "metropolregion-hbgw-gmbh") in rows
    assert ("ikm", "ikm-arbeitskreis-europa") in rows
