"""The query engine: time limit with kill and replace, overload, caps, cache, dataset, safety."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest
from sparql_fixtures import GRAPH_A, GRAPH_B, ITEMS, make_release, make_settings

from metrograph.errors import BadRequest, NotAcceptable, PayloadTooLarge, ServiceUnavailable
from metrograph.sparql import protocol
from metrograph.sparql.engine import Engine

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TOTAL = 2 * ITEMS + 4


def count(result) -> int:
    return int(json.loads(result.body)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("engine-var")
    make_release(path)
    return path


def new_engine(var_dir: Path, **overrides) -> Engine:
    from metrograph.release import folders

    settings = make_settings(var_dir, **overrides)
    engine = Engine(folders.current_release(var_dir), settings)
    engine.warm()
    return engine


@pytest.fixture(scope="module")
def engine(var_dir):
    engine = new_engine(var_dir)
    yield engine
    engine.close()


def pids(engine: Engine) -> set[int]:
    pool = engine.runner._get_pool()
    with pool._lock:
        return {w.process.pid for w in pool.workers}


def wait_full(engine: Engine) -> None:
    """Until every query process, the working ones and the loaded spares, is ready."""
    wanted = engine.runner.size + engine.runner.express_workers + engine.runner.spares
    deadline = time.monotonic() + 60
    while len(pids(engine)) < wanted and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(pids(engine)) == wanted


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); look at its state
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_default_graph_is_the_union_of_named_graphs(engine):
    assert count(engine.execute("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")) == TOTAL


def test_protocol_dataset_restricts_the_default_graph(engine):
    q = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    assert count(engine.execute(q, default_graphs=(GRAPH_B,))) == 4
    assert count(engine.execute(q, default_graphs=(GRAPH_A, GRAPH_B))) == TOTAL
    # only named graphs given: the default graph is empty, GRAPH sees just those
    assert count(engine.execute(q, named_graphs=(GRAPH_A,))) == 0
    g = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    assert count(engine.execute(g, named_graphs=(GRAPH_B,))) == 4


def test_from_in_the_query_is_honoured_and_the_protocol_overrides_it(engine):
    q = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH_B}> {{ ?s ?p ?o }}"
    assert count(engine.execute(q)) == 4
    assert count(engine.execute(q, default_graphs=(GRAPH_A,))) == 2 * ITEMS


def test_declared_prefixes_are_predefined(engine):
    q = "SELECT (COUNT(*) AS ?n) { ?s rdfs:label ?o }"
    assert count(engine.execute(q)) == ITEMS + 2


def test_syntax_error_reports_line_and_column(engine):
    with pytest.raises(BadRequest, match=r"line 4, column 2"):
        engine.execute("SELECT *\nWHERE {\n ?s ?p\n}")


def test_service_and_updates_are_refused_before_evaluation(engine):
    with pytest.raises(BadRequest, match="SERVICE"):
        engine.execute("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    with pytest.raises(BadRequest, match="read-only"):
        engine.execute("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_query_size_limit(engine):
    with pytest.raises(PayloadTooLarge):
        engine.execute("ASK {}" + " " * 9000)


def test_ask_in_a_tabular_format_is_not_acceptable(engine):
    with pytest.raises(NotAcceptable, match="sparql-results"):
        engine.execute("ASK {}", results_format="csv")


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_row_cap_applies_to_every_select_format(engine, fmt):
    with pytest.raises(BadRequest, match="more than 2000 rows"):
        engine.execute("SELECT * { ?s ?p ?o }", results_format=fmt)
    # exactly at the cap is fine
    result = engine.execute("SELECT * { ?s ?p ?o } LIMIT 2000", results_format="tsv")
    assert result.body.count(b"\n") == 2001


def test_row_cap_applies_to_graphs(engine):
    with pytest.raises(BadRequest, match="more than 2000 triples"):
        engine.execute("CONSTRUCT WHERE { ?s ?p ?o }", graph_format="nt")


def test_byte_cap(var_dir):
    small = new_engine(var_dir, max_result_bytes=5000, query_workers=1)
    try:
        with pytest.raises(BadRequest, match="5000 bytes"):
            small.execute("SELECT * { ?s ?p ?o } LIMIT 1000")
        assert small.execute("SELECT * { ?s ?p ?o } LIMIT 3").body
    finally:
        small.close()


def test_cache_hits_are_marked_and_bounded(var_dir):
    cached = new_engine(var_dir, cache_entries=2, query_workers=1)
    try:
        queries = [f"SELECT (COUNT(*) AS ?n) {{ ?s ?p ?o }} # {i}" for i in range(3)]
        assert not cached.execute(queries[0]).cached
        assert cached.execute(queries[0]).cached
        assert not cached.execute(queries[0], results_format="xml").cached
        cached.execute(queries[1])
        cached.execute(queries[2])
        assert cached.cache_size == 2
        assert not cached.execute(queries[0]).cached  # evicted, least recently used
    finally:
        cached.close()


def test_time_limit_kills_the_worker_and_the_engine_keeps_serving(engine):
    wait_full(engine)
    before = pids(engine)
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable) as info:
        engine.execute(CARTESIAN)
    elapsed = time.monotonic() - started
    assert info.value.headers["Retry-After"].isdigit()
    assert "limit of 2 s" in info.value.message
    assert elapsed < engine.timeout + 5  # stopped at the limit, not when the query ends
    killed = before - pids(engine)
    assert len(killed) == 1
    assert not any(alive(pid) for pid in killed)
    assert count(engine.execute("SELECT (COUNT(*) AS ?n) { ?s ?p ?o } # after")) == TOTAL
    wait_full(engine)  # the killed worker was replaced


def run_slow(engine: Engine, comment: str) -> tuple[threading.Thread, dict[str, object]]:
    """CARTESIAN in a thread (stopped at the time limit); its 503 lands in outcome['slow']."""
    outcome: dict[str, object] = {}

    def slow() -> None:
        try:
            engine.execute(CARTESIAN + " # " + comment)
        except ServiceUnavailable as exc:
            outcome["slow"] = exc

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    return thread, outcome


def test_another_query_is_answered_while_one_runs_long(engine):
    thread, outcome = run_slow(engine, "concurrent")
    result = engine.execute("ASK { ?s ?p ?o } # while busy")
    outcome["fast_done_while_slow_running"] = thread.is_alive()
    thread.join()
    assert json.loads(result.body)["boolean"] is True
    assert outcome["fast_done_while_slow_running"] is True
    assert isinstance(outcome["slow"], ServiceUnavailable)


def test_overload_answers_503_with_retry_after_at_once(var_dir):
    single = new_engine(var_dir, query_workers=1, query_queue=0, express_workers=0)
    try:
        def slow() -> None:
            with pytest.raises(ServiceUnavailable):
                single.execute(CARTESIAN)

        thread = threading.Thread(target=slow)
        thread.start()
        time.sleep(0.3)
        with pytest.raises(ServiceUnavailable, match="busy") as info:
            single.execute("ASK {} # overload")
        assert info.value.headers["Retry-After"].isdigit()
        thread.join()
    finally:
        single.close()


def test_worker_killed_from_outside_is_replaced(var_dir):
    single = new_engine(var_dir, query_workers=1, query_spares=0, express_workers=0)
    try:
        single.execute("ASK {} # warm")
        pool = single.runner._get_pool()
        (worker,) = pool.workers
        os.kill(worker.process.pid, 9)
        worker.process.wait(10)
        assert json.loads(single.execute("ASK { ?s ?p ?o } # again").body)["boolean"]
    finally:
        single.close()


def test_workers_have_no_network(engine):
    """Defence in depth: even a SERVICE that got past both checks would reach nothing. The
    checks let none through (tests/test_sparql_lexer.py), so the wall is inspected instead: a
    query process sits in a network namespace of its own whose only interface is a loopback
    that is down, so it can connect to nothing, 127.0.0.1 included."""
    pool = engine.runner._get_pool()
    worker = pool.idle["general"].get(timeout=30)  # started and reported how it sits
    try:
        if not worker.isolated:
            pytest.skip("this kernel does not allow unprivileged network namespaces")
        assert engine.network_isolated
        pid = worker.process.pid
        assert os.readlink(f"/proc/{pid}/ns/net") != os.readlink("/proc/self/ns/net")
        lines = Path(f"/proc/{pid}/net/dev").read_text().splitlines()[2:]
        assert [line.split(":")[0].strip() for line in lines] == ["lo"]
        route = Path(f"/proc/{pid}/net/route").read_text().splitlines()[1:]
        assert route == []  # no route anywhere, not even to the loopback network
    finally:
        pool.idle["general"].put(worker)


def test_a_loaded_spare_takes_over_from_a_killed_worker_at_once(var_dir):
    """After a time-limit kill the next query runs on the spare that was already loaded,
    instead of waiting for a new process to load the release."""
    engine = new_engine(var_dir, query_timeout=1.0, query_workers=1, query_spares=1)
    try:
        wait_full(engine)
        pool = engine.runner._get_pool()
        [spare] = list(pool.spare.queue)
        with pytest.raises(ServiceUnavailable):
            engine.execute(CARTESIAN)
        assert [w.process.pid for w in pool.idle["general"].queue] == [spare.process.pid]
        assert count(engine.execute("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")) == TOTAL
        wait_full(engine)  # and a new spare is loaded behind it
        assert spare.process.pid in pids(engine)
    finally:
        engine.close()


def test_query_processes_are_forked_from_one_template_holding_the_store(engine):
    """Workers are children of the template process (loaded once), not fresh interpreters."""
    wait_full(engine)
    template_pid = engine.runner._get_pool()._template.process.pid
    for pid in pids(engine):
        stat = Path(f"/proc/{pid}/stat").read_text()
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        assert parent == template_pid


def test_light_queries_take_the_express_lane_while_the_general_one_is_full(var_dir):
    busy = new_engine(var_dir, query_workers=1, query_queue=0, express_workers=1)
    try:
        wait_full(busy)
        thread, outcome = run_slow(busy, "fills the general lane")
        assert json.loads(busy.execute("ASK { ?s ?p ?o } # express").body)["boolean"] is True
        rows = busy.execute("SELECT ?s { ?s ?p ?o } LIMIT 3 # express").body
        assert len(json.loads(rows)["results"]["bindings"]) == 3
        with pytest.raises(ServiceUnavailable, match="busy"):  # not light: the full lane
            busy.execute("SELECT (COUNT(*) AS ?n) { ?s ?p ?o } # general")
        assert thread.is_alive()  # all that while the slow query still ran
        thread.join()
        assert isinstance(outcome["slow"], ServiceUnavailable)
    finally:
        busy.close()


def test_a_light_query_over_its_express_budget_finishes_in_the_general_lane(var_dir):
    engine = new_engine(var_dir, express_workers=1, express_budget=0.2, query_timeout=30.0)
    try:
        wait_full(engine)
        express_before = {w.process.pid for w in engine.runner._get_pool().idle["express"].queue}
        slow_but_light = ("SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . "
                          "FILTER(CONCAT(STR(?c), STR(?f)) = 'none') } LIMIT 1")
        assert protocol.is_light(slow_but_light)
        result = json.loads(engine.execute(slow_but_light).body)
        assert result["results"]["bindings"] == []
        wait_full(engine)
        express_after = {w.process.pid for w in engine.runner._get_pool().idle["express"].queue}
        assert express_before and not express_before & express_after  # stopped and replaced
    finally:
        engine.close()


def test_a_query_over_its_memory_limit_is_stopped_with_503_and_the_next_one_runs(var_dir):
    engine = new_engine(var_dir, query_memory_mb=64, express_workers=0)
    try:
        def doubling(times: int) -> str:
            binds = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(times))
            return (f"SELECT (STRLEN(?x{times}) AS ?n) WHERE {{ BIND('0123456789abcdef' AS ?x0) "
                    f"{binds} }}")

        with pytest.raises(ServiceUnavailable, match="more than 64 MB") as info:
            engine.execute(doubling(22))  # 64 MiB in the last string alone
        assert "Retry-After" not in info.value.headers
        assert count(engine.execute("SELECT (COUNT(*) AS ?n) { ?s ?p ?o } # after memory")) == TOTAL
        assert json.loads(engine.execute(doubling(10)).body)["results"]["bindings"]
    finally:
        engine.close()


def test_a_value_over_16_mib_is_served_in_every_result_format(var_dir):
    """pyoxigraph's TSV reader stops at 16 MiB a line; the row-capping pass must not make
    JSON, XML and CSV fail where TSV works."""
    engine = new_engine(var_dir, max_result_bytes=100 * 2**20, query_memory_mb=1024, query_timeout=30,
                        express_workers=0)
    try:
        binds = " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(21))
        query = f"SELECT (?a21 AS ?x) WHERE {{ BIND('0123456789abcdef' AS ?a0) {binds} }}"
        sizes = {name: len(engine.execute(query, results_format=name).body)
                 for name in ("tsv", "json", "xml", "csv")}
        assert all(size > 32 * 2**20 for size in sizes.values()), sizes
        value = json.loads(engine.execute(query, results_format="json").body)
        assert len(value["results"]["bindings"][0]["x"]["value"]) == 32 * 2**20
    finally:
        engine.close()
