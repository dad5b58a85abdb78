"""``query_store = disk``: query processes read the release's on-disk store instead of a copy
in memory, with the same answers (real build, real pyoxigraph, real query processes)."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_OVERRIDES

from metrograph import config
from metrograph.errors import ConfigError, StoreError
from metrograph.release import folders
from metrograph.sparql.process_template import Template

COUNT = ("PREFIX mg: <{base}ontology#> SELECT (COUNT(DISTINCT ?g) AS ?n) "
         "WHERE {{ ?g a mg:Municipality ; mg:inDistrict ?k }}")


@pytest.fixture(scope="module")
def disk_app(settings: dict[str, Any], release: folders.Release):
    from metrograph.web import create_app

    overrides = {k: settings[k] for k in ("var_dir", "project_dir", *TEST_OVERRIDES)}
    app = create_app({**overrides, "query_store": "disk"})
    yield app
    app.extensions["metrograph"].engine.close()


def _open_files(pid: int) -> set[str]:
    fd_dir = Path(f"/proc/{pid}/fd")
    found = set()
    for fd in fd_dir.iterdir():
        with contextlib.suppress(OSError):
            found.add(os.readlink(fd))
    return found


def test_disk_store_gives_the_same_answers(disk_app, release: folders.Release, select,
                                           base: str) -> None:
    expected = select("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { ?g a mg:Municipality ; "
                      "mg:inDistrict ?k }")[0]["n"]
    with disk_app.test_client() as client:
        response = client.get("/sparql", query_string={"query": COUNT.format(base=base)},
                              headers={"Accept": "application/sparql-results+json"})
        assert response.status_code == 200
        rows = json.loads(response.data)["results"]["bindings"]
        assert rows[0]["n"]["value"] == expected
        page = client.get("/id/gemeinde/03358021", headers={"Accept": "text/turtle"})
        assert page.status_code == 200 and b"03358021" in page.data


def test_disk_query_processes_read_the_store(disk_app, release: folders.Release) -> None:
    pool = disk_app.extensions["metrograph"].engine.runner._get_pool()
    with pool._lock:
        workers = [w.process.pid for w in pool.workers]
    assert workers
    store_dir = str(release.store_path.resolve())
    for pid in workers:
        assert any(path.startswith(store_dir) for path in _open_files(pid)), pid


def test_query_store_is_a_setting_with_memory_as_default() -> None:
    assert config.load(environ={})["query_store"] == "memory"
    assert config.load(environ={"METROGRAPH_QUERY_STORE": "disk"})["query_store"] == "disk"


def test_unknown_query_store_is_refused(release: folders.Release) -> None:
    with pytest.raises(ConfigError, match="query_store"):
        Template(release, {}, "tape")


def test_verify_with_disk_loads_nothing_into_memory(release: folders.Release, tmp_path) -> None:
    """A garbage dump fails the memory check (it is loaded) and passes the disk one (it is not)."""
    copy = tmp_path / release.path.name
    copy.mkdir()
    (copy / release.store_path.name).symlink_to(release.store_path.resolve())
    (copy / folders.DUMP_FILENAME).write_text("this is not N-Quads\n")
    damaged = folders.Release(copy, release.meta)
    folders.verify(damaged, "disk")  # opens and reads the store only
    with pytest.raises(StoreError, match=folders.DUMP_FILENAME):
        folders.verify(damaged, "memory")
