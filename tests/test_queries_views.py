"""Answers of the catalogue questions the planner's views rely on (queries/40–42)."""

from __future__ import annotations

from conftest import ROOT

from metrograph.build import inputs, query_catalogue

XSD = "http://www.w3.org/2001/XMLSchema#"


def ask(graph, base, name, **values):
    query = inputs.read_query(next((ROOT / "queries").glob(name + "*.rq")))
    result = query_catalogue.run(graph, query, base, values)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


def test_heidekreis_gemeinden_by_leader_region(graph, base):
    rows = ask(graph, base, "40-", kreis="kreis:03358")
    pairs = {(r["name"], r["leaderRegion"].rsplit("/", 1)[-1]) for r in rows}
    assert ("Soltau, Stadt", "leader-hohe-heide") in pairs
    assert ("Ahlden (Aller), Flecken", "leader-aller-leine-tal") in pairs
    assert {r["through"].rsplit("#", 1)[-1] for r in rows} == {"Municipality",
                                                              "MunicipalAssociation"}
    assert len(rows) == len({(r["gemeinde"], r["leaderRegion"], r.get("start")) for r in rows})
    in_2019 = ask(graph, base, "40-", kreis="kreis:03358", day="2019-04-01")
    assert {r["leaderRegion"].rsplit("/", 1)[-1] for r in in_2019} == {
        "leader-naturparkregion-lueneburger-heide"}
    assert ask(graph, base, "40-", kreis="kreis:09162") == []


def test_ikm_members_in_april_2019_and_now(graph, base):
    april = ask(graph, base, "41-", day="2019-04-15")
    assert len({r["member"] for r in april}) == 12
    assert {s.rsplit("/", 1)[-1] for r in april for s in r["sources"].split()} == {
        "ikm-fruehjahrstagung-2019"}
    assert ask(graph, base, "41-", day="2019-01-01") == []
    now = ask(graph, base, "41-")
    assert len({r["member"] for r in now}) == 12
    assert "networks-compilation" in {s.rsplit("/", 1)[-1] for r in now for s in r["sources"].split()}


def test_hamburg_kreise_area_and_population(graph, base):
    rows = ask(graph, base, "42-")
    labels = {r["kreisLabel"] for r in rows}
    assert {"Heidekreis", "Pinneberg", "Hamburg, Freie und Hansestadt"} <= labels
    population = sum(int(r["population2023"]) for r in rows)
    area = sum(float(r["areaKm2"]) for r in rows)
    assert 5_000_000 < population < 6_000_000 and 25_000 < area < 35_000
    peine = ask(graph, base, "42-", region="region:hbgw")
    assert any(r["kreisLabel"].startswith("Peine") for r in peine)
