"""Views that answer the same question give the same answer.

For each planner question, every view that can answer it is asked through the real app on the
real build — entity page, map data, explorer data, timeline data, the question catalogue — and
the answers are compared. They all stand on metrograph/model/memberships.py (the pages and
views in Python, the catalogue through its shared SPARQL fragments), so a second copy of the
rule anywhere shows up here.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from metrograph.model.memberships import MEMBER_STANDINGS, standing_in


@pytest.fixture
def client(patient_app):
    """Every view asked through the app with the generous query limit: the answers are
    compared here, not the limits (a busy machine makes the heavier questions take seconds)."""
    with patient_app.test_client() as test_client:
        yield test_client

BASE = "https://w3id.org/metrograph/"
TODAY = dt.date.today().isoformat()
HTML = {"Accept": "text/html"}


def entity_members(client, path: str, day: str, kind: str | None = None,
                   role: str = "member") -> set[str]:
    """The members (in ``role``) an entity page lists as members on ``day`` (its rows marked
    valid or attested), optionally only those whose link path starts with ``/id/<kind>/``."""
    html = client.get(f"{path}?date={day}", headers=HTML).get_data(as_text=True)
    table = html.split('id="table-members"', 1)[1].split("</table>", 1)[0]
    found = set()
    for row in re.findall(r"<tr data-membership=.*?</tr>", table, re.DOTALL):
        standing = re.search(r'data-standing="(\w+)"', row)
        member = re.search(r'<td><a href="(/id/[^"?#]+)', row)
        if standing and member and standing.group(1) in MEMBER_STANDINGS \
                and f'href="/id/role/{role}' in row \
                and (kind is None or member.group(1).startswith(f"/id/{kind}/")):
            found.add(BASE + member.group(1)[1:])
    return found


def map_members(client, region: str, day: str, kinds: tuple[str, ...] = ("member",)) -> set[str]:
    data = client.get(f"/api/map.geojson?date={day}").get_json()
    return {f["id"] for f in data["features"] for link in f["properties"]["regions"]
            if link["region"] == BASE + region and link["kind"] in kinds
            and link["standing"] in MEMBER_STANDINGS}


def explorer_members(client, focus: str, day: str, role: str = "member",
                     node_kind: str | None = None) -> set[str]:
    view = client.get(f"/api/graph.json?focus={focus}&depth=1&date={day}").get_json()
    kinds = {n["id"]: n["kind"] for n in view["nodes"]}
    target = BASE + focus.replace("region:", "id/region/").replace("network:", "id/network/")
    return {e["source"] for e in view["edges"]
            if e["target"] == target and e["kind"] == "membership"
            and e["role"] == BASE + "id/role/" + role and e["standing"] in MEMBER_STANDINGS
            and (node_kind is None or kinds.get(e["source"]) == node_kind)}


def timeline_members(client, subject: str, day: str, role: str = "member") -> set[str]:
    data = client.get(f"/api/timeline.json?subject={subject}").get_json()
    return {m["other"] for m in data["memberships"]
            if m["direction"] == "members" and m["role"] == BASE + "id/role/" + role
            and standing_in(m["segments"], day) in MEMBER_STANDINGS}


def question(client, name: str, **params: str) -> list[dict[str, str]]:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(f"/api/questions/{name}.json?{query}")
    assert response.status_code == 200, response.data
    data = response.get_json()
    assert not data["truncated"]
    return [{k: v["value"] for k, v in row.items()} for row in data["rows"]]


def question_16_members(client, organisation: str, day: str, role: str = "member") -> set[str]:
    return {r["member"] for r in question(client, "16-memberships-on-date", day=day)
            if r["organisation"] == organisation and r["role"] == BASE + "id/role/" + role
            and r["standing"] in MEMBER_STANDINGS}


def is_kreis(iri: str) -> bool:
    return iri.startswith(BASE + "id/kreis/")


@pytest.mark.parametrize("day", ["2020-01-01", TODAY])
def test_members_of_metropolregion_hamburg_on_a_day(client, day):
    hamburg = BASE + "id/region/hamburg"
    answers = {
        "entity page": entity_members(client, "/id/region/hamburg", day, "kreis"),
        "map": map_members(client, "id/region/hamburg", day),
        "explorer": explorer_members(client, "region:hamburg", day, node_kind="kreis"),
        "timeline": {m for m in timeline_members(client, "region:hamburg", day) if is_kreis(m)},
        "question 16": {m for m in question_16_members(client, hamburg, day) if is_kreis(m)},
        "question 41": {r["member"] for r in question(
            client, "41-network-members-on-date", organisation="region:hamburg", day=day)
            if is_kreis(r["member"])},
    }
    first = answers["entity page"]
    assert all(answer == first for answer in answers.values()), answers
    if day == TODAY:
        assert len(first) >= 17, "today the sources attest the Hamburg Kreise"
    else:
        # no source dates a Hamburg membership before 2020: every view says "undated", none
        # says "member" (the map shows them as undated, the entity page marks them)
        assert first == set()
        data = client.get(f"/api/map.geojson?date={day}&region=hamburg").get_json()
        assert any(link["standing"] == "undated" for f in data["features"]
                   for link in f["properties"]["regions"])


def test_ikm_members_on_the_day_of_its_2019_spring_meeting(client):
    day, ikm = "2019-04-04", BASE + "id/network/ikm"
    answers = {
        "entity page": entity_members(client, "/id/network/ikm", day),
        "explorer": explorer_members(client, "network:ikm", day),
        "timeline": timeline_members(client, "network:ikm", day),
        "question 16": question_16_members(client, ikm, day),
        "question 41": {r["member"] for r in question(
            client, "41-network-members-on-date", organisation="network:ikm", day=day)},
    }
    first = answers["question 41"]
    assert len(first) >= 11
    assert all(answer == first for answer in answers.values()), answers
    # a day before any source: nobody is attested, in any view
    assert question(client, "41-network-members-on-date", day="2010-01-01") == []
    assert timeline_members(client, "network:ikm", "2010-01-01") == set()
    assert entity_members(client, "/id/network/ikm", "2010-01-01") == set()


def test_kreise_in_two_metropolitan_regions_today(client):
    data = client.get(f"/api/map.geojson?date={TODAY}").get_json()
    metropolitan = {r["id"] for r in data["regions"] if r["layer"] == "metropolitan"}
    on_map = {f["id"] for f in data["features"]
              if len({link["region"] for link in f["properties"]["regions"]
                      if link["region"] in metropolitan and link["kind"] == "member"
                      and link["standing"] in MEMBER_STANDINGS}) > 1}
    in_question = {r["kreis"] for r in question(client, "20-overlapping-kreise-current")}
    assert len(on_map) >= 6 and on_map == in_question


def test_regions_in_ikm_but_not_in_metrex(client):
    def members(network: str) -> set[str]:
        return {m for m in entity_members(client, f"/id/network/{network}", TODAY)
                if m.startswith(BASE + "id/region/")}

    pages = members("ikm") - members("metrex")
    explorer = (explorer_members(client, "network:ikm", TODAY)
                - explorer_members(client, "network:metrex", TODAY))
    explorer = {m for m in explorer if m.startswith(BASE + "id/region/")}
    rows = question(client, "08-ikm-and-metrex")
    catalogue = {r["region"] for r in rows if r.get("inMetrex") in {"false", "0"}}
    assert pages and pages == explorer == catalogue, (pages, explorer, catalogue)


def test_leader_regions_of_the_heidekreis(client):
    """All times: the Kreis page's roll-up, the map and question 11 name the same LEADER regions
    (one of them, Kulturraum Oberes Örtzetal, only through the Heidekreis page's statement that
    the Kreis's Kommunen take part); question 40, which lists Gemeinden, names those whose
    Gemeinden the sources give."""
    html = client.get("/id/kreis/03358", headers=HTML).get_data(as_text=True)
    table = html.split('id="table-region-links"', 1)[1].split("</table>", 1)[0]
    page = {BASE + path[1:] for path in re.findall(
        r'<tr data-region="[^"]+" data-kind="(?:member|partial)".*?<td><a href="(/id/[^"?#]+)',
        table, re.DOTALL) if "/leader-" in path}
    data = client.get("/api/map.geojson").get_json()
    leader = {r["id"] for r in data["regions"] if r["layer"] == "leader"}
    heide = next(f for f in data["features"] if f["properties"]["ags"] == "03358")
    on_map = {link["region"] for link in heide["properties"]["regions"]
              if link["region"] in leader and link["kind"] in {"member", "partial"}}
    q11 = {r["cooperation"] for r in question(client, "11-heidekreis-cooperations")
           if r.get("type", "").endswith("#LeaderRegion")}
    q40 = {r["leaderRegion"] for r in question(client, "40-gemeinden-of-kreis-by-leader-region")}
    assert len(page) == 5 and page == on_map == q11, (page, on_map, q11)
    assert q40 and q40 <= page
    assert BASE + "id/organisation/leader-kulturraum-oberes-oertzetal" in page - q40
