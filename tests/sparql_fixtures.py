"""Fixtures for the SPARQL endpoint tests: a small release with two named graphs.

The release is laid out by the store module (staging folder, atomic publish), so the engine and
the app open it exactly as they open a real build. The data
is small but large enough that a three-way cartesian product runs for hours.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from metrograph import config
from metrograph.build import pipeline
from metrograph.release import folders

BASE = "https://w3id.org/metrograph/"
GRAPH_A = BASE + "graph/test-a"
GRAPH_B = BASE + "graph/test-b"
ITEMS = 1500
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ITEM = ox.NamedNode(BASE + "ontology#Item")
SPECIAL = ox.NamedNode(BASE + "id/test/special")
#: A literal with every character that breaks naive serializers.
TRICKY = 'line one\nline two\t"quoted", comma; <tag> & ümlaut \\ end'
#: Settings every test engine/app uses: short limits so the safety tests finish fast.
TEST_LIMITS: dict[str, Any] = {
    "query_timeout": 2.0,
    "query_workers": 2,
    "query_queue": 2,
    "max_result_rows": 2000,
    "max_result_bytes": 2_000_000,
    "max_query_bytes": 8192,
}


def item(n: int) -> ox.NamedNode:
    return ox.NamedNode(f"{BASE}id/test/item{n}")


def quads() -> Iterator[ox.Quad]:
    a, b = ox.NamedNode(GRAPH_A), ox.NamedNode(GRAPH_B)
    for n in range(ITEMS):
        yield ox.Quad(item(n), RDF_TYPE, ITEM, a)
        yield ox.Quad(item(n), RDFS_LABEL, ox.Literal(f"Item {n}", language="de"), a)
    yield ox.Quad(SPECIAL, RDFS_LABEL, ox.Literal(TRICKY), b)
    yield ox.Quad(SPECIAL, RDF_TYPE, ITEM, b)
    yield ox.Quad(SPECIAL, ox.NamedNode(BASE + "ontology#part"), ox.BlankNode("part1"), b)
    yield ox.Quad(ox.BlankNode("part1"), RDFS_LABEL, ox.Literal("a part"), b)


def make_release(var_dir: Path) -> folders.Release:
    """A release laid out exactly as the build lays it out (default graph = union)."""
    staging = folders.new_staging_dir(var_dir)
    data = list(quads())
    folders.write_store(staging, *pipeline.canonical_dump(data))
    return folders.publish(staging, {"release_id": "test-release-1"}, var_dir)


def make_settings(var_dir: Path, **overrides: Any) -> dict[str, Any]:
    return config.load({"var_dir": str(var_dir), "base_iri": BASE, **TEST_LIMITS, **overrides},
                       environ={})


@pytest.fixture(scope="session")
def sparql_var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    var_dir = tmp_path_factory.mktemp("sparql-var")
    make_release(var_dir)
    return var_dir


@pytest.fixture(scope="session")
def sparql_settings(sparql_var_dir: Path) -> dict[str, Any]:
    return make_settings(sparql_var_dir)


@pytest.fixture(scope="session")
def sparql_release(sparql_var_dir: Path) -> folders.Release:
    return folders.current_release(sparql_var_dir)


@pytest.fixture(scope="session")
def sparql_app(sparql_settings: dict[str, Any]) -> Iterator[Any]:
    from metrograph.web import create_app

    overrides = {k: sparql_settings[k] for k in ("var_dir", "base_iri", *TEST_LIMITS)}
    app = create_app(overrides)
    yield app
    app.extensions["metrograph"].engine.close()


@pytest.fixture(scope="session")
def sparql_remote_app(sparql_settings: dict[str, Any]) -> Iterator[Any]:
    """The same release published to a private Virtuoso, served by an app on that store."""
    import virtuoso as harness

    from metrograph.store import publish
    from metrograph.web import create_app

    with harness.private_instance() as instance:
        overrides = {**{k: sparql_settings[k] for k in ("var_dir", "base_iri", *TEST_LIMITS)},
                     **instance.remote_settings(), "release_poll": 0.2}
        settings = config.load(overrides, environ={})
        publish.publish(settings, folders.current_release(Path(settings["var_dir"])),
                        progress=lambda message: None)
        app = create_app(overrides)
        yield app


@pytest.fixture
def sparql_client(sparql_app: Any) -> Iterator[Any]:
    with sparql_app.test_client() as client:
        yield client


@pytest.fixture(params=["embedded", "remote"])
def sparql_client_both(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A client of the app on the embedded store, then of the app on Virtuoso."""
    app = request.getfixturevalue("sparql_app" if request.param == "embedded"
                                  else "sparql_remote_app")
    with app.test_client() as client:
        yield client
