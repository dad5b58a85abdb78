"""Benchmark: our server against the Oxigraph server on the same release, interleaved.

    python3 benchmarks/bench.py [--scale N] [--query-store memory|disk] [--backend remote]
                                [--quick] [--no-build] [--requests N] [--rows WORD,...]

Builds the full graph (``--scale N`` assembles the real release plus the synthetic data of
``benchmarks/synth.py`` with ``benchmarks/assemble.py``; heavy rows then run fewer times),
loads the same ``release.nq`` (named graphs and the materialized default graph) into an
Oxigraph server from PyPI (``oxigraph serve-read-only``, installed into ``.venv-bench/``),
starts our server in its production configuration (gunicorn, ``workers=2``; with ``--backend
remote`` in front of a private Virtuoso the release is published into first), checks that both
return the same results, then sends the same mix to both on 127.0.0.1 in alternating rounds
(ours first, then the peer first): entity lookups, catalogue queries, label search and a heavy
aggregation, at concurrency 1 and 4, each as *unique* requests (never repeated, so no cache
helps) and *repeated* ones (the same request again; ours also with ``If-None-Match`` → 304).

Prints median and p95 latency, throughput and errors per row for both servers, the ratio
ours/peer and the in-process pyoxigraph time (in-memory store) as the floor; also build time,
store sizes and server memory (PSS of the whole process tree). Writes
``benchmarks/results/bench-<scale>x[-remote]-<time>.json`` and
``benchmarks/results/latest[-Nx][-remote].md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
import virtuoso_backend

RESULTS = common.ROOT / "benchmarks" / "results"

TURTLE = {"Accept": "text/turtle"}
HTML = {"Accept": "text/html"}
SRJ = {"Accept": "application/sparql-results+json"}


@dataclass
class Row:
    """One line of the mix: how each server is asked the n-th (unique) question."""

    name: str
    group: str  # entity, catalogue, search, aggregation
    ours: Callable[[int], common.Request]
    peer: Callable[[int], common.Request] | None
    floor: Callable[[int], str] | None  # SPARQL text timed in-process
    heavy: bool = False
    target_ms: float | None = None
    #: variables bound by SAMPLE(): any value of the group is right, stores may pick another
    sampled: tuple[str, ...] = ()


def main(argv: list[str]) -> int:
    common.ensure_project_venv(Path(__file__).resolve(), argv)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=int, default=1, help="1 (the real graph) or a synth.py factor")
    p.add_argument("--quick", action="store_true", help="fewer requests (a smoke run)")
    p.add_argument("--no-build", action="store_true", help="reuse the last build of this scale")
    p.add_argument("--requests", type=int, default=None, help="requests per fast batch")
    p.add_argument("--query-store", choices=("memory", "disk"), default="memory",
                   help="what our query processes (and the floor) read; disk for large scales")
    p.add_argument("--backend", choices=("embedded", "remote"), default="embedded",
                   help="ours on the embedded store, or on a private Virtuoso (publish)")
    p.add_argument("--rows", default="",
                   help="only the rows whose name contains one of these comma-separated words")
    args = p.parse_args(argv)

    import pyoxigraph as ox

    from metrograph.model import namespaces

    scale = args.scale
    work = common.ROOT / "var" / "bench" / f"{scale}x"
    work.mkdir(parents=True, exist_ok=True)
    n_fast = args.requests or (30 if args.quick else 120)
    n_heavy = max(4, n_fast // 8) if scale == 1 else 2
    report: dict[str, Any] = {"scale": scale, "backend": args.backend,
                              "machine": common.machine(),
                              "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                              "pyoxigraph": ox.__version__ if hasattr(ox, "__version__") else ""}

    # -- build ours, load the peer -------------------------------------------------------------
    project = common.ROOT
    var_dir = work / "var"
    if (not args.no_build or not (var_dir / "current").exists()) and scale != 1:
        # the real release plus synth.py's data, streamed (see assemble.py)
        print(f"assembling the {scale}x release ...", flush=True)
        report["build"] = common.run_measured(
            [sys.executable, str(Path(__file__).resolve().parent / "assemble.py"), str(scale)],
            work / "assemble.log")
    elif not args.no_build or not (var_dir / "current").exists():
        print(f"building the {scale}x graph ...", flush=True)
        report["build"] = common.run_measured(
            [str(common.ROOT / ".venv" / "bin" / "metrograph"), "--var-dir", str(var_dir),
             "build"], work / "build.log",
            env={**_env(), "METROGRAPH_PROJECT_DIR": str(project)})
    release = (var_dir / "current").resolve()
    meta = json.loads((release / "release.json").read_text())
    report["release"] = {"id": meta["release_id"], "quads": meta["quads"],
                         "build_seconds_reported": meta.get("build_seconds"),
                         "step_seconds": meta.get("step_seconds"),
                         "store_mib": common.du_mib(release / "store"),
                         "release_nq_mib": round((release / "release.nq").stat().st_size / 2**20, 1)}
    version = ox.__version__ if hasattr(ox, "__version__") else _pyoxigraph_version()
    peer_bin = common.ensure_peer(version)
    peer_dir = work / "peer-store"
    stamp = peer_dir / ".release"
    if not stamp.exists() or stamp.read_text() != meta["release_id"]:
        shutil.rmtree(peer_dir, ignore_errors=True)
        print("loading release.nq into the Oxigraph server's store ...", flush=True)
        report["peer_load"] = common.run_measured(
            [str(peer_bin), "load", "--location", str(peer_dir), "--file",
             str(release / "release.nq")], work / "peer-load.log")
        stamp.write_text(meta["release_id"])
    report["peer_store_mib"] = common.du_mib(peer_dir)

    # -- the floor: in-process pyoxigraph over an in-memory store --------------------------------
    report["query_store"] = args.query_store
    if args.query_store == "memory":
        print("loading the in-memory floor store ...", flush=True)
        memory = ox.Store()
        memory.bulk_load(path=str(release / "release.nq"), format=ox.RdfFormat.N_QUADS)
    else:
        memory = ox.Store.read_only(str(release / "store"))
    base = meta["base_iri"]
    prologue = f"BASE <{base}>\n" + namespaces.sparql_prologue(base)
    prefixes = namespaces.prefixes(base)
    gemeinden = [r["g"].value for r in memory.query(
        prologue + "SELECT ?g WHERE { ?g a mg:Municipality } ORDER BY ?g")]
    kreise = [r["k"].value for r in memory.query(
        prologue + "SELECT DISTINCT ?k WHERE { ?g mg:inDistrict ?k } ORDER BY ?k")]
    names = sorted({_search_word(r["l"].value) for r in memory.query(
        prologue + "SELECT ?l WHERE { ?g a mg:Municipality ; rdfs:label ?l }")} - {""})
    if scale != 1:  # sample the whole graph, not the real part that sorts first
        import random
        for items in (gemeinden, kreise, names):
            random.Random(scale).shuffle(items)
    rows = _mix(_Prologue(base, prefixes), base, gemeinden, kreise, names)
    if args.rows:  # at scale the peer's slow rows take many minutes each
        wanted = [w.strip() for w in args.rows.split(",") if w.strip()]
        rows = [row for row in rows if any(w in row.name for w in wanted)]
        report["rows_selected"] = wanted
    if scale != 1:  # CONTAINS scans every label: seconds per request at scale, so fewer
        for row in rows:
            row.heavy = row.heavy or "CONTAINS" in row.name

    # -- servers -----------------------------------------------------------------------------
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    store_settings: dict[str, Any] = {}
    virtuoso = None
    if args.backend == "remote":
        print("starting Virtuoso and publishing the release into it ...", flush=True)
        virtuoso, store_settings, report["remote"] = virtuoso_backend.start(var_dir, scale)
    print("starting both servers ...", flush=True)
    t0 = time.perf_counter()
    ours = common.start_ours(var_dir, {"project_dir": project, "query_store": args.query_store,
                                       # at scale the heavy rows run longer than 10 s
                                       **({"query_timeout": 300} if scale != 1 else {}),
                                       **store_settings},
                             log_dir=logs)
    report["ours_startup_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    peer = common.start_peer(peer_bin, peer_dir, logs)
    report["peer_startup_s"] = round(time.perf_counter() - t0, 2)
    try:
        _wait_warm(ours)
        report["checks"] = _verify(rows, ours, peer)
        for row in rows:  # warm both (parsers, page caches), with requests never timed
            for i in range(1 if row.heavy else 3):
                _one(ours.url, row.ours(-1 - i))
                if row.peer:
                    _one(peer.url, row.peer(-1 - i))
        report["memory_before"] = {"ours": ours.memory(), "peer": peer.memory()}
        report["floor_ms"] = _floors(memory, rows, 5 if scale == 1 else 1)
        report["results"] = _run_mix(rows, ours, peer, n_fast, n_heavy, brief_heavy=scale != 1)
        report["memory_after"] = {"ours": ours.memory(), "peer": peer.memory()}
        if virtuoso is not None:
            report["remote"]["virtuoso_rss_mib"] = round(virtuoso.rss_bytes() / 2**20)
    finally:
        ours.stop()
        peer.stop()
        if virtuoso is not None:
            virtuoso.stop()

    stamp_time = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = f"{scale}x" + ("-remote" if args.backend == "remote" else "")
    common.dump_json(RESULTS / f"bench-{suffix}-{stamp_time}.json", report)
    text = render(report, rows)
    (RESULTS / ("latest.md" if suffix == "1x" else f"latest-{suffix}.md")).write_text(text)
    print(text)
    return 0


def _pyoxigraph_version() -> str:
    from importlib.metadata import version
    return version("pyoxigraph")


def _env() -> dict[str, str]:
    import os
    return dict(os.environ)


def _search_word(label: str) -> str:
    word = re.split(r"[,(/ ]", label, maxsplit=1)[0]
    return word if len(word) >= 4 and word.isalpha() else ""


# --- the mix -------------------------------------------------------------------------------------

class _Prologue:
    """``prologue + text``: BASE and only the PREFIX lines the text uses (short GET URLs)."""

    def __init__(self, base: str, prefixes: dict[str, str]) -> None:
        self.base = base
        self.prefixes = prefixes

    def __add__(self, text: str) -> str:
        used = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in self.prefixes.items()
                       if re.search(rf"(?<![\w:]){re.escape(p)}:", text))
        return f"BASE <{self.base}>\n" + used + text


def _mix(prologue: _Prologue, base: str, gemeinden: list[str], kreise: list[str],
         names: list[str]) -> list[Row]:
    def cycle(items: list[str], i: int) -> str:
        return items[i % len(items)]

    def path_of(iri: str) -> str:
        return "/" + iri[len(base):]

    def sparql(endpoint: str, text: str, headers: dict[str, str]) -> common.Request:
        return (f"{endpoint}?query={common.quote(text)}", headers)

    def describe(i: int) -> str:
        return prologue + f"DESCRIBE <{cycle(gemeinden, i)}>"

    cat_23 = (common.ROOT / "queries" / "23-gemeinden-of-kreis-in-regions.rq").read_text()
    cat_23 = "\n".join(ln for ln in cat_23.splitlines() if not ln.startswith("#+"))
    cat_16 = (common.ROOT / "queries" / "16-memberships-on-date.rq").read_text()
    cat_16 = "\n".join(ln for ln in cat_16.splitlines() if not ln.startswith("#+"))
    heavy = (common.ROOT / "queries" / "21-region-population-and-area.rq").read_text()
    heavy = "\n".join(ln for ln in heavy.splitlines() if not ln.startswith("#+"))

    def gemeinden_of(i: int) -> str:
        code = cycle(kreise, i).rsplit("/", 1)[1]
        text = cat_23.replace("kreis:03157", f"kreis:{code}")
        return prologue + text + (f"\n# variant {i}" if i >= len(kreise) else "")

    def with_comment(text: str) -> Callable[[int], str]:
        return lambda i: prologue + text + f"\n# request {i}"

    def label_query(i: int) -> str:
        word = cycle(names, i).lower().replace('"', "")
        return (prologue + "SELECT ?s ?label WHERE { ?s rdfs:label ?label "
                f'FILTER (CONTAINS(LCASE(STR(?label)), "{word}")) }} ORDER BY ?s LIMIT 10')

    def search(i: int) -> common.Request:
        return (f"/search.json?q={common.quote(cycle(names, i))}&limit=10", {})

    return [
        Row("entity page (HTML) vs peer DESCRIBE", "entity",
            lambda i: (path_of(cycle(gemeinden, i)), HTML),
            lambda i: sparql("/query", describe(i), TURTLE), describe, target_ms=20),
        Row("entity RDF (Turtle) vs peer DESCRIBE", "entity",
            lambda i: (path_of(cycle(gemeinden, i)), TURTLE),
            lambda i: sparql("/query", describe(i), TURTLE), describe),
        Row("DESCRIBE via SPARQL", "entity",
            lambda i: sparql("/sparql", describe(i), TURTLE),
            lambda i: sparql("/query", describe(i), TURTLE), describe),
        Row("catalogue: Gemeinden of a Kreis", "catalogue",
            lambda i: sparql("/sparql", gemeinden_of(i), SRJ),
            lambda i: sparql("/query", gemeinden_of(i), SRJ), gemeinden_of, sampled=("through",)),
        Row("catalogue: memberships on a date", "catalogue",
            lambda i: sparql("/sparql", with_comment(cat_16)(i), SRJ),
            lambda i: sparql("/query", with_comment(cat_16)(i), SRJ), with_comment(cat_16)),
        Row("label search (ours /search.json, peer SPARQL CONTAINS)", "search",
            search, lambda i: sparql("/query", label_query(i), SRJ), label_query),
        Row("label search via SPARQL CONTAINS", "search",
            lambda i: sparql("/sparql", label_query(i), SRJ),
            lambda i: sparql("/query", label_query(i), SRJ), label_query),
        Row("heavy aggregation: region population and area", "aggregation",
            lambda i: sparql("/sparql", with_comment(heavy)(i), SRJ),
            lambda i: sparql("/query", with_comment(heavy)(i), SRJ), with_comment(heavy),
            heavy=True, sampled=("regionLabel",)),
    ]


def _one(url: str, req: common.Request) -> tuple[int, dict[str, str], bytes]:
    path, headers = req
    return common.request(url, path, headers, timeout=600)  # heavy rows at scale: minutes


def _wait_warm(server: common.Server, seconds: float = 300) -> None:
    """Wait until the query processes of every gunicorn worker have loaded the store."""
    deadline = time.monotonic() + seconds
    ok = 0
    while ok < 8 and time.monotonic() < deadline:
        status, _, _ = common.request(server.url, "/sparql?query=" + common.quote(
            f"ASK {{ ?s ?p ?o }} # warm {time.monotonic()}"))
        ok = ok + 1 if status == 200 else 0
        if status != 200:
            time.sleep(0.5)


def _canonical(body: bytes, kind: str, ignore: tuple[str, ...] = ()) -> Any:
    if kind == "json":
        data = json.loads(body)
        return sorted(json.dumps({k: v for k, v in b.items() if k not in ignore}, sort_keys=True)
                      for b in data["results"]["bindings"])
    return sorted(set(body.decode().splitlines()))


def _verify(rows: list[Row], ours: common.Server, peer: common.Server) -> dict[str, Any]:
    """The SPARQL rows must give the same results on both servers before anything is timed."""
    checks: dict[str, Any] = {}
    for row in rows:
        if row.group == "entity" or row.peer is None or not row.ours(0)[0].startswith("/sparql"):
            continue
        for i in (0,) if row.heavy else (0, 1, 7):
            a_path, a_headers = row.ours(i)
            b_path, b_headers = row.peer(i)
            sa, _, a = common.request(ours.url, a_path, a_headers, timeout=600)
            sb, _, b = common.request(peer.url, b_path, b_headers, timeout=600)
            same = sa == sb == 200 and (_canonical(a, "json", row.sampled)
                                          == _canonical(b, "json", row.sampled))
            checks[f"{row.name} #{i}"] = same
            if not same:
                raise SystemExit(f"results differ for {row.name} #{i}: {sa} {a[:300]!r} / "
                                 f"{sb} {b[:300]!r}")
    describe = [row for row in rows if row.name == "DESCRIBE via SPARQL"]  # unless --rows
    if describe:
        nt = {"Accept": "application/n-triples"}
        _, _, a = common.request(ours.url, describe[0].ours(0)[0], nt)
        _, _, b = common.request(peer.url, describe[0].peer(0)[0], nt)
        checks["DESCRIBE (N-Triples) #0"] = _canonical(a, "nt") == _canonical(b, "nt")
        if not checks["DESCRIBE (N-Triples) #0"]:
            raise SystemExit("DESCRIBE results differ between the servers")
    print(f"results equal on both servers ({len(checks)} checks)", flush=True)
    return checks


def _floors(memory: Any, rows: list[Row], heavy_runs: int = 5) -> dict[str, float]:
    import pyoxigraph as ox

    out = {}
    for row in rows:
        if row.floor is None:
            continue
        times = []
        for i in range(heavy_runs if row.heavy else 30):
            text = row.floor(100_000 + i)
            started = time.perf_counter()
            result = memory.query(text)
            if isinstance(result, ox.QuerySolutions):
                result.serialize(format=ox.QueryResultsFormat.JSON)
            else:
                ox.serialize(result, format=ox.RdfFormat.TURTLE)
            times.append(time.perf_counter() - started)
        out[row.name] = round(statistics.median(times) * 1000, 2)
    return out


def _run_mix(rows: list[Row], ours: common.Server, peer: common.Server, n_fast: int,
             n_heavy: int, brief_heavy: bool = False) -> list[dict[str, Any]]:
    """Every row × mode × concurrency, ours and the peer in alternating order per round
    (``brief_heavy``, for scale runs: heavy rows only unique at concurrency 1)."""
    results = []
    fresh: dict[str, Iterator[int]] = {}
    rounds = 2
    for row in rows:
        fresh[row.name] = iter(range(10**9))
        n = n_heavy if row.heavy else n_fast
        brief = brief_heavy and row.heavy
        for concurrency in (1,) if brief else (1, 4):
            for mode in ("unique",) if brief else ("unique", "repeated", "repeated-304"):
                acc = {"ours": common.Batch(), "peer": common.Batch()}
                for r in range(rounds):
                    per_round = max(1, n // rounds)
                    if mode == "unique":
                        indices = [next(fresh[row.name]) for _ in range(per_round)]
                    else:
                        indices = [10**6 + concurrency] * per_round
                    order = ("ours", "peer") if r % 2 == 0 else ("peer", "ours")
                    for who in order:
                        server = ours if who == "ours" else peer
                        make = row.ours if who == "ours" else row.peer
                        if make is None:
                            continue
                        reqs = [make(i) for i in indices]
                        if mode == "repeated-304" and who == "ours":
                            _, headers, _ = _one(server.url, reqs[0])
                            etag = headers.get("ETag") or headers.get("etag")
                            if etag:
                                reqs = [(p, {**h, "If-None-Match": etag}) for p, h in reqs]
                        elif mode != "unique":
                            _one(server.url, reqs[0])  # the first one is not a repeat
                        acc[who].merge(common.run_batch(server.url, reqs, concurrency,
                                                        timeout=600))
                entry = {"row": row.name, "group": row.group, "mode": mode,
                         "concurrency": concurrency, "ours": acc["ours"].summary(),
                         "peer": acc["peer"].summary() if row.peer else None}
                samples = acc["ours"].error_samples + acc["peer"].error_samples
                if samples:
                    entry["error_samples"] = samples
                o, pe = entry["ours"]["median_ms"], (entry["peer"] or {}).get("median_ms")
                entry["ratio_median"] = round(o / pe, 2) if o and pe else None
                results.append(entry)
                print(f"  {row.name[:48]:48} {mode:12} c={concurrency}  ours {o} ms  "
                      f"peer {pe} ms  ratio {entry['ratio_median']}", flush=True)
    return results


# --- report --------------------------------------------------------------------------------------

def render(report: dict[str, Any], rows: list[Row]) -> str:
    rel = report["release"]
    lines = [
        f"# Benchmark: metrograph vs Oxigraph server ({report['scale']}× graph)",
        "",
        f"{report['date']}, {report['machine']}; shared machine, so absolute times are noisy: "
        "the ratios come from interleaved rounds. Oxigraph server and pyoxigraph "
        f"{_pyoxigraph_version()}; ours: gunicorn, 2 workers, default query processes, "
        + ("on the **remote backend** (a private Virtuoso 7, loaded with `metrograph publish`)."
           if report.get("backend") == "remote" else "on the embedded store."),
        "",
        f"Release {rel['id']}: {rel['quads']:,} quads; release.nq {rel['release_nq_mib']} MiB; "
        f"our RocksDB store {rel['store_mib']} MiB; Oxigraph server store "
        f"{report['peer_store_mib']} MiB.",
    ]
    if report.get("rows_selected"):
        lines.append("Only the rows whose name contains one of: "
                     + ", ".join(report["rows_selected"]) + " (`--rows`).")
    if "build" in report:
        lines.append(f"Build: {report['build']['seconds']} s wall, peak RSS "
                     f"{report['build']['max_rss_mib']} MiB (steps: {rel['step_seconds']}).")
    if "peer_load" in report:
        lines.append(f"Oxigraph `load` of release.nq: {report['peer_load']['seconds']} s, peak RSS "
                     f"{report['peer_load']['max_rss_mib']} MiB.")
    if "remote" in report:
        remote = report["remote"]
        lines.append(f"Virtuoso: start {remote['virtuoso_startup_seconds']} s, publish "
                     f"{remote['publish_seconds']} s, RSS {remote.get('virtuoso_rss_mib')} MiB "
                     "after the run (not counted in our memory below).")
    lines.append(f"Start-up until the first answer: ours {report['ours_startup_s']} s, peer "
                 f"{report['peer_startup_s']} s.")
    mb, ma = report["memory_before"], report["memory_after"]
    lines.append(
        f"Server memory (PSS of the process tree, before → after the run): ours "
        f"{mb['ours']['pss_mib']} → {ma['ours']['pss_mib']} MiB ({ma['ours']['processes']} "
        f"processes), peer {mb['peer']['pss_mib']} → {ma['peer']['pss_mib']} MiB.")
    lines += ["", "Latency in ms (median / p95), throughput in requests/s, errors = non-2xx/304 "
              "or connection errors; ratio = ours/peer median (below 1: ours faster); floor = "
              f"in-process pyoxigraph, {report.get('query_store', 'memory')} store, query + "
              "serialization.", "",
              "| query | mode | c | ours median | ours p95 | peer median | peer p95 | ratio | "
              "ours req/s | peer req/s | errors ours/peer | floor |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    floors = report["floor_ms"]
    for e in report["results"]:
        o, pe = e["ours"], e["peer"] or {}
        lines.append(
            f"| {e['row']} | {e['mode']} | {e['concurrency']} | {o['median_ms']} | {o['p95_ms']} "
            f"| {pe.get('median_ms', '–')} | {pe.get('p95_ms', '–')} | "
            f"{e['ratio_median'] if e['ratio_median'] is not None else '–'} | "
            f"{o['throughput_rps']} | {pe.get('throughput_rps', '–')} | {o['errors']}/"
            f"{pe.get('errors', '–')} | {floors.get(e['row'], '–')} |")
    lines += ["", "## Targets", "", *_targets(report)]
    return "\n".join(lines) + "\n"


def _targets(report: dict[str, Any]) -> list[str]:
    res = report["results"]
    out = []

    def ratios(mode: str, exclude_html: bool = True) -> list[float]:
        return [e["ratio_median"] for e in res if e["mode"] == mode and e["ratio_median"]
                and e["concurrency"] == 1 and not (exclude_html and "HTML" in e["row"])]

    unique = ratios("unique")
    worst = max(unique) if unique else None
    out.append(f"* Unique queries, median within 1.3× of the peer (c=1, all rows but the HTML "
               f"page): worst ratio {worst}, geometric mean {_gmean(unique)} — "
               f"{'met' if worst is not None and worst <= 1.3 else 'NOT met'}.")
    for mode in ("repeated", "repeated-304"):
        rs = ratios(mode)
        out.append(f"* {mode.capitalize()} queries ahead of the peer (c=1): worst ratio "
                   f"{max(rs) if rs else None}, geometric mean {_gmean(rs)} — "
                   f"{'met' if rs and max(rs) < 1 else 'NOT met' if rs else 'n/a'}.")
    pages = [e["ours"]["median_ms"] for e in res if "HTML" in e["row"] and e["mode"] == "unique"
             and e["concurrency"] == 1]
    if pages:
        out.append(f"* Entity pages under 20 ms median (unique, c=1): {pages[0]} ms — "
                   f"{'met' if pages[0] < 20 else 'NOT met'}.")
    errors = sum(e["ours"]["errors"] for e in res)
    out.append(f"* Errors on our side over the whole run: {errors}.")
    return out


def _gmean(values: list[float]) -> float | None:
    if not values:
        return None
    return round(statistics.geometric_mean(values), 2)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
