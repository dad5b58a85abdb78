"""Per-process state of the web app: settings, the release being served, the query engine."""

from __future__ import annotations

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
