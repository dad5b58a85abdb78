"""The build: sources → RDF → SHACL gate → on-disk store → self-description → query smoke run.

Nothing is written where the server reads until every step has passed; then the release is
renamed into place and ``current`` switched atomically (see :mod:`metrograph.release.folders`).
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from metrograph.build import (
    evidence,
    inputs,
    preferred_labels,
    query_catalogue,
    rdfize,
    self_description,
    shacl_gate,
)
from metrograph.build.statistics import aggregates
from metrograph.errors import DataError, ValidationFailed
from metrograph.model import namespaces as ns
from metrograph.release import folders

Progress = Callable[[str], None]
DCT = "http://purl.org/dc/terms/"
MG_SOURCE_DOCUMENT = "ontology#SourceDocument"
QB_OBSERVATION = ox.NamedNode("http://purl.org/linked-data/cube#Observation")


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def collect_quads(project_dir: Path, base: str) -> list[ox.Quad]:
    """Every input quad: ontology, curated Turtle, tables (no build products yet)."""
    quads: list[ox.Quad] = []
    ontology_graph = ox.NamedNode(str(ns.graph_iri(base, "ontology")))
    for path in inputs.ontology_files(project_dir):
        quads += rdfize.turtle_quads(path, ontology_graph, base)
    for turtle in inputs.turtle_files(project_dir):
        graph = ox.NamedNode(str(ns.graph_iri(base, turtle.graph)))
        quads += rdfize.turtle_quads(turtle.path, graph, base)
    for table in inputs.tables(project_dir):
        quads += rdfize.table_quads(table, base)
    return quads


def add_source_links(quads: list[ox.Quad], base: str) -> list[ox.Quad]:
    """``dct:source`` from every typed subject of a source graph to that source document
    (but not from the statements and annotations of its evidence, parts of the source, nor
    from statistical observations, whose ``qb:dataSet`` names it)."""
    graph_prefix, evidence_prefix = base + "graph/", base + "source/"
    links: set[ox.Quad] = set()
    observations = {q.subject for q in quads
                    if q.predicate == rdfize.RDF_TYPE and q.object == QB_OBSERVATION}
    for quad in quads:
        if quad.predicate == rdfize.RDF_TYPE and isinstance(quad.graph_name, ox.NamedNode) \
                and quad.subject not in observations \
                and not (quad.subject.value.startswith(evidence_prefix)
                         and "#" in quad.subject.value):  # evidence: a part of its source
            name = quad.graph_name.value.removeprefix(graph_prefix)
            if name == "ontology":
                continue
            source = ox.NamedNode(str(ns.source_iri(base, ns.source_of_graph(name))))
            links.add(ox.Quad(quad.subject, ox.NamedNode(DCT + "source"), source, quad.graph_name))
    return quads + sorted(links, key=str)


def check_sources_described(quads: list[ox.Quad], base: str) -> None:
    """Every graph's source document must be described in the catalogue."""
    described = {
        q.subject.value for q in quads
        if q.predicate == rdfize.RDF_TYPE and q.object.value == base + MG_SOURCE_DOCUMENT
    }
    graph_prefix = base + "graph/"
    used = {
        ns.source_of_graph(q.graph_name.value.removeprefix(graph_prefix))
        for q in quads if isinstance(q.graph_name, ox.NamedNode)
    } - {"ontology"}
    missing = sorted(s for s in used if str(ns.source_iri(base, s)) not in described)
    if missing:
        raise DataError(
            "statements come from source(s) not described in data/catalog.ttl: "
            + ", ".join(missing)
        )


def read_inputs(settings: dict[str, Any], progress: Progress = _stderr) -> list[ox.Quad]:
    """Every input quad in RDF 1.1: evidence checked against the seed pages and turned into
    statements and annotations (:mod:`.evidence`), sources linked and described."""
    base, seeds_dir = settings["base_iri"], Path(settings["seeds_dir"])
    if not seeds_dir.is_dir():
        progress(f"  {seeds_dir} not found: evidence phrases checked for form only")
    quads = evidence.apply(collect_quads(Path(settings["project_dir"]), base), base, seeds_dir)
    linked = add_source_links(quads, base)
    # the regions' figures, from their members' (which the source links make claims of)
    quads = linked + add_source_links(aggregates.region_figures(linked, base), base)
    check_sources_described(quads, base)
    return quads + preferred_labels.preferred_label_quads(quads, base)


def canonical_dump(quads: list[ox.Quad]) -> tuple[bytes, bytes]:
    """Canonical N-Quads of the named graphs, and N-Triples of their set-union.

    Lines are sorted; blank nodes (the curated data has none) are relabelled by RDFC-1.0 first.
    The union becomes the store's default graph: Oxigraph's ``use_default_graph_as_union``
    yields a triple once per graph holding it (bag semantics), so COUNT and SUM over facts
    stated by two sources would come out doubled, whereas SPARQL's default graph is a set.
    """
    if any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object)):
        dataset = ox.Dataset(quads)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        quads = list(dataset)
    text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    nquads = b"\n".join(sorted(set(text.splitlines()))) + b"\n"
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    return nquads, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def release_id(nquads: bytes) -> str:
    """Content hash of the canonical N-Quads: same inputs, same id."""
    return hashlib.sha256(nquads).hexdigest()[:16]


def counts(quads: list[ox.Quad]) -> dict[str, dict[str, int]]:
    """Quads per graph; distinct instances per class."""
    per_graph = Counter(
        q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else "(default graph: union)"
        for q in quads
    )
    typed = {(q.subject, q.object.value) for q in quads if q.predicate == rdfize.RDF_TYPE}
    per_class = Counter(cls for _, cls in typed)
    return {"graphs": dict(sorted(per_graph.items())), "classes": dict(sorted(per_class.items()))}


def smoke_run_queries(store_path: Path, project_dir: Path, base: str) -> dict[str, int]:
    """Run every query in queries/ against the staged store; each must return its minimum."""
    db = ox.Store.read_only(str(store_path))
    rows: dict[str, int] = {}
    try:
        for query in inputs.read_queries(project_dir):
            try:
                result = query_catalogue.run(db, query, base)
            except (SyntaxError, RuntimeError) as exc:
                raise DataError(f"{query.path}: {exc}") from exc
            n = int(bool(result)) if isinstance(result, ox.QueryBoolean) else sum(1 for _ in result)
            # the solutions may only be dropped in this thread: an exception raised below would
            # carry them (through this frame) to the thread that reads the future
            del result
            minimum = int(query.meta.get("min-rows", "1"))
            if n < minimum:
                raise DataError(f"{query.path}: returned {n} rows, expected at least {minimum}")
            rows[query.name] = n
    finally:
        del db
    return rows


def _write_and_smoke_run(staging: Path, nquads: bytes, union: bytes, project_dir: Path,
                         base: str) -> dict[str, int]:
    """Write the store, then run queries/ against it (both mostly outside the GIL)."""
    folders.write_store(staging, nquads, union)
    return smoke_run_queries(staging / folders.STORE_DIRNAME, project_dir, base)


def _validate(quads: list[ox.Quad], project_dir: Path, base: str, var_dir: Path) -> shacl_gate.Report:
    """Run the SHACL gate; on violations write the full report and raise ValidationFailed."""
    shapes = shacl_gate.load_shapes(inputs.shape_files(project_dir), base)
    report = shacl_gate.validate(shacl_gate.to_rdflib(quads), shapes)
    if not report.conforms:
        reports_dir = var_dir / "reports"
        reports_dir.mkdir(parents=True, exist_ok=True)
        failed = reports_dir / "last-failed-shacl-report.ttl"
        failed.write_text(report.turtle())
        raise ValidationFailed(
            f"SHACL validation failed with {report.violations} violation(s); "
            f"full report: {failed}\n{shacl_gate.summarize(report)}",
            report.text, report.turtle(),
        )
    return report


def build(settings: dict[str, Any], progress: Progress = _stderr) -> folders.Release:
    """Build a release from the inputs and make it current; raise on any failure."""
    started = time.monotonic()
    base = settings["base_iri"]
    project_dir, var_dir = Path(settings["project_dir"]), Path(settings["var_dir"])

    timings: dict[str, float] = {}
    mark = time.monotonic()

    def lap(step: str) -> None:
        nonlocal mark
        now = time.monotonic()
        timings[step] = round(now - mark, 2)
        mark = now

    progress("reading ontology/ and data/ ...")
    quads = read_inputs(settings, progress)
    progress(f"  {len(quads)} quads")
    lap("read")

    nquads, union = canonical_dump(quads)
    rid = release_id(nquads)
    staging = folders.new_staging_dir(var_dir)
    try:
        # The store is written and the catalogue queries run in a thread (pyoxigraph's loader
        # and query engine run without the GIL) while SHACL validates; nothing is published
        # unless all succeed.
        with ThreadPoolExecutor(max_workers=2) as pool:
            progress(f"writing release {rid} and running queries/ while validating (SHACL) ...")
            written = pool.submit(_write_and_smoke_run, staging, nquads, union, project_dir, base)
            # search index, dumps, VoID/DCAT, SPARQL examples: also beside the validation
            described = pool.submit(self_description.write_release_files, staging, nquads, rid, base,
                                    project_dir)
            report = _validate(quads, project_dir, base, var_dir)
            lap("validate")
            query_rows = written.result()
            lap("write and queries (after validation)")
            publication = described.result()
            lap("self-description (after validation)")
        (staging / "shacl-report.ttl").write_text(report.turtle())
        meta = {
            "release_id": rid,
            "base_iri": base,
            "built_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "quads": len(quads),
            "counts": counts(quads),
            "query_rows": query_rows,
            "shacl_conforms": True,
            "build_seconds": round(time.monotonic() - started, 2),
            "step_seconds": timings,
            "publication": publication,
        }
        release = folders.publish(staging, meta, var_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    progress(f"release {rid} is current ({len(quads)} quads, {meta['build_seconds']} s)")
    return release


def format_counts(meta: dict[str, Any]) -> str:
    """Counts per graph and class as aligned text."""
    lines = ["graphs:"]
    lines += [f"  {n:>8}  {g}" for g, n in meta["counts"]["graphs"].items()]
    lines.append("classes:")
    lines += [f"  {n:>8}  {c}" for c, n in meta["counts"]["classes"].items()]
    return "\n".join(lines)
