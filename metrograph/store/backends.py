"""Where the data is queried: the backends behind one interface, and the factory that picks one.

A backend gives the server three things for a release:

* a :class:`ReadStore`, the reading methods of ``pyoxigraph.Store`` the entity pages and point
  lookups use (``query``, ``quads_for_pattern``, ``contains_named_graph``), answering with
  pyoxigraph objects;
* a :class:`QueryRunner`, which evaluates the engine's jobs (the engine keeps the protocol's
  checks, the cache and the error messages; the runner the time limit and where queries run);
* which release it serves, and whether that can change under a running server.

``embedded`` runs queries in local query processes over the release folder; ``remote`` sends
them to a SPARQL store that ``metrograph publish`` loaded. A new backend is a module with a
:class:`Backend` subclass, an entry in :data:`BACKENDS` and its settings in ``config.py``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, ClassVar, Protocol

from metrograph.errors import ConfigError, MetrographError, StoreError
from metrograph.release import folders
from metrograph.sparql.evaluation import evaluate
from metrograph.sparql.process_runner import ProcessRunner, retry_later
from metrograph.store import remote as remote_store

__all__ = ["BACKENDS", "Backend", "EmbeddedBackend", "QueryRunner", "ReadStore",
           "RemoteBackend", "open_backend"]


class ReadStore(Protocol):
    """The part of ``pyoxigraph.Store`` that pages read."""

    def query(self, query: str, **options: Any) -> Any: ...

    def quads_for_pattern(self, subject: Any = None, predicate: Any = None, obj: Any = None,
                          graph_name: Any = None) -> Any: ...

    def contains_named_graph(self, graph: Any) -> bool: ...


class QueryRunner(Protocol):
    """Evaluates the engine's jobs (:func:`metrograph.sparql.evaluation.evaluate` replies)."""

    #: whether a query could reach the network from where it runs
    reaches_network: bool

    def express(self, job: dict[str, Any]) -> tuple[tuple | None, float]:
        """A light query's fast lane: (the reply or None to queue it, seconds spent)."""

    def run(self, job: dict[str, Any], timeout: float) -> tuple: ...

    def warm(self) -> None: ...

    def close(self) -> None: ...

    @property
    def network_isolated(self) -> bool: ...


class Backend:
    """One way of serving releases; subclasses fill in the methods."""

    name: ClassVar[str]
    #: the store can switch to another release while the server runs (``metrograph publish``)
    follows_store: ClassVar[bool] = False

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.var_dir = Path(settings["var_dir"])

    def serving(self) -> folders.Release:
        """The release to serve now (StoreError when there is none)."""
        raise NotImplementedError

    def adopt(self, release: folders.Release) -> None:
        """Serve ``release`` from now on (after :meth:`serving` named it)."""

    def lookups(self, release: folders.Release) -> ReadStore:
        raise NotImplementedError

    def runner(self, release: folders.Release, prefixes: dict[str, str]) -> QueryRunner:
        raise NotImplementedError

    def problem(self) -> str | None:
        """Why the backend cannot answer now (None: it can)."""
        return None


class EmbeddedBackend(Backend):
    """The release folder ``var/current`` points to when the server starts; queries in local
    query processes, pages on its read-only on-disk store."""

    name = "embedded"

    def serving(self) -> folders.Release:
        return folders.current_release(self.var_dir)

    def lookups(self, release: folders.Release) -> ReadStore:
        return folders.open_read_only(release)

    def runner(self, release: folders.Release, prefixes: dict[str, str]) -> QueryRunner:
        return ProcessRunner(release, self.settings, prefixes)


class RemoteBackend(Backend):
    """A SPARQL store loaded by ``metrograph publish``; its bookkeeping graph says which
    release it holds, and that release's folder must be here (for the dumps and pages that
    read files)."""

    name = "remote"
    follows_store = True

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        self.store = remote_store.RemoteStore(settings["remote_query_url"],
                                              timeout=float(settings["query_timeout"]),
                                              max_bytes=int(settings["max_result_bytes"]))

    def serving(self) -> folders.Release:
        try:
            live = remote_store.read_live(self.store)
        except MetrographError as exc:
            raise StoreError(f"cannot read the remote store: {exc}") from None
        if live is None:
            raise StoreError(f"the store at {self.settings['remote_query_url']} holds no "
                             "release: run 'metrograph publish' first")
        self._live = live
        try:
            return folders.release_by_id(self.var_dir, live.release_id)
        except StoreError as exc:
            raise StoreError(f"the store serves release {live.release_id}: {exc}") from None

    def adopt(self, release: folders.Release) -> None:
        self.store.named_graphs = self._live.named_graphs

    def lookups(self, release: folders.Release) -> ReadStore:
        return self.store

    def runner(self, release: folders.Release, prefixes: dict[str, str]) -> QueryRunner:
        return RemoteRunner(self.store, self.settings, prefixes)

    def problem(self) -> str | None:
        try:
            remote_store.check_reachable(self.store)
        except MetrographError as exc:
            return f"the store does not answer: {exc}"
        return None


class RemoteRunner:
    """Asks the remote store in the calling thread (the wait is on the network, the parsing
    in Rust), at most ``query_workers`` queries of this process at once."""

    reaches_network = True
    network_isolated = False

    def __init__(self, store: remote_store.RemoteStore, settings: dict[str, Any],
                 prefixes: dict[str, str]) -> None:
        import pyoxigraph as ox

        self.store = store
        self.prefixes = prefixes
        self._ox = ox
        self.timeout = float(settings["query_timeout"])
        self._running = threading.BoundedSemaphore(max(1, int(settings["query_workers"])))

    def express(self, job: dict[str, Any]) -> tuple[tuple | None, float]:
        return None, 0.0  # the store schedules its own work

    def run(self, job: dict[str, Any], timeout: float) -> tuple:
        if not self._running.acquire(timeout=timeout):
            raise retry_later("no query slot became free in time; try again shortly")
        try:
            return evaluate(self.store, self._ox, self.prefixes, job)
        finally:
            self._running.release()

    def warm(self) -> None:
        pass

    def close(self) -> None:
        pass


#: the backends by the name the ``backend`` setting gives
BACKENDS: dict[str, type[Backend]] = {b.name: b for b in (EmbeddedBackend, RemoteBackend)}


def open_backend(settings: dict[str, Any]) -> Backend:
    """The backend the ``backend`` setting names."""
    try:
        kind = BACKENDS[str(settings["backend"])]
    except KeyError:
        raise ConfigError(f"backend must be one of {', '.join(sorted(BACKENDS))}, not "
                          f"{settings['backend']!r}") from None
    return kind(settings)
