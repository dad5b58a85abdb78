"""The private Virtuoso of tests/virtuoso.py: loopback only, anonymous read-only, GSP and DROP work."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

GRAPH = "http://example.org/harness/g1"
NTRIPLES = "".join(
    f'<http://example.org/harness/s{i}> <http://example.org/harness/p> "D\\u00fcsseldorf {i}"@de .\n'
    for i in range(50)
).encode()


def request(opener: urllib.request.OpenerDirector, url: str, data: bytes | None = None,
            headers: dict[str, str] | None = None, method: str | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with opener.open(req, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def count(virtuoso: Any, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    url = virtuoso.query_url + "?" + urllib.parse.urlencode({"query": query})
    status, body = request(urllib.request.build_opener(), url,
                           headers={"Accept": "application/sparql-results+json"})
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def listening_addresses(pid: int) -> set[str]:
    """Local addresses (hex ip:port as in /proc/net/tcp*) of the LISTEN sockets of one process."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = fd.readlink().as_posix()
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A = LISTEN
                found.add(fields[1])
    return found


def test_binds_loopback_only(virtuoso: Any) -> None:
    addresses = listening_addresses(virtuoso.process.pid)
    ports = {int(address.split(":")[1], 16) for address in addresses}
    assert ports == {virtuoso.sql_port, virtuoso.http_port}
    assert all(address.split(":")[0] == "0100007F" for address in addresses), addresses


def test_anonymous_update_refused(virtuoso: Any) -> None:
    anonymous = urllib.request.build_opener()
    update = f'INSERT DATA {{ GRAPH <{GRAPH}-anon> {{ <http://example.org/s> <http://example.org/p> 1 }} }}'
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for url in (virtuoso.query_url, virtuoso.update_url):
        for field in ("query", "update"):
            status, _ = request(anonymous, url, urllib.parse.urlencode({field: update}).encode(),
                                form)
            assert status in (401, 403, 500), (url, field, status)
    status, _ = request(anonymous, f"{virtuoso.gsp_url}?graph={GRAPH}-anon", NTRIPLES,
                        {"Content-Type": "application/n-triples"}, "PUT")
    assert status == 401
    assert count(virtuoso, GRAPH + "-anon") == 0


def test_gsp_put_then_count_then_drop(virtuoso: Any) -> None:
    auth = virtuoso.auth_opener()
    target = f"{virtuoso.gsp_url}?{urllib.parse.urlencode({'graph': GRAPH})}"
    status, body = request(auth, target, NTRIPLES, {"Content-Type": "application/n-triples"}, "PUT")
    assert status in (200, 201, 204), body
    assert count(virtuoso, GRAPH) == 50
    status, body = request(auth, target, NTRIPLES[: NTRIPLES.index(b"\n") + 1],
                           {"Content-Type": "application/n-triples"}, "PUT")
    assert status in (200, 201, 204), body
    assert count(virtuoso, GRAPH) == 1  # PUT replaces the graph

    status, body = request(auth, virtuoso.update_url, f"DROP SILENT GRAPH <{GRAPH}>".encode(),
                           {"Content-Type": "application/sparql-update"})
    assert status == 200, body
    assert count(virtuoso, GRAPH) == 0


def test_gsp_delete(virtuoso: Any) -> None:
    auth = virtuoso.auth_opener()
    target = f"{virtuoso.gsp_url}?{urllib.parse.urlencode({'graph': GRAPH + '-del'})}"
    request(auth, target, NTRIPLES, {"Content-Type": "application/n-triples"}, "PUT")
    assert count(virtuoso, GRAPH + "-del") == 50
    status, body = request(auth, target, method="DELETE")
    assert status in (200, 204), body
    assert count(virtuoso, GRAPH + "-del") == 0


def test_isql(virtuoso: Any) -> None:
    assert "metrograph" in virtuoso.isql("SELECT U_NAME FROM DB.DBA.SYS_USERS;")
    with pytest.raises(RuntimeError):
        virtuoso.isql("SELECT no_such_column FROM DB.DBA.SYS_USERS;")
