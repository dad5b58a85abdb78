"""Operations endpoints: liveness, readiness and metrics, for load balancers and monitoring.

* ``/healthz`` — 200 while the process answers at all (liveness).
* ``/readyz`` — 200 with the release id when this process can serve: its release is loaded,
  and with the remote backend the store answers and holds the release served here; 503 with
  the reason otherwise (a load balancer then sends traffic to other replicas).
* ``/metrics`` — Prometheus text format, per server process (each gunicorn worker counts its
  own requests; scrape through the same port and sum, or read them as samples).
"""

from __future__ import annotations

import ipaddress
import json
import os
import threading
from collections import Counter
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request

from metrograph.errors import Forbidden, NotFound

bp = Blueprint("ops", __name__)
_counts: Counter[tuple[str, int]] = Counter()
_counts_lock = threading.Lock()


def _state() -> Any:
    return current_app.extensions["metrograph"]


@bp.route("/healthz", methods=["GET", "HEAD"])
def healthz() -> Response:
    return _no_store(Response("ok\n", mimetype="text/plain"))


@bp.route("/readyz", methods=["GET", "HEAD"])
def readyz() -> Response:
    state = _state()
    problem = state.current_problem()
    body = {"ready": problem is None, "release": state.release.id,
            "backend": state.backend.name, "problem": problem}
    response = Response(json.dumps(body) + "\n", status=200 if problem is None else 503,
                        mimetype="application/json")
    if problem is not None:
        response.headers["Retry-After"] = "5"
    return _no_store(response)


@bp.route("/metrics", methods=["GET", "HEAD"])
def metrics() -> Response:
    state = _state()
    access = state.settings["metrics_access"]
    if access == "off":
        raise NotFound("metrics are switched off on this server (setting metrics_access)")
    if access == "local" and not _is_loopback(request.remote_addr):
        raise Forbidden("metrics are readable from this machine only (setting metrics_access)")
    lines = [
        "# HELP metrograph_release_info The release this process serves.",
        "# TYPE metrograph_release_info gauge",
        f'metrograph_release_info{{release="{state.release.id}",'
        f'backend="{state.backend.name}",pid="{os.getpid()}"}} 1',
        "# HELP metrograph_ready Whether this process can serve (see /readyz).",
        "# TYPE metrograph_ready gauge",
        f"metrograph_ready {int(state.problem is None)}",
        "# HELP metrograph_start_time_seconds When this process started (Unix time).",
        "# TYPE metrograph_start_time_seconds gauge",
        f"metrograph_start_time_seconds {state.started:.3f}",
        "# HELP metrograph_query_cache_entries Serialized results in this process's cache.",
        "# TYPE metrograph_query_cache_entries gauge",
        f"metrograph_query_cache_entries {state.engine.cache_size}",
        "# HELP metrograph_http_responses_total Responses of this process by method and "
        "status.",
        "# TYPE metrograph_http_responses_total counter",
    ]
    with _counts_lock:
        counted = sorted(_counts.items())
    lines += [f'metrograph_http_responses_total{{method="{method}",code="{code}"}} {n}'
              for (method, code), n in counted]
    return _no_store(Response("\n".join(lines) + "\n",
                              content_type="text/plain; version=0.0.4; charset=utf-8"))


def _is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address((address or "").split("%")[0]).is_loopback
    except ValueError:
        return False


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.before_request
    def _follow_release() -> None:
        _state().follow()

    @app.after_request
    def _count(response: Response) -> Response:
        count(_request_method(), response.status_code)
        return response


def count(method: str, status: int) -> None:
    """Count one response (web/memo.py counts those it answers before Flask)."""
    with _counts_lock:
        _counts[(method, status)] += 1


def _request_method() -> str:
    method = request.method
    return method if method in {"GET", "HEAD", "POST", "OPTIONS"} else "other"

