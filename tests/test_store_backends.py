"""The backends behind one interface: the factory, and a backend added without touching the
engine, the web state or the pages."""

from __future__ import annotations

import json
import threading
from typing import Any

import pyoxigraph as ox
import pytest
from sparql_fixtures import make_settings

from metrograph import config
from metrograph.errors import ConfigError
from metrograph.release import folders
from metrograph.sparql.evaluation import evaluate
from metrograph.store import backends
from metrograph.web.state import AppState


def test_the_settings_accept_exactly_the_registered_backends() -> None:
    assert set(config.BACKEND_NAMES) == set(backends.BACKENDS)
    with pytest.raises(ConfigError, match="embedded, remote"):
        config.load({"backend": "virtuoso"}, environ={})


def test_the_factory_refuses_an_unknown_backend(sparql_var_dir) -> None:
    settings = {**make_settings(sparql_var_dir), "backend": "nope"}
    with pytest.raises(ConfigError, match="one of embedded, remote"):
        backends.open_backend(settings)


class InThreadRunner:
    """Evaluates in the calling thread on a store in memory (no time limit: a test double of
    a backend, built only from the interface)."""

    reaches_network = False
    network_isolated = True

    def __init__(self, store: ox.Store, prefixes: dict[str, str]) -> None:
        self.store, self.prefixes, self.jobs = store, prefixes, 0
        self._lock = threading.Lock()

    def express(self, job: dict[str, Any]) -> tuple[tuple | None, float]:
        return None, 0.0

    def run(self, job: dict[str, Any], timeout: float) -> tuple:
        with self._lock:
            self.jobs += 1
            return evaluate(self.store, ox, self.prefixes, job)

    def warm(self) -> None:
        pass

    def close(self) -> None:
        pass


class InMemoryBackend(backends.Backend):
    name = "in-memory"

    def serving(self) -> folders.Release:
        return folders.current_release(self.var_dir)

    def lookups(self, release: folders.Release) -> backends.ReadStore:
        return self.store

    def runner(self, release: folders.Release, prefixes: dict[str, str]) -> InThreadRunner:
        self.store = folders.load_in_memory(release)
        self.made = InThreadRunner(self.store, prefixes)
        return self.made


def test_a_new_backend_needs_only_its_class_and_an_entry(sparql_var_dir, monkeypatch) -> None:
    monkeypatch.setitem(backends.BACKENDS, "in-memory", InMemoryBackend)
    state = AppState.open({**make_settings(sparql_var_dir), "backend": "in-memory"})
    assert isinstance(state.backend, InMemoryBackend) and state.current_problem() is None
    result = state.engine.execute("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(json.loads(result.body)["results"]["bindings"][0]["n"]["value"]) > 0
    assert state.backend.made.jobs == 1  # the engine asked the new backend's runner
    assert state.engine.network_isolated
    assert state.lookups() is state.backend.store
    state.follow()  # does not follow a store: nothing to poll, nothing changes
    assert state.release.id == folders.current_release(sparql_var_dir).id


def test_the_embedded_backend_reads_the_current_release(sparql_var_dir) -> None:
    backend = backends.open_backend(make_settings(sparql_var_dir))
    release = backend.serving()
    assert isinstance(backend, backends.EmbeddedBackend) and not backend.follows_store
    assert release.id == folders.current_release(sparql_var_dir).id
    store = backend.lookups(release)
    assert isinstance(store, ox.Store) and len(list(store.quads_for_pattern(None, None, None)))
