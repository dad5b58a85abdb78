"""The planner's views in headless Chromium (Debian's package driven by playwright) against a
real server over the session's build: each view renders without console errors, clicking a
region filters the map, the date changes the drawn memberships, the explorer focuses, the
timeline shows the IKM, a question runs with a parameter. Screenshots go to tests/artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from servers import CHROMIUM, chromium, start_server

pytestmark = pytest.mark.server
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"

if CHROMIUM is None:
    pytest.skip("no chromium binary on this machine (CI installs the Debian package)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Poll ``expression`` in the page (playwright's wait_for_function evaluates it with
    eval() inside the page, which the pages' Content-Security-Policy forbids)."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def site(settings, release):
    url, stop = start_server(Path(settings["var_dir"]),
                             {"project_dir": ROOT, "workers": 1, "query_workers": 1,
                              "query_timeout": 10}, probe="/api/nodes.json")
    yield url
    stop()


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def open_view(browser, site):
    opened = []

    def run(path: str, mobile: bool = False):
        context = browser.new_context(
            viewport={"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900},
            locale="de-DE")
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(f"{m.type}: {m.text}")
                if m.type in {"error", "warning"} else None)
        page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
        page.on("request", lambda r: problems.append(f"outside request: {r.url}")
                if not r.url.startswith((site, "data:", "blob:")) else None)
        response = page.goto(site + path, wait_until="networkidle")
        assert response.status == 200
        opened.append(context)
        return page, problems

    yield run
    for context in opened:
        context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"views-{name}.png"), full_page=True)


def test_map_click_region_and_date(open_view):
    page, problems = open_view("/map?region=hamburg")
    page.wait_for_selector("path.kreis[data-ags='03358']")
    assert page.locator("#info").inner_text().count("Metropolregion Hamburg") >= 1
    info = page.locator("#info").inner_text()
    assert "28.5" in info or "28,5" in info  # area in km², thousands separated
    shot(page, "map-hamburg")
    # click the Heidekreis: its page link and both regions appear; the URL keeps it
    page.click("path.kreis[data-ags='03358']", force=True)
    assert "kreis=03358" in page.url
    info = page.locator("#info").inner_text()
    assert "Heidekreis" in info
    page.select_option("#region", "")
    wait_until(page, "document.querySelectorAll('path.hatch:not([style*=\"none\"])').length >= 6")
    assert page.locator("#overlaps tbody tr").count() >= 6
    assert "Heidekreis" in page.locator("#overlaps").inner_text()
    shot(page, "map-overlaps")
    # the date changes the drawn LEADER memberships
    page.select_option("#layer", "leader")
    page.fill("#date", "2019-04-01")
    page.dispatch_event("#date", "change")
    assert "date=2019-04-01" in page.url
    hatch = "path.hatch[data-ags='03358']"
    assert page.locator(hatch).get_attribute("style") == "display: none;"  # one LEADER region
    status_2019 = page.locator("#status").inner_text()
    page.fill("#date", "2024-04-01")
    page.dispatch_event("#date", "change")
    assert page.locator(hatch).get_attribute("style") in ("", None)  # three of them in 2024
    assert page.locator("#status").inner_text() != status_2019
    shot(page, "map-leader-2024")
    assert problems == []


@pytest.mark.parametrize(("query", "shown"), [("", "1. Januar 2010"), ("&lang=en", "1 January 2010")])
def test_map_status_writes_the_date_in_the_page_language(open_view, query, shown):
    """The status line's date is in the page's words (as i18n/formatting.py writes it on the
    server's pages), never the ISO value the URL and the date field keep."""
    page, problems = open_view("/map?date=2010-01-01" + query)
    page.wait_for_selector("path.kreis")
    wait_until(page, "document.querySelector('#status').textContent.includes('2010')")
    status = page.locator("#status").inner_text()
    assert shown in status and "2010-01-01" not in status, status
    assert status.endswith(" " + shown) and page.locator("#year-out").inner_text() == shown
    assert page.input_value("#date") == "2010-01-01" and "date=2010-01-01" in page.url
    assert problems == []


def test_map_state_restored_from_link_on_a_phone(open_view):
    page, problems = open_view("/map?layer=leader&date=2019-04-01&kreis=03358", mobile=True)
    page.wait_for_selector("path.kreis.selected")
    assert page.input_value("#date") == "2019-04-01"
    assert page.input_value("#layer") == "leader"
    assert "Heidekreis" in page.locator("#info").inner_text()
    shot(page, "map-phone")
    assert problems == []


def test_explorer_focus_and_table(open_view):
    page, problems = open_view("/explore")
    page.wait_for_selector("g.node")
    page.click("g.node[data-id$='/id/network/ikm']")
    page.wait_for_selector("g.node.focus[data-id$='/id/network/ikm']")
    assert "focus=network%3Aikm" in page.url or "focus=network:ikm" in page.url
    shot(page, "explore-ikm")
    page.click("#tab-table")
    assert "Metropolregion Hamburg" in page.locator("#edges").inner_text()
    assert "/api/graph.csv?focus=" in page.get_attribute("#csv", "href")
    shot(page, "explore-table")
    assert problems == []


def test_timeline_of_ikm(open_view):
    page, problems = open_view("/timeline?subject=network:ikm&date=2019-04-15")
    page.wait_for_selector("#timeline svg")
    assert page.locator("#timeline circle.attested").count() >= 12
    table = page.locator("#members-on-date").inner_text()
    assert "Metropolregion Hamburg" in table and "4. April 2019" in table
    assert "2019-04-04" not in table and "(15. April 2019)" in page.locator("#on-date").inner_text()
    assert "55. IKM-Tagung" in page.locator("#events").inner_text()
    shot(page, "timeline-ikm")
    assert problems == []


def test_question_runs_with_a_parameter(open_view):
    page, problems = open_view("/questions/40-gemeinden-of-kreis-by-leader-region")
    page.wait_for_selector("#results tbody tr")
    page.fill("#p-day", "2019-04-01")
    page.click("#question-form button[type=submit]")
    wait_until(page, "document.querySelector('#status').textContent.startsWith('3 ')")
    assert "day=2019-04-01" in page.url
    assert "Naturparkregion" in page.locator("#results").inner_text()
    shot(page, "question-leader")
    page2, problems2 = open_view("/questions/42-region-kreise-area-population?region=region:hamburg")
    page2.wait_for_selector("#chart svg rect")
    page2.wait_for_selector("#result-map svg path.kreis")
    shot(page2, "question-hamburg")
    assert problems == [] and problems2 == []


@pytest.mark.parametrize("path", ["/id/kreis/03358", "/id/kreis/03358?lang=en",
                                  "/id/region/hamburg?lang=en", "/sparql?lang=en",
                                  "/id/indicator/q-bip-ew", "/id/indicator/q-bip-ew?lang=en"])
def test_pages_of_the_real_build_fit_a_phone_screen(open_view, path):
    """The reference sources' long titles (with a URL in them) must wrap, not widen the page."""
    page, problems = open_view(path, mobile=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, (path, overflow)
    assert problems == []


@pytest.mark.parametrize(("path", "heading", "rank"), [
    ("/id/kreis/03103", "Kennzahlen", "1 von 400"),
    ("/id/kreis/03103?lang=en", "Indicators", "1 of 400")])
def test_indicator_section_in_the_browser(open_view, path, heading, rank):
    """The Kreis page's indicators: the section, its course lines drawn as SVG by the page
    itself (nothing fetched from elsewhere), readable on a phone."""
    page, problems = open_view(path, mobile=True)
    assert page.locator("#indicators").inner_text() == heading
    row = page.locator('tr[data-indicator$="/indicator/q-bip-ew"]')
    assert rank in row.inner_text()
    box = row.locator("svg.sparkline").bounding_box()
    assert box is not None and box["width"] > 50
    shot(page, "indicators-" + ("en" if "lang=en" in path else "de"))
    assert problems == []
