"""The build: deterministic releases, atomic swap, and a failed build never harms the served one.

These tests build a copy of the repository's curated inputs (ontology, shapes, seed statements,
memberships; not the bulk reference tables) so that each extra build takes seconds.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from metrograph import config
from metrograph.build import pipeline
from metrograph.errors import DataError, StoreError, ValidationFailed
from metrograph.release import folders

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the curated inputs, free to break."""
    dest = tmp_path / "project"
    for folder in ("ontology", "shapes", "queries", "data/statements"):
        shutil.copytree(ROOT / folder, dest / folder)
    for name in ("data/catalog.ttl", "data/vocabulary.ttl", "data/derived.ttl",
                 "data/tables/memberships.csv"):
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, dest / name)
    for query in (dest / "queries").glob("*.rq"):
        if not query.name.startswith(("0", "1")):  # reference queries need the bulk tables
            query.unlink()
    return dest


def settings_for(project: Path, var_dir: Path) -> dict[str, Any]:
    return config.load({"project_dir": str(project), "var_dir": str(var_dir)}, environ={})


def quiet(_: str) -> None:
    pass


def answers(release: folders.Release) -> int:
    db = folders.open_read_only(release)
    return len(list(db.query("SELECT * { ?s a ?t }")))


def test_same_inputs_give_the_same_release_id(project: Path, tmp_path: Path) -> None:
    first = pipeline.build(settings_for(project, tmp_path / "a"), quiet)
    second = pipeline.build(settings_for(project, tmp_path / "b"), quiet)
    assert first.id == second.id
    assert first.meta["counts"] == second.meta["counts"]


def test_rebuild_of_the_same_data_adds_missing_build_products(project: Path, tmp_path: Path) -> None:
    settings = settings_for(project, tmp_path / "var")
    first = pipeline.build(settings, quiet)
    (first.path / "shacl-report.ttl").unlink()  # as if built by a version without this file
    again = pipeline.build(settings, quiet)
    assert again.id == first.id and again.path == first.path
    assert (again.path / "shacl-report.ttl").exists()


def test_changed_input_gives_a_new_release_and_switches_current(project: Path, tmp_path: Path) -> None:
    settings = settings_for(project, tmp_path / "var")
    first = pipeline.build(settings, quiet)
    with (project / "data/tables/memberships.csv").open("a", encoding="utf-8") as f:
        f.write("network:metrex,region:nordwest,role:member,2010,,ikm-ueber-ikm,test line,"
                "The Network of European Metropolitan Regions and Areas (METREX)\n")
    second = pipeline.build(settings, quiet)
    assert second.id != first.id
    assert folders.current_release(tmp_path / "var").id == second.id


def _assert_previous_release_still_served(var_dir: Path, expected: folders.Release) -> None:
    current = folders.current_release(var_dir)
    assert current.id == expected.id
    assert answers(current) == answers(expected) > 100
    assert not list((var_dir / "releases").glob(".tmp-*")), "staging folder left behind"


def test_turtle_syntax_error_keeps_previous_store(project: Path, tmp_path: Path) -> None:
    settings = settings_for(project, tmp_path / "var")
    good = pipeline.build(settings, quiet)
    broken = project / "data/statements/ikm-ueber-ikm.ttl"
    broken.write_text(broken.read_text(encoding="utf-8") + "\nnetwork:ikm rdfs:label \"open\n")
    with pytest.raises(DataError, match=r"ikm-ueber-ikm\.ttl"):
        pipeline.build(settings, quiet)
    _assert_previous_release_still_served(tmp_path / "var", good)


def test_shacl_violation_keeps_previous_store_and_writes_report(project: Path, tmp_path: Path) -> None:
    settings = settings_for(project, tmp_path / "var")
    good = pipeline.build(settings, quiet)
    # (a graph of the project's own: in a seed graph the evidence check would refuse it first)
    broken = project / "data/vocabulary.ttl"
    broken.write_text(broken.read_text(encoding="utf-8")
                      + "\n<id/region/unnamed> a mg:MetropolitanRegion .\n")
    with pytest.raises(ValidationFailed) as failure:
        pipeline.build(settings, quiet)
    assert "region/unnamed" in str(failure.value) and "rdfs:label" in str(failure.value)
    report = tmp_path / "var/reports/last-failed-shacl-report.ttl"
    assert report.exists() and "ValidationReport" in report.read_text()
    _assert_previous_release_still_served(tmp_path / "var", good)


def test_bad_table_row_names_file_and_line(project: Path, tmp_path: Path) -> None:
    table = project / "data/tables/memberships.csv"
    with table.open("a", encoding="utf-8") as f:
        f.write("network:ikm,region:ruhr,,,,ikm-ueber-ikm,\n")
    lines = table.read_text(encoding="utf-8").count("\n")
    with pytest.raises(DataError, match=rf"memberships.csv:{lines}: missing value\(s\) for role"):
        pipeline.build(settings_for(project, tmp_path / "var"), quiet)


def test_undescribed_source_is_refused(project: Path, tmp_path: Path) -> None:
    (project / "data/statements/nowhere.ttl").write_text(
        "@prefix region: <id/region/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "region:hbgw rdfs:label \"x\"@de .\n")
    with pytest.raises(DataError, match="nowhere"):
        pipeline.build(settings_for(project, tmp_path / "var"), quiet)


def test_no_release_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="metrograph build"):
        folders.current_release(tmp_path / "empty")


def test_corrupt_release_is_a_clear_error(project: Path, tmp_path: Path) -> None:
    release = pipeline.build(settings_for(project, tmp_path / "var"), quiet)
    (release.path / folders.META_FILENAME).write_text("{not json")
    with pytest.raises(StoreError, match="corrupt"):
        folders.current_release(tmp_path / "var")


def test_killed_build_leaves_previous_release_servable(project: Path, tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    good = pipeline.build(settings_for(project, var_dir), quiet)
    with (project / "data/tables/memberships.csv").open("a", encoding="utf-8") as f:
        f.write("network:metrex,region:ruhr,role:member,,,ikm-ueber-ikm,changed,"
                "The Network of European Metropolitan Regions and Areas (METREX)\n")
    env = {**os.environ, "METROGRAPH_PROJECT_DIR": str(project), "METROGRAPH_VAR_DIR": str(var_dir)}
    for delay in (0.5, 1.5, 3.0):
        proc = subprocess.Popen([sys.executable, "-m", "metrograph.cli", "build"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        current = folders.current_release(var_dir)
        folders.verify(current)  # whole and readable, whichever it is
        if current.id == good.id:
            assert answers(current) == answers(good)
        else:  # a new release only once it is complete: it holds the changed membership
            db = folders.open_read_only(current)
            assert db.query("ASK { ?m <http://www.w3.org/ns/org#organization> ?n ; "
                            "<http://www.w3.org/2000/01/rdf-schema#comment> 'changed'@de }")


def test_cli_build_prints_counts_and_fails_readably(project: Path, tmp_path: Path) -> None:
    env = {**os.environ, "METROGRAPH_PROJECT_DIR": str(project),
           "METROGRAPH_VAR_DIR": str(tmp_path / "var")}
    ok = subprocess.run([sys.executable, "-m", "metrograph.cli", "build"], env=env,
                        capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    assert "graphs:" in ok.stdout and "ontology#MetropolitanRegion" in ok.stdout
    assert "/graph/ikm-ueber-ikm" in ok.stdout
    # a catalogue query by name runs as the site runs it (its #include fragment expanded)
    asked = subprocess.run([sys.executable, "-m", "metrograph.cli", "query",
                            "06-hbgw-gmbh-shareholders"], env=env, capture_output=True, text=True,
                           check=False)
    assert asked.returncode == 0, asked.stderr
    assert len(asked.stdout.strip().splitlines()) == 1 + 8, asked.stdout
    broken = project / "data/vocabulary.ttl"
    broken.write_text(broken.read_text(encoding="utf-8") + "\n<id/region/x> a mg:MetropolitanRegion .\n")
    bad = subprocess.run([sys.executable, "-m", "metrograph.cli", "build"], env=env,
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert "SHACL validation failed" in bad.stderr and "Traceback" not in bad.stderr
    checked = subprocess.run([sys.executable, "-m", "metrograph.cli", "validate"], env=env,
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 1 and "region/x" in checked.stdout


BAD_OBSERVATION = """
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> .
@prefix sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<id/statistics/test> a qb:DataSet ; rdfs:label "Test"@de ; qb:structure <id/statistics/test#structure> .
<id/statistics/test#structure> a qb:DataStructureDefinition ; rdfs:label "Test"@de .
<id/indicator/test> a qb:MeasureProperty ; rdfs:label "Test"@de , "test"@en .
<id/observation/test> a qb:Observation ; qb:dataSet <id/statistics/test> ;
    sdmx-dimension:refArea <id/kreis/99999> ; sdmx-dimension:refPeriod "2021"^^xsd:gYear ;
    qb:measureType <id/indicator/test> ; <id/indicator/test> 1.5 , 2.5 .
"""


def test_shacl_refuses_two_values_an_unknown_area_and_an_indicator_without_unit(
        project: Path, tmp_path: Path) -> None:
    vocabulary = project / "data/vocabulary.ttl"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8") + BAD_OBSERVATION, encoding="utf-8")
    with pytest.raises(ValidationFailed) as failure:
        pipeline.build(settings_for(project, tmp_path / "var"), quiet)
    text = str(failure.value)
    assert "exactly one value of its indicator" in text
    assert "area is not described" in text
    assert "an indicator names its unit" in text


def test_a_second_value_for_the_same_observation_names_its_line(tmp_path: Path) -> None:
    from metrograph.build.inputs import Table
    from metrograph.build.statistics import cube

    path = tmp_path / "observations-regio-82411.csv"
    path.write_text("area,measure,period,value\nkreis:01001,verfuegbares_einkommen,2021,1\n"
                    "kreis:01001,verfuegbares_einkommen,2021,2\n", encoding="utf-8")
    table = Table("reference/statistics/observations-regio-82411", path)
    with pytest.raises(DataError, match=r"observations-regio-82411.csv:3: a second value .* line 2"):
        list(cube.observations(table, "https://example.org/", "regio-82411"))
