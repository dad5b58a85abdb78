"""HTML pages in headless Chromium (the Debian package, driven by playwright): they render
without console errors, work on a phone-sized screen, and show a label holding ``<script>`` as
text. The pages come from a real server over a small separate build whose Heidekreis label is
hostile, so the repository's build stays clean. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from servers import CHROMIUM, chromium, start_server

from metrograph import config
from metrograph.build import pipeline

pytestmark = pytest.mark.server
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
EVIL = "<script>alert(1)</script>Heide & <b>kreis</b>"

if CHROMIUM is None:
    pytest.skip("no chromium binary on this machine (CI installs the Debian package)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = tmp_path_factory.mktemp("evil-project")
    for folder in ("ontology", "shapes", "data/statements"):
        shutil.copytree(ROOT / folder, project / folder)
    for name in ("data/catalog.ttl", "data/vocabulary.ttl", "data/derived.ttl",
                 "data/tables/memberships.csv"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, project / name)
    (project / "queries").mkdir()
    statements = project / "data/statements/heidekreis-kooperationen.ttl"
    text = statements.read_text(encoding="utf-8")
    assert 'rdfs:label "Heidekreis"@de' in text
    escaped = EVIL.replace("\\", "\\\\").replace('"', '\\"')
    statements.write_text(text.replace('rdfs:label "Heidekreis"@de',
                                       f'rdfs:label "{escaped}"@de', 1), encoding="utf-8")
    var_dir = tmp_path_factory.mktemp("evil-var")
    settings = config.load({"project_dir": str(project), "var_dir": str(var_dir)}, environ={})
    pipeline.build(settings, progress=lambda message: None)
    url, stop = start_server(var_dir, {"project_dir": project, "workers": 1,
                                       "query_workers": 1, "query_timeout": 5},
                             probe="/id/kreis/03358.ttl")
    yield url
    stop()


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def open_page(browser, url: str, name: str, mobile: bool = False):
    context = browser.new_context(
        viewport={"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900},
        locale="de-DE", java_script_enabled=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type in {"error", "warning"} else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"),
                                      dialog.dismiss()))
    response = page.goto(url, wait_until="load")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    return context, page, response, problems


def test_hostile_label_is_shown_as_text(site, browser):
    context, page, response, problems = open_page(browser, site + "/id/kreis/03358", "heidekreis")
    try:
        assert response.status == 200
        assert page.locator("#entity-label").inner_text() == EVIL
        assert page.locator("h1 b").count() == 0
        assert page.title().startswith(EVIL)
        assert page.evaluate("document.querySelectorAll('script:not([type])').length") == 0
        data = page.evaluate("JSON.parse(document.querySelector("
                             "'script[type=\"application/ld+json\"]').textContent)")
        assert data["name"] == EVIL
        assert problems == []
    finally:
        context.close()


def test_entity_page_renders_memberships_and_switches_language(site, browser):
    context, page, _response, problems = open_page(browser, site + "/id/kreis/03358", "kreis-de")
    try:
        assert page.locator("html").get_attribute("lang") == "de"
        table = page.locator("#table-memberships")
        assert table.is_visible()
        assert "Metropolregion Hamburg" in table.inner_text()
        assert page.locator("#table-memberships a[hreflang], #table-memberships a").count() > 0
        page.locator("a.lang-switch").click()
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == "en"
        assert "Memberships" in page.locator("#memberships").inner_text()
        assert problems == []
    finally:
        context.close()


def test_pages_fit_a_phone_screen(site, browser):
    for name, path in (("home-mobile", "/"), ("kreis-mobile", "/id/kreis/03358"),
                       ("ontology-mobile", "/ontology"), ("region-mobile", "/id/region/hamburg"),
                       ("kreis-mobile-en", "/id/kreis/03358?lang=en"),
                       ("region-mobile-en", "/id/region/hamburg?lang=en"),
                       ("sparql-mobile", "/sparql")):
        context, page, response, problems = open_page(browser, site + path, name, mobile=True)
        try:
            assert response.status == 200, path
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, (path, overflow)
            assert problems == [], (path, problems)
        finally:
            context.close()


def test_keyboard_reaches_the_search_field(site, browser):
    context, page, _response, problems = open_page(browser, site + "/id/kreis/03358", "keys")
    try:
        # skip link, brand, the navigation links, then the search field
        stops_before = 3 + page.evaluate("document.querySelectorAll('header.site nav a').length")
        for _ in range(stops_before):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "site-search":
                break
        assert page.evaluate("document.activeElement.id") == "site-search"
        assert problems == []
    finally:
        context.close()


def test_a_javascript_iri_in_query_results_runs_nothing(site, browser):
    """The red team's payload: a result IRI with the javascript: scheme, shown by /sparql."""
    query = ('SELECT (IRI("javascript://w3id.org/metrograph/id/kreis/03358%0Aalert(document.domain)")'
             " AS ?link) {}")
    from urllib.parse import quote

    context, page, response, problems = open_page(browser, site + "/sparql?query=" + quote(query),
                                                  "sparql-javascript-iri")
    try:
        assert response.status == 200
        cell = page.locator("#results td").first
        cell.wait_for(timeout=15000)
        assert "javascript://w3id.org" in cell.inner_text()
        assert page.locator("#results a[href^='javascript' i]").count() == 0
        cell.click()
        page.locator("#results span.uri").first.click()
        # an injected inline script is refused by the Content-Security-Policy
        page.evaluate("() => { const s = document.createElement('script');"
                      " s.textContent = 'window.injected = 1'; document.body.append(s); }")
        assert page.evaluate("window.injected") is None
        assert not any(p.startswith("dialog") for p in problems), problems
        assert all("Content Security Policy" in p for p in problems), problems  # the injection
    finally:
        context.close()


def test_the_query_page_is_part_of_the_site_in_either_language(site, browser):
    context, page, response, problems = open_page(browser, site + "/sparql?query=" +
                                                  "ASK%20%7B%7D", "sparql-de")
    try:
        assert response.status == 200 and page.locator("html").get_attribute("lang") == "de"
        assert page.locator("header.site nav a").count() >= 5  # the site's navigation
        assert page.locator("h1").inner_text() == "Den Graphen abfragen"
        page.locator("#status").filter(has_text="fertig in").wait_for(timeout=15000)
        page.locator("a.lang-switch").click()
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h1").inner_text() == "Query the graph"
        assert "ASK" in page.locator("#query").input_value()  # the query came along
        assert problems == []
    finally:
        context.close()
