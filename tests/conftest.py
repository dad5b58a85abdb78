"""Shared fixtures: the real graph is built once per test session into a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

# the small release of the SPARQL tests, its apps (embedded and on Virtuoso) and clients
from sparql_fixtures import (  # noqa: F401 - fixtures are found by name
    sparql_app,
    sparql_client,
    sparql_client_both,
    sparql_release,
    sparql_remote_app,
    sparql_settings,
    sparql_var_dir,
)

from metrograph import config
from metrograph.build import pipeline
from metrograph.model import namespaces
from metrograph.release import folders

ROOT = Path(__file__).resolve().parent.parent
#: Overrides every test app uses; short limits so safety tests finish fast.
TEST_OVERRIDES: dict[str, Any] = {"query_timeout": 3.0, "query_workers": 2}


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    var_dir = tmp_path_factory.mktemp("var")
    return config.load({**TEST_OVERRIDES, "var_dir": str(var_dir), "project_dir": str(ROOT)},
                       environ={})


@pytest.fixture(scope="session")
def release(settings: dict[str, Any]) -> folders.Release:
    """The real build of the repository's inputs (ontology/, data/, shapes/, queries/)."""
    return pipeline.build(settings, progress=lambda message: None)


@pytest.fixture(scope="session")
def graph(release: folders.Release) -> ox.Store:
    """The built release as an in-memory pyoxigraph store (read it, never write it)."""
    return folders.load_in_memory(release)


@pytest.fixture(scope="session")
def base(settings: dict[str, Any]) -> str:
    return settings["base_iri"]


@pytest.fixture(scope="session")
def select(graph: ox.Store, base: str):
    """Run a SELECT over the default graph (the union of all graphs); rows as plain strings."""

    def run(query: str, **bindings: ox.NamedNode | ox.Literal) -> list[dict[str, str]]:
        result = graph.query(
            namespaces.sparql_prologue(base) + query,
            substitutions={ox.Variable(k): v for k, v in bindings.items()} or None,
        )
        names = [v.value for v in result.variables]
        return [
            {n: row[n].value for n in names if row[n] is not None} for row in result
        ]

    return run


@pytest.fixture(scope="session")
def ask(graph: ox.Store, base: str):
    def run(query: str) -> bool:
        return bool(graph.query(namespaces.sparql_prologue(base) + query))

    return run


@pytest.fixture(scope="session")
def app(settings: dict[str, Any], release: folders.Release):
    from metrograph.web import create_app

    overrides = {k: settings[k] for k in ("var_dir", "project_dir", *TEST_OVERRIDES)}
    application = create_app(overrides)
    yield application


@pytest.fixture(scope="session")
def patient_app(settings: dict[str, Any], release: folders.Release):
    """The app with a generous query limit, for tests that compare whole catalogue answers:
    on a busy machine (Virtuoso and browsers beside it) the heavier questions take seconds."""
    from metrograph.web import create_app

    overrides = {k: settings[k] for k in ("var_dir", "project_dir", *TEST_OVERRIDES)}
    application = create_app({**overrides, "query_timeout": 60.0})
    yield application


@pytest.fixture
def client(app) -> Iterator[Any]:
    with app.test_client() as test_client:
        yield test_client


@pytest.fixture(scope="session")
def virtuoso() -> Iterator[Any]:
    """A private Virtuoso (tests/virtuoso.py) for the remote-store tests; stopped at session end."""
    import virtuoso as harness

    with harness.private_instance() as instance:
        yield instance


#: Modules left out of the fast subset (``-m "not slow"``): real servers, browsers, Virtuoso,
#: builds of their own, property runs in the thousands.
SLOW_MODULES = frozenset({
    "test_backends", "test_publish", "test_pages_browser", "test_views_browser", "test_faults",
    "test_virtuoso_harness", "test_packaging", "test_sparql_lexer", "test_build",
    "test_sparql_server", "test_dereference_server", "test_hardening", "test_crawl", "test_fuzz",
    "test_reference_import", "test_synth",
})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.module is not None and item.module.__name__ in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
