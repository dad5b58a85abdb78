"""The documented queries in queries/: each runs on the real build with its expected answer."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from metrograph.build import inputs, query_catalogue
from metrograph.errors import DataError

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
