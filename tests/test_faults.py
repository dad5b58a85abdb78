"""Faults: a server killed mid-request, broken releases at start-up, timeouts, orphans.

* ``metrograph serve`` on a release that is corrupt or incomplete (release.json truncated or
  empty, store folder missing or garbage, release.nq garbage) exits with status 2 and one clear
  line, never a traceback, and never starts a server that cannot answer.
* A server killed with SIGKILL while it answers (every process of it, or only gunicorn, leaving
  its query processes orphaned) loses nothing: restarted on the same folder it serves the same
  release with the same answers, and no orphaned query process keeps running.
* A query stopped at the time limit gets 503 with ``Retry-After`` and the next query is
  answered (its killed worker was replaced).

These use the small release of ``sparql_fixtures`` so that each server starts in seconds.
A build killed at any point is covered by ``test_build.py``.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sparql_fixtures import BASE, make_release

from metrograph import local_server
from metrograph.release import folders

pytestmark = pytest.mark.server
ROOT = Path(__file__).resolve().parent.parent
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIMITS = {"query_timeout": 2.0, "query_workers": 2, "workers": 2, "base_iri": BASE}


def get(port: int, path: str, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def q(query: str) -> str:
    from urllib.parse import quote
    return "/sparql?query=" + quote(query, safe="")


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as fh:
                    kids = [int(c) for c in fh.read().split()]
                out += kids
                todo += kids
        except OSError:
            pass
    return out


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Served:
    """``metrograph serve``'s gunicorn on a free port, over ``var_dir``."""

    def __init__(self, var_dir: Path) -> None:
        try:
            server = local_server.start(var_dir, LIMITS, probe="/sparql?query=ASK%7B%7D",
                                        timeout=60)
        except RuntimeError as exc:
            pytest.fail(str(exc))
        self.server = server
        self.port, self.process, self.log_path, self.log = (server.port, server.process,
                                                            server.log_path, server.log)
        # both gunicorn workers and their query processes are up once each answered a query
        deadline = time.monotonic() + 30
        while len(self.query_processes()) < 4 and time.monotonic() < deadline:
            time.sleep(0.2)

    def gunicorn(self) -> list[int]:
        return [self.process.pid, *descendants_direct(self.process.pid)]

    def query_processes(self) -> list[int]:
        direct = set(descendants_direct(self.process.pid))
        return [p for p in descendants(self.process.pid) if p not in direct]

    def stop(self) -> None:
        self.server.stop()


def descendants_direct(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return out


@pytest.fixture
def var_dir(tmp_path: Path) -> Path:
    make_release(tmp_path)
    return tmp_path


def snapshot(var_dir: Path) -> dict[str, object]:
    current = (var_dir / "current").resolve()
    return {"current": current.name,
            "meta": (current / folders.META_FILENAME).read_bytes(),
            "files": sorted(str(p.relative_to(current)) for p in current.rglob("*"))}


ANSWERS = (
    q("SELECT ?s ?label WHERE { ?s rdfs:label ?label FILTER isIRI(?s) } ORDER BY ?s LIMIT 20"),
    q("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
)


def answers(port: int) -> list[bytes]:
    out = []
    for path in ANSWERS:
        status, _, body = get(port, path)
        assert status == 200, body
        out.append(body)
    return out


def kill_mid_request(served: Served, pids: list[int]) -> None:
    """Start a long query, then SIGKILL ``pids`` while it runs; the client sees the failure."""
    outcome: dict[str, object] = {}

    def client() -> None:
        try:
            outcome["status"] = get(served.port, q(CARTESIAN + " # mid-request"), timeout=30)[0]
        except (OSError, http.client.HTTPException) as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=client)
    thread.start()
    time.sleep(0.7)  # the query is being evaluated now
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    thread.join(30)
    assert not thread.is_alive(), "the client hung on a killed server"
    assert "error" in outcome or outcome.get("status") in {502, 503}, outcome
    served.process.wait(10)
    served.log.close()


def test_server_killed_mid_request_restarts_with_the_same_release_and_answers(var_dir: Path):
    served = Served(var_dir)
    before, files = answers(served.port), snapshot(var_dir)
    everything = [served.process.pid, *descendants(served.process.pid)]
    kill_mid_request(served, everything)
    assert snapshot(var_dir) == files
    again = Served(var_dir)
    try:
        assert answers(again.port) == before
    finally:
        again.stop()


def test_query_processes_do_not_outlive_a_killed_server(var_dir: Path):
    """gunicorn killed with SIGKILL (OOM killer, operator): its query processes must exit too,
    even one still evaluating a long query, rather than burn a core as orphans."""
    served = Served(var_dir)
    workers = served.query_processes()
    assert len(workers) >= 2
    try:
        kill_mid_request(served, served.gunicorn())
        deadline = time.monotonic() + 15
        while any(running(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [p for p in workers if running(p)], "orphaned query processes keep running"
    finally:
        for pid in workers:
            if running(pid):
                os.kill(pid, signal.SIGKILL)


def test_timeout_answers_503_and_the_replaced_worker_answers_next(var_dir: Path):
    served = Served(var_dir)
    try:
        before = set(served.query_processes())
        status, headers, body = get(served.port, q(CARTESIAN))
        assert status == 503, body
        assert int(headers["Retry-After"]) >= 1
        for _ in range(6):  # both gunicorn workers, both query processes each
            assert get(served.port, q("SELECT * WHERE { ?s ?p ?o } LIMIT 3 # next"))[0] == 200
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = set(served.query_processes())
            if len(now) >= 4 and now != before:
                break
            time.sleep(0.2)
        assert len(now) >= 4 and now != before  # one was killed and replaced
    finally:
        served.stop()


# --- broken releases at start-up -------------------------------------------------------------

def _truncate_meta(release: Path) -> None:
    meta = release / folders.META_FILENAME
    meta.write_bytes(meta.read_bytes()[:10])


def _empty_meta(release: Path) -> None:
    (release / folders.META_FILENAME).write_bytes(b"")


def _delete_store(release: Path) -> None:
    shutil.rmtree(release / folders.STORE_DIRNAME)


def _garbage_store(release: Path) -> None:
    for path in (release / folders.STORE_DIRNAME).iterdir():
        if path.is_file():
            path.write_bytes(b"\x00garbage\xff" * 10)


def _garbage_dump(release: Path) -> None:
    (release / folders.DUMP_FILENAME).write_bytes(b"<a> <b> garbage .\n\x00\xff\n")


@pytest.mark.parametrize("damage", [_truncate_meta, _empty_meta, _delete_store, _garbage_store,
                                    _garbage_dump], ids=lambda f: f.__name__.strip("_"))
def test_serve_on_a_broken_release_fails_with_one_clear_line(var_dir: Path, damage):
    damage((var_dir / "current").resolve())
    env = {**os.environ, "PYTHONPATH": str(ROOT), "METROGRAPH_BASE_IRI": BASE}
    proc = subprocess.run(
        [sys.executable, "-m", "metrograph.cli", "--var-dir", str(var_dir), "serve",
         "--port", str(local_server.free_port())], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("metrograph: "), proc.stderr
    assert "release" in lines[0], lines[0]
