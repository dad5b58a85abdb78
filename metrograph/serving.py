"""Production serving: gunicorn with several worker processes sharing one read-only release.

Each gunicorn worker (``workers``) creates the app after the fork (no ``preload_app``), so it
opens the release itself and owns its query engine: ``query_workers`` spawned evaluation
processes, each with an in-memory copy of the store. Workers are threaded (``gthread``) so one
slow query does not block the other requests of the same process; the engine's own slots and
queue (``query_workers`` + ``query_queue``) bound how many queries actually run or wait.
"""

from __future__ import annotations

import math
from typing import Any


def _warm(worker: Any) -> None:
    """gunicorn ``post_worker_init``: start the query processes before the first request."""
    app = getattr(worker, "wsgi", None)
    state = getattr(app, "extensions", {}).get("metrograph")
    if state is not None:
        state.engine.warm()


def _close(server: Any, worker: Any) -> None:
    """gunicorn ``worker_exit``: stop this worker's query processes with it."""
    app = getattr(worker, "wsgi", None)
    state = getattr(app, "extensions", {}).get("metrograph")
    if state is not None:
        state.engine.close()


def gunicorn_options(settings: dict[str, Any]) -> dict[str, Any]:
    """gunicorn settings for ``metrograph serve`` (also usable as a ``gunicorn.conf.py``)."""
    # enough HTTP threads that queries can queue in the engine and other pages stay responsive
    threads = int(settings["query_workers"]) + int(settings["query_queue"]) + 4
    return {
        "bind": f"{settings['host']}:{settings['port']}",
        "workers": int(settings["workers"]),
        "worker_class": "gthread",
        "threads": threads,
        # a request never legitimately outlives the query time limit by much
        "timeout": math.ceil(float(settings["query_timeout"])) + 30,
        "graceful_timeout": 10,
        "preload_app": False,  # open stores after fork
        # GET queries may be as long as max_query_bytes (percent-encoded up to 3x); the size
        # limit is ours (413), not gunicorn's default 4094-byte request line (an HTML 414).
        "limit_request_line": 0,
        "post_worker_init": _warm,
        "worker_exit": _close,
        "accesslog": "-",
    }


def run(settings: dict[str, Any]) -> int:
    from gunicorn.app.base import BaseApplication

    options = gunicorn_options(settings)
    overrides = {k: settings[k] for k in settings}

    class _App(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):  # type: ignore[no-untyped-def]
            from metrograph.web import create_app
            return create_app(overrides)

    _App().run()
    return 0
