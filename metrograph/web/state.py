"""Per-process state of the web app: settings, the release being served, the query engine.

With the embedded backend the release is the one ``var/current`` points to when the process
starts. With the remote backend it is the one the store holds (its bookkeeping graph says
which); every ``release_poll`` seconds a request first checks whether ``metrograph publish``
switched the store to another release and, if that release's folder is here, follows it. A
process that cannot follow (folder missing, store unreachable) keeps serving and reports the
problem on ``/readyz``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from metrograph.errors import MetrographError, StoreError
from metrograph.release import folders
from metrograph.sparql.engine import Engine
from metrograph.store import remote as remote_mod


@dataclass
class AppState:
    settings: dict[str, Any]
    release: folders.Release
    engine: Engine
    remote: remote_mod.RemoteStore | None = None
    #: why this process is not ready (None: ready)
    problem: str | None = None
    started: float = field(default_factory=time.time)
    _checked: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, settings: dict[str, Any]) -> AppState:
        var_dir = Path(settings["var_dir"])
        if settings["backend"] != "remote":
            release = folders.current_release(var_dir)
            return cls(settings, release, Engine(release, settings))
        remote = remote_mod.RemoteStore(settings["remote_query_url"],
                                        timeout=float(settings["query_timeout"]),
                                        max_bytes=int(settings["max_result_bytes"]))
        try:
            live = remote_mod.read_live(remote)
        except MetrographError as exc:
            raise StoreError(f"cannot read the remote store: {exc}") from None
        if live is None:
            raise StoreError(f"the store at {settings['remote_query_url']} holds no release: "
                             "run 'metrograph publish' first")
        release = folders.release_by_id(var_dir, live.release_id)
        remote.named_graphs = live.named_graphs
        return cls(settings, release, Engine(release, settings, remote), remote)

    def follow(self) -> None:
        """Remote backend: switch to the store's release if it changed (at most every
        ``release_poll`` seconds; one request checks, the others go on meanwhile)."""
        if self.remote is None:
            return
        now = time.monotonic()
        if now - self._checked < float(self.settings["release_poll"]):
            return
        if not self._lock.acquire(blocking=False):
            return
        try:
            self._checked = now
            self._follow()
        finally:
            self._lock.release()

    def _follow(self) -> None:
        assert self.remote is not None
        try:
            live = remote_mod.read_live(self.remote)
        except MetrographError as exc:
            self.problem = f"the store cannot be read: {exc}"
            return
        if live is None:
            self.problem = "the store holds no release"
            return
        if live.release_id != self.release.id:
            try:
                release = folders.release_by_id(Path(self.settings["var_dir"]), live.release_id)
            except StoreError as exc:
                self.problem = f"the store serves release {live.release_id}: {exc}"
                return
            self.remote.named_graphs = live.named_graphs
            self.release = release
            self.engine.release = release
        self.problem = None


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
