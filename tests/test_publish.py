"""`metrograph publish` against a real Virtuoso: stage, verify, switch, follow, roll back.

Uses the small release of ``sparql_fixtures`` and a second release derived from it (only graph
A), each published into a private Virtuoso of this module's own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sparql_fixtures
from releases import derive_release
from servers import ROOT, start_server
from sparql_fixtures import BASE, GRAPH_A, GRAPH_B, ITEMS, TEST_LIMITS

from metrograph import config
from metrograph.errors import StoreError
from metrograph.release import folders
from metrograph.store import publish, remote, virtuoso_sql

SELECT_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def instance() -> Iterator[Any]:
    import virtuoso as harness

    with harness.private_instance() as running:
        yield running


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("publish-var")
    sparql_fixtures.make_release(folder)
    return folder


@pytest.fixture(scope="module")
def settings(instance: Any, var_dir: Path) -> dict[str, Any]:
    return config.load({"var_dir": str(var_dir), "base_iri": BASE, **TEST_LIMITS,
                        **instance.remote_settings(), "release_poll": 0.2}, environ={})


@pytest.fixture(scope="module")
def first(var_dir: Path) -> folders.Release:
    return folders.current_release(var_dir)


@pytest.fixture(scope="module")
def second(var_dir: Path, first: folders.Release) -> folders.Release:
    return derive_release(var_dir, first, keep={GRAPH_A})


def reader(settings: dict[str, Any]) -> remote.RemoteStore:
    return remote.RemoteStore(settings["remote_query_url"], timeout=30)


def live_count(settings: dict[str, Any]) -> int:
    rows = reader(settings)._results(SELECT_COUNT, ((remote.DEFAULT_GRAPH,), ()))
    return int(next(iter(rows))["n"].value)


def live_id(settings: dict[str, Any]) -> str | None:
    live = remote.read_live(reader(settings))
    return live.release_id if live else None


def test_publish_makes_the_release_live_with_every_graph(settings, first):
    message = publish.publish(settings, first, progress=lambda m: None)
    assert first.id in message
    live = remote.read_live(reader(settings))
    assert live is not None and live.release_id == first.id
    assert live.named_graphs == (GRAPH_A, GRAPH_B)
    admin = publish.Admin(settings)
    expected = publish.release_graphs(first)
    assert admin.count(list(expected)) == expected
    assert live_count(settings) == 2 * ITEMS + 4
    again = publish.publish(settings, first, progress=lambda m: None)
    assert "already live" in again


def test_incomplete_staging_is_refused_and_readers_stay(settings, first, second):
    publish.publish(settings, first, progress=lambda m: None)
    admin = publish.Admin(settings)
    counts = publish._stage(admin, second, progress=lambda m: None)
    staged = remote.staging_graph(second.id, GRAPH_A)
    admin.update(f"DELETE WHERE {{ GRAPH <{staged}> {{ <{BASE}id/test/item0> ?p ?o }} }}",
                 "damaging the staging graph")
    with pytest.raises(StoreError, match="does not hold the staged release completely"):
        publish._verify(admin, second.id, counts)
    assert live_id(settings) == first.id
    assert live_count(settings) == 2 * ITEMS + 4


def test_publish_killed_halfway_leaves_readers_on_the_old_release(settings, first, second):
    """A publish process SIGKILLed while it uploads: the store still serves the old release,
    completely; running publish again finishes the job."""
    publish.publish(settings, first, progress=lambda m: None)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.update({f"METROGRAPH_{k.upper()}": str(v) for k, v in settings.items()})
    env["METROGRAPH_PUBLISH_CHUNK_BYTES"] = "2048"  # many small uploads: a window to kill in
    process = subprocess.Popen(
        [sys.executable, "-m", "metrograph.cli", "publish", "--release", second.id],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    admin = publish.Admin(settings)
    staged = remote.staging_graph(second.id, GRAPH_A)
    deadline = time.monotonic() + 60
    while admin.count([staged])[staged] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.kill()
    process.wait(10)
    assert 0 < admin.count([staged])[staged] < publish.release_graphs(second)[GRAPH_A]
    assert live_id(settings) == first.id
    assert live_count(settings) == 2 * ITEMS + 4
    assert publish.publish(settings, second, progress=lambda m: None).startswith(
        f"release {second.id} is live")
    assert live_id(settings) == second.id
    assert live_count(settings) == 2 * ITEMS


def test_rollback_returns_to_the_previous_release(settings, first, second):
    publish.publish(settings, first, progress=lambda m: None)
    publish.publish(settings, second, progress=lambda m: None)
    live = remote.read_live(reader(settings))
    assert live is not None and (live.release_id, live.previous_id) == (second.id, first.id)
    assert live.named_graphs == (GRAPH_A,)
    message = publish.rollback(settings, progress=lambda m: None)
    assert "rolled back" in message
    live = remote.read_live(reader(settings))
    assert live is not None and live.release_id == first.id
    assert live.named_graphs == (GRAPH_A, GRAPH_B)
    assert live_count(settings) == 2 * ITEMS + 4


def test_bulk_load_stages_through_the_shared_directory(settings, instance, first, second):
    """With a load directory Virtuoso reads too, its bulk loader stages the release: leftovers
    of an interrupted earlier attempt are cleared first, every graph is verified, the file is
    removed afterwards."""
    publish.publish(settings, first, progress=lambda m: None)
    leftover = remote.staging_graph(second.id, GRAPH_A)
    admin = publish.Admin(settings)
    admin.update(f"INSERT DATA {{ GRAPH <{leftover}> {{ <{BASE}x> <{BASE}y> <{BASE}z> }} }}",
                 "leaving a half-staged graph behind")
    bulk = {**settings, "remote_load_dir": str(instance.load_dir)}
    messages: list[str] = []
    publish.publish(bulk, second, progress=messages.append)
    assert live_id(settings) == second.id
    expected = publish.release_graphs(second)
    assert admin.count([remote.staging_graph(second.id, g) for g in expected]) == {
        remote.staging_graph(second.id, g): n for g, n in expected.items()}
    assert any(m.startswith(f"staged {sum(expected.values())} triples") for m in messages)
    assert list(instance.load_dir.iterdir()) == []
    # the live graphs answer as after an upload
    assert live_count(settings) == expected[remote.DEFAULT_GRAPH]


def test_bulk_load_failing_leaves_readers_on_the_live_release(settings, instance, first):
    publish.publish(settings, first, progress=lambda m: None)
    derived = derive_release(settings["var_dir"], first, keep={GRAPH_B})
    refused = {**settings, "remote_load_dir": str(instance.load_dir),
               "remote_isql_password": "wrong"}
    with pytest.raises(StoreError, match="bulk-loading the release failed"):
        publish.publish(refused, derived, progress=lambda m: None)
    assert live_id(settings) == first.id
    assert list(instance.load_dir.iterdir()) == []


def test_a_file_the_bulk_loader_refuses_is_reported(settings, instance):
    broken = instance.load_dir / "broken.nq"
    broken.write_text(f'<{BASE}s> <{BASE}p> "unterminated <{BASE}g> .\n')
    try:
        output = publish.Admin(settings).isql(virtuoso_sql.bulk_load_sql(broken, BASE + "g"),
                                              "loading a broken file")
    finally:
        broken.unlink()
    assert "Unterminated" in virtuoso_sql.load_error(output)
    assert virtuoso_sql.load_error("") == ""


def test_bulk_load_settings_are_checked(settings, tmp_path):
    from metrograph.errors import ConfigError

    with pytest.raises(ConfigError, match="needs METROGRAPH_REMOTE_ISQL"):
        publish.Admin({**settings, "remote_isql": "", "remote_load_dir": str(tmp_path)})
    with pytest.raises(ConfigError, match="is not a directory"):
        publish.Admin({**settings, "remote_load_dir": str(tmp_path / "missing")})


def test_a_third_publish_drops_the_first_releases_staging_graphs(settings, first, second):
    """Only the live and the previous release keep staging graphs; the one before is dropped
    by name (listing the store's graphs reads all of it)."""
    third = derive_release(settings["var_dir"], first, keep={GRAPH_B})
    admin = publish.Admin(settings)
    for release in (first, second, third):
        publish.publish(settings, release, progress=lambda m: None)
    first_staged = [remote.staging_graph(first.id, g) for g in (GRAPH_A, GRAPH_B)]
    assert set(admin.count(first_staged).values()) == {0}
    second_staged = remote.staging_graph(second.id, GRAPH_A)
    assert admin.count([second_staged])[second_staged] > 0
    assert live_id(settings) == third.id


def test_cli_publish_without_a_store_says_what_to_set(var_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith("METROGRAPH_")}
    env.update({"PYTHONPATH": str(ROOT), "METROGRAPH_VAR_DIR": str(var_dir)})
    result = subprocess.run([sys.executable, "-m", "metrograph.cli", "publish"], env=env,
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "METROGRAPH_REMOTE_QUERY_URL" in result.stderr
    assert "Traceback" not in result.stderr


def _get_json(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _select_count(url: str) -> int:
    request = urllib.request.Request(
        url + "/sparql?" + urllib.parse.urlencode({"query": SELECT_COUNT}),
        headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(json.loads(response.read())["results"]["bindings"][0]["n"]["value"])


def _wait_for(predicate: Any, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_two_app_processes_share_one_store_and_follow_a_publish(settings, first, second):
    """Two servers (stateless replicas) on different ports, one store: same answers; after a
    publish both serve the new release, after a roll-back both the old one."""
    publish.publish(settings, first, progress=lambda m: None)
    overrides = {k: settings[k] for k in ("base_iri", *TEST_LIMITS, "backend", "release_poll",
                                          "remote_query_url")}
    overrides["workers"] = 1
    servers = [start_server(Path(settings["var_dir"]), overrides) for _ in range(2)]
    try:
        urls = [url for url, _stop in servers]
        assert [_select_count(url) for url in urls] == [2 * ITEMS + 4] * 2
        for url in urls:
            status, body = _get_json(url + "/readyz")
            assert status == 200 and body["release"] == first.id and body["backend"] == "remote"
        publish.publish(settings, second, progress=lambda m: None)
        for url in urls:
            assert _wait_for(lambda u=url: _get_json(u + "/readyz")[1]["release"] == second.id)
            assert _select_count(url) == 2 * ITEMS
        publish.rollback(settings, progress=lambda m: None)
        for url in urls:
            assert _wait_for(lambda u=url: _get_json(u + "/readyz")[1]["release"] == first.id)
            assert _select_count(url) == 2 * ITEMS + 4
        with urllib.request.urlopen(urls[0] + "/metrics", timeout=30) as response:
            text = response.read().decode()
        assert f'metrograph_release_info{{release="{first.id}",backend="remote"' in text
        assert "metrograph_http_responses_total" in text
    finally:
        for _url, stop in servers:
            stop()


def test_serve_on_an_unreachable_store_fails_clearly(var_dir):
    from servers import free_port

    env = {k: v for k, v in os.environ.items() if not k.startswith("METROGRAPH_")}
    env.update({"PYTHONPATH": str(ROOT), "METROGRAPH_VAR_DIR": str(var_dir),
                "METROGRAPH_BACKEND": "remote",
                "METROGRAPH_REMOTE_QUERY_URL": f"http://127.0.0.1:{free_port()}/sparql"})
    result = subprocess.run([sys.executable, "-m", "metrograph.cli", "serve"], env=env,
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "cannot read the remote store" in result.stderr and "unreachable" in result.stderr
    assert "Traceback" not in result.stderr
