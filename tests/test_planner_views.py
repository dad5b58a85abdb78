"""Planner views declared once in pages/planner: the web layer serves any declared view —
its page from the shared shell, its data as JSON, its parameters checked by kind — with no
route of its own."""

from __future__ import annotations

from typing import Any

import pytest

from metrograph.errors import BadRequest
from metrograph.pages.planner import view_spec
from metrograph.pages.planner.view_spec import Choice, Field, PlannerView, Section

COUNT_QUERY = ("SELECT ?org (COUNT(*) AS ?n) WHERE { ?m a org:Membership ; org:organization ?org }"
               " GROUP BY ?org")


def _choices(context: view_spec.ViewContext) -> list[Choice]:
    return [Choice("network:ikm", "IKM-Netzwerk", "IKM network"),
            Choice("network:metrex", "METREX-Netzwerk", "METREX network")]


def _check(context: view_spec.ViewContext, values: dict[str, Any]) -> dict[str, Any]:
    if values["org"] not in {context.entity_iri(c.value) for c in _choices(context)}:
        raise BadRequest("org is not one of the networks of this view")
    return values


def _data(context: view_spec.ViewContext, values: dict[str, Any]) -> dict[str, Any]:
    import pyoxigraph as ox

    rows = context.run(COUNT_QUERY, {"org": ox.NamedNode(values["org"])})
    return {"org": values["org"], "day": values["day"], "claims": int(rows[0]["n"]["value"])}


PROBE = PlannerView(
    name="probe", fields=(Field("org", "select", "subject", _choices, default="network:ikm"),
                          Field("day", "date", "valid_on")),
    sections=(Section("probe-figure", "figure", "members"), Section("probe-list", "list")),
    data=_data, check=_check)


@pytest.fixture(scope="module")
def probe_client(settings, release, monkeypatch_module):
    from metrograph.web import create_app, views

    found = view_spec.planner_views()
    monkeypatch_module.setattr(views, "planner_views", lambda: {**found, "probe": PROBE})
    from conftest import TEST_OVERRIDES

    app = create_app({k: settings[k] for k in ("var_dir", "project_dir", *TEST_OVERRIDES)})
    with app.test_client() as client:
        yield client
    app.extensions["metrograph"].engine.close()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_the_package_declares_the_timeline() -> None:
    views = view_spec.planner_views()
    assert "timeline" in views and views["timeline"].fields[0].name == "subject"


def test_a_declared_view_gets_its_page_from_the_shell(probe_client) -> None:
    page = probe_client.get("/probe?org=network:metrex&day=2019-04-04")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<script type="module" src="/static/views/probe.js">' in html
    assert '<form id="probe-controls"' in html and 'action="/probe"' in html
    assert '<option value="network:metrex" selected>METREX-Netzwerk</option>' in html
    assert 'type="date"' in html and 'value="2019-04-04"' in html
    assert '<div id="probe-figure" class="probe-figure"></div>' in html
    assert '<ul id="probe-list" class="plain"></ul>' in html
    assert "<noscript>" in html and "/api/probe.json?org=network%3Ametrex" in html
    english = probe_client.get("/probe?lang=en").get_data(as_text=True)
    assert ">IKM network</option>" in english and "Valid on" in english


def test_a_declared_view_serves_its_data_with_checked_parameters(probe_client) -> None:
    data = probe_client.get("/api/probe.json?org=network:ikm&day=2019-04-04")
    assert data.status_code == 200 and data.headers["ETag"]
    body = data.get_json()
    assert body["org"].endswith("/id/network/ikm") and body["day"] == "2019-04-04"
    assert body["claims"] > 10  # the IKM's membership claims, counted by the engine
    for bad, message in (("day=2019-02-30", "not a real day"), ("day=tomorrow", "YYYY-MM-DD"),
                         ("org=network:nope", "not one of the networks"),
                         ("org=nope:x", "unknown prefix"), ("day=1&day=2", "at most once")):
        for path in ("/probe", "/api/probe.json"):
            response = probe_client.get(f"{path}?{bad}")
            assert response.status_code == 400, (path, bad)
            assert message in response.get_data(as_text=True), (path, bad)


@pytest.mark.parametrize("path, data", [
    ("/map?region=hamburg", "/api/map.geojson?region=hamburg"),
    ("/explore?focus=network:ikm", "/api/graph.json?focus=network:ikm"),
    ("/timeline?subject=network:metrex", "/api/timeline.json?subject=network%3Ametrex"),
    ("/questions/20-overlapping-kreise-current", "/api/questions/20-overlapping-kreise-current.json")])
def test_without_javascript_a_view_links_its_data(client, path, data) -> None:
    html = client.get(path).get_data(as_text=True)
    note = html[html.index("<noscript>"):html.index("</noscript>")]
    assert f'href="{data}"' in note and "JavaScript" in note
    assert client.get(data).status_code == 200
