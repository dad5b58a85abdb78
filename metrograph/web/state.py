"""Per-process state of the web app: settings, the release being served, the query engine."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metrograph import store
from metrograph.engine import Engine


@dataclass
class AppState:
    settings: dict[str, Any]
    release: store.Release
    engine: Engine

    @classmethod
    def open(cls, settings: dict[str, Any]) -> AppState:
        release = store.current_release(Path(settings["var_dir"]))
        return cls(settings, release, Engine(release, settings))


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
