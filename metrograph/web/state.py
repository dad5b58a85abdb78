"""Per-process state of the web app: settings, the backend, the release being served, the
query engine.

The backend (:func:`metrograph.store.backends.open_backend`) says which release to serve:
the embedded one the release ``var/current`` points to when the process starts; the remote one
the release its store holds. Where the store can switch releases under a running server
(``Backend.follows_store``), every ``release_poll`` seconds a request first checks whether it
did and, if that release's folder is here, follows it. A process that cannot follow (folder
missing, store unreachable) keeps serving and reports the problem on ``/readyz``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from metrograph.errors import StoreError
from metrograph.model.namespaces import prefixes
from metrograph.release import folders
from metrograph.sparql.engine import Engine
from metrograph.store.backends import Backend, ReadStore, open_backend


@dataclass
class AppState:
    settings: dict[str, Any]
    backend: Backend
    release: folders.Release
    engine: Engine
    #: why this process is not ready (None: ready)
    problem: str | None = None
    started: float = field(default_factory=time.time)
    _checked: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, settings: dict[str, Any]) -> AppState:
        backend = open_backend(settings)
        release = backend.serving()
        backend.adopt(release)
        runner = backend.runner(release, prefixes(settings["base_iri"]))
        return cls(settings, backend, release, Engine(release, settings, runner))

    def lookups(self) -> ReadStore:
        """The backend's read access to the release served now (open a new one per release
        and process)."""
        return self.backend.lookups(self.release)

    def current_problem(self) -> str | None:
        """Why this process cannot answer now: a release it could not follow, or a backend
        that does not answer."""
        return self.problem or self.backend.problem()

    def follow(self) -> None:
        """Switch to the release the backend serves now if it changed (at most every
        ``release_poll`` seconds; one request checks, the others go on meanwhile)."""
        if not self.backend.follows_store:
            return
        now = time.monotonic()
        if now - self._checked < float(self.settings["release_poll"]):
            return
        if not self._lock.acquire(blocking=False):
            return
        try:
            self._checked = now
            try:
                release = self.backend.serving()
            except StoreError as exc:
                self.problem = str(exc)
                return
            if release.id != self.release.id:
                self.backend.adopt(release)
                self.release = release
                self.engine.release = release
            self.problem = None
        finally:
            self._lock.release()


_per_release_lock = threading.Lock()
PER_RELEASE_LIMIT = 256


def per_release(name: str, make: Callable[[], Any]) -> Any:
    """One object per process and release (an index, a parsed file, a view's data), made on
    first use. Made outside the lock, so one cached value may be made from another; a race
    makes it twice and keeps the first. At most PER_RELEASE_LIMIT entries are kept."""
    from flask import current_app

    state = current_app.extensions["metrograph"]
    holder: dict = current_app.extensions.setdefault("metrograph.per_release", {})
    key = (os.getpid(), state.release.id, name)
    with _per_release_lock:
        if key in holder:
            return holder[key]
    made = make()
    with _per_release_lock:
        if len(holder) >= PER_RELEASE_LIMIT:
            holder.clear()
        return holder.setdefault(key, made)
