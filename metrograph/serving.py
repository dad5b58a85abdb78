"""Production serving: gunicorn with several worker processes sharing one read-only release.

Each gunicorn worker (``workers``) creates the app after the fork (no ``preload_app``), so it
opens the release itself and owns its query engine: ``query_workers`` spawned evaluation
processes, each with an in-memory copy of the store. Workers are threaded (``gthread``) so one
slow query does not block the other requests of the same process; the engine's own slots and
queue (``query_workers`` + ``query_queue``) bound how many queries actually run or wait.
"""

from __future__ import annotations

import math
import os
import sys
from typing import Any


def _warm(worker: Any) -> None:
    """gunicorn ``post_worker_init``: start the query processes before the first request."""
    app = getattr(worker, "wsgi", None)
    state = getattr(app, "extensions", {}).get("metrograph")
    if state is not None:
        state.engine.warm()


def _close(server: Any, worker: Any) -> None:
    """gunicorn ``worker_exit``: stop this worker's query processes with it, then leave at once.

    Tearing the interpreter down with the stores still open crashed the worker (gunicorn
    logged ``was sent SIGSEGV!`` on every shutdown): nothing is left to flush, so skip it."""
    app = getattr(worker, "wsgi", None)
    state = getattr(app, "extensions", {}).get("metrograph")
    if state is not None:  # booted (a boot error keeps its exit code for the arbiter)
        state.engine.close()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        os._exit(0)


def allow_long_lines(limit: int) -> None:
    """Let gunicorn accept request lines up to ``limit`` bytes: it caps the setting at
    ``MAX_REQUEST_LINE`` (8190), and treats 0 as unbounded (read in quadratic time)."""
    from gunicorn.http import message

    message.MAX_REQUEST_LINE = max(message.MAX_REQUEST_LINE, limit)


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
        # a bounded request line (414 above it; gunicorn reads at most this much), above
        # gunicorn's own ceiling of 8190 so that long GET queries still fit (allow_long_lines)
        "limit_request_line": int(settings["max_request_line"]),
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
        "post_worker_init": _warm,
        "worker_exit": _close,
        "accesslog": "-",
    }


def run(settings: dict[str, Any]) -> int:
    from gunicorn.app.base import BaseApplication

    options = gunicorn_options(settings)
    allow_long_lines(options["limit_request_line"])
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
