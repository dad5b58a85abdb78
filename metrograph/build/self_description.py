"""Self-description of a release, generated at build time: VoID, DCAT, SPARQL examples.

The build calls :func:`write_release_files`, which writes into the release folder:

* ``search.sqlite`` — the label search index (:mod:`metrograph.store.label_search`);
* ``dumps/`` — N-Quads and Turtle dumps with checksums (:mod:`metrograph.build.dumps`);
* ``void.ttl`` — VoID statistics of the release (:func:`void_graph`) and the DCAT description
  of the dataset, its dumps and its SPARQL endpoint (:func:`dcat_graph`), served at
  ``/.well-known/void``;
* ``dcat.ttl`` — the DCAT part alone, served by content negotiation at ``/dumps/``;
* ``sparql-examples.ttl`` — the query catalogue (``queries/*.rq``) in the SIB sparql-examples
  convention (``sh:SPARQLExecutable``, ``sh:select``, ``rdfs:comment``, ``schema:target``),
  served at ``/.well-known/sparql-examples``.

Every number is counted from the release's own quads with the same semantics SPARQL uses over
the served store: the default graph is the *set* union of the named graphs (``void:triples`` =
``SELECT (COUNT(*) AS ?n) { ?s ?p ?o }``), a named graph's ``void:triples`` counts its distinct
quads, a class partition's ``void:entities`` counts distinct instances (``COUNT(DISTINCT ?s)``
of ``?s a C``), a property partition's ``void:triples`` the triples with that predicate, and
``void:entities`` the distinct subjects under the base IRI. The tests compare each with SPARQL.

Every IRI here is under the persistent base (``<base>sparql``, ``<base>dumps/…``), like the
data: the documents say the same in every deployment.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from metrograph.build import dumps as dump_files
from metrograph.build import inputs, search_index
from metrograph.errors import DataError
from metrograph.model import namespaces as ns
from metrograph.model.namespaces import SCHEMA, SD, SH, VOID
from metrograph.store import label_search

__all__ = ["Statistics", "dcat_graph", "sparql_examples_graph", "statistics", "void_graph",
           "write_release_files"]

_PACKAGE_PARENT = Path(__file__).resolve().parents[2]
VOID_FILENAME = "void.ttl"
DCAT_FILENAME = "dcat.ttl"
EXAMPLES_FILENAME = "sparql-examples.ttl"
SPEX = "https://purl.expasy.org/sparql-examples/ontology#"
SPDX = "http://spdx.org/rdf/terms#"
IANA = "http://www.iana.org/assignments/media-types/"
FORMATS = "http://www.w3.org/ns/formats/"
WIKIDATA = "http://www.wikidata.org/entity/"
RDF_TYPE = str(RDF.type)
#: Predicates that link our resources to the same thing elsewhere (the linksets).
LINK_PREDICATES = (
    "http://www.w3.org/2002/07/owl#sameAs", str(SKOS.exactMatch), str(SKOS.closeMatch),
)
#: Example resources named in the VoID (those present in the release are listed).
EXAMPLE_RESOURCES = ("id/region/hbgw", "id/network/ikm", "id/kreis/03358",
                     "id/gemeinde/03358021", "id/land/03")


@dataclass
class Statistics:
    """Counts with SPARQL's semantics over the served store (see the module docstring)."""

    triples: int = 0
    entities: int = 0
    distinct_subjects: int = 0
    distinct_objects: int = 0
    graphs: dict[str, int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)
    properties: dict[str, int] = field(default_factory=dict)
    links: dict[tuple[str, str], int] = field(default_factory=dict)  # (predicate, target) -> n
    subjects: frozenset[str] = frozenset()


def statistics(nquad_lines: Sequence[bytes], union_lines: Sequence[bytes],
               base: str) -> Statistics:
    """Count the named-graph quads and their union (the served default graph).

    Works on the canonical N-Quads lines (distinct, one term per IRI or literal spelling) and
    the union's N-Triples lines: a term's N-Triples text identifies it, and splitting text is
    several times faster than building a Python object per term.
    """
    graphs: Counter[str] = Counter()
    for line in nquad_lines:
        graphs[line[line.rindex(b" <", 0, len(line) - 2) + 2:-3].decode()] += 1
    properties: Counter[bytes] = Counter()
    instances: dict[bytes, set[bytes]] = defaultdict(set)
    links: Counter[tuple[str, str]] = Counter()
    subjects: set[bytes] = set()
    objects: set[bytes] = set()
    rdf_type = b"<" + RDF_TYPE.encode() + b">"
    link_predicates = {b"<" + p.encode() + b">" for p in LINK_PREDICATES}
    wikidata = b"<" + WIKIDATA.encode()
    for line in union_lines:
        s, p, o = line[:-2].split(b" ", 2)
        properties[p] += 1
        subjects.add(s)
        objects.add(o)
        if p == rdf_type:
            instances[o].add(s)
        elif p in link_predicates and o.startswith(wikidata):
            links[(p[1:-1].decode(), WIKIDATA)] += 1
    ours = b"<" + base.encode()
    own_subjects = frozenset(s[1:-1].decode() for s in subjects if s.startswith(ours))
    return Statistics(
        triples=len(union_lines), entities=len(own_subjects),
        distinct_subjects=len(subjects), distinct_objects=len(objects),
        graphs=dict(sorted(graphs.items())),
        classes={c[1:-1].decode(): len(s) for c, s in sorted(instances.items())
                 if c.startswith(b"<")},
        properties={p[1:-1].decode(): n for p, n in sorted(properties.items())},
        links=dict(sorted(links.items())), subjects=own_subjects)


def _int(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def _dataset_description(nquad_lines: Sequence[bytes],
                         base: str) -> list[tuple[str, ox.Term]]:
    """What the catalogue says about ``<base>dataset`` (title, description, licence, …)."""
    subject = b"<" + str(ns.dataset_iri(base)).encode() + b"> "
    wanted = {str(DCTERMS.title), str(DCTERMS.description), str(DCTERMS.license),
              str(DCTERMS.language)}
    lines = b"\n".join(line for line in nquad_lines if line.startswith(subject))
    found = {(q.predicate.value, q.object)
             for q in ox.parse(lines, format=ox.RdfFormat.N_QUADS)
             if q.predicate.value in wanted}
    return sorted(found, key=lambda po: (po[0], str(po[1])))


def _term(value: ox.Term) -> URIRef | Literal:
    if isinstance(value, ox.NamedNode):
        return URIRef(value.value)
    assert isinstance(value, ox.Literal)
    if value.language:
        return Literal(value.value, lang=value.language)
    return Literal(value.value, datatype=URIRef(value.datatype.value))


def _graph(base: str) -> Graph:
    g = Graph()
    for prefix, iri in {**ns.prefixes(base), "spdx": SPDX, "spex": SPEX,
                        "formats": FORMATS}.items():
        g.bind(prefix, iri, override=True, replace=True)
    return g


def void_iri(base: str, fragment: str = "") -> URIRef:
    return URIRef(base + ".well-known/void" + (f"#{fragment}" if fragment else ""))


def void_graph(stats: Statistics, base: str, release_id: str, built_at: str,
               dumps: Sequence[dump_files.Dump],
               described: Sequence[tuple[str, ox.Term]] = ()) -> Graph:
    """The VoID description of the release (statistics, partitions, linksets, access)."""
    g = _graph(base)
    dataset = ns.dataset_iri(base)
    g.add((dataset, RDF.type, VOID.Dataset))
    for p, o in described:
        g.add((dataset, URIRef(p), _term(o)))
    g.add((dataset, DCTERMS.identifier, Literal(release_id)))
    g.add((dataset, DCTERMS.modified, Literal(built_at, datatype=XSD.dateTime)))
    g.add((dataset, VOID.uriSpace, Literal(base)))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(base + "sparql")))
    g.add((dataset, VOID.rootResource, URIRef(base + "id/region/")))
    for dump in dumps:
        g.add((dataset, VOID.dataDump, URIRef(base + "dumps/" + dump.name)))
    g.add((dataset, VOID.feature, URIRef(FORMATS + "N-Quads")))
    g.add((dataset, VOID.feature, URIRef(FORMATS + "Turtle")))
    for path in EXAMPLE_RESOURCES:
        if base + path in stats.subjects:
            g.add((dataset, VOID.exampleResource, URIRef(base + path)))
    namespaces = {_namespace_of(p) for p in stats.properties} | {
        _namespace_of(c) for c in stats.classes}
    for vocabulary in sorted(n for n in namespaces if n):
        g.add((dataset, VOID.vocabulary, URIRef(vocabulary)))

    g.add((dataset, VOID.triples, _int(stats.triples)))
    g.add((dataset, VOID.entities, _int(stats.entities)))
    g.add((dataset, VOID.distinctSubjects, _int(stats.distinct_subjects)))
    g.add((dataset, VOID.distinctObjects, _int(stats.distinct_objects)))
    g.add((dataset, VOID.properties, _int(len(stats.properties))))
    g.add((dataset, VOID.classes, _int(len(stats.classes))))
    for cls, n in stats.classes.items():
        node = BNode()
        g.add((dataset, VOID.classPartition, node))
        g.add((node, VOID["class"], URIRef(cls)))
        g.add((node, VOID.entities, _int(n)))
    for prop, n in stats.properties.items():
        node = BNode()
        g.add((dataset, VOID.propertyPartition, node))
        g.add((node, VOID.property, URIRef(prop)))
        g.add((node, VOID.triples, _int(n)))
    graph_prefix = base + "graph/"
    for name, n in stats.graphs.items():
        local = name.removeprefix(graph_prefix)
        node = void_iri(base, "graph-" + re.sub(r"[^\w.-]", "-", local))
        g.add((dataset, VOID.subset, node))
        g.add((node, RDF.type, VOID.Dataset))
        g.add((node, RDF.type, SD.NamedGraph))
        g.add((node, SD.name, URIRef(name)))
        g.add((node, VOID.triples, _int(n)))
        if local != "ontology":
            from metrograph.model.namespaces import source_of_graph

            g.add((node, DCTERMS.source, ns.source_iri(base, source_of_graph(local))))
    if stats.links:
        wikidata = void_iri(base, "wikidata")
        g.add((wikidata, RDF.type, VOID.Dataset))
        g.add((wikidata, DCTERMS.title, Literal("Wikidata", lang="en")))
        g.add((wikidata, FOAF.homepage, URIRef("https://www.wikidata.org/")))
        g.add((wikidata, VOID.uriSpace, Literal(WIKIDATA)))
        g.add((wikidata, VOID.sparqlEndpoint, URIRef("https://query.wikidata.org/sparql")))
    for (predicate, _target), n in stats.links.items():
        local = predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        linkset = void_iri(base, f"wikidata-{local}")
        g.add((dataset, VOID.subset, linkset))
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((linkset, VOID.subjectsTarget, dataset))
        g.add((linkset, VOID.objectsTarget, void_iri(base, "wikidata")))
        g.add((linkset, VOID.linkPredicate, URIRef(predicate)))
        g.add((linkset, VOID.triples, _int(n)))
    return g


def _namespace_of(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            head = iri.rsplit(sep, 1)[0] + sep
            if head.startswith(("http://", "https://")) and len(head) > len("https://x/"):
                return head
    return ""


def dcat_graph(base: str, release_id: str, built_at: str, dumps: Sequence[dump_files.Dump],
               described: Sequence[tuple[str, ox.Term]] = ()) -> Graph:
    """DCAT: the dataset, one distribution per dump (size, checksum), the SPARQL service."""
    g = _graph(base)
    spdx = lambda local: URIRef(SPDX + local)  # noqa: E731
    dataset = ns.dataset_iri(base)
    g.add((dataset, RDF.type, DCAT.Dataset))
    for p, o in described:
        g.add((dataset, URIRef(p), _term(o)))
    g.add((dataset, DCTERMS.identifier, Literal(release_id)))
    g.add((dataset, DCTERMS.modified, Literal(built_at, datatype=XSD.dateTime)))
    g.add((dataset, DCAT.landingPage, URIRef(base + "dumps/")))
    licences = [o for p, o in described if p == str(DCTERMS.license)]
    for dump in dumps:
        dist = URIRef(base + "dumps/#" + dump.name)
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(dump.name)))
        g.add((dist, DCTERMS.description, Literal(
            f"{dump.description}; release {release_id}; {dump.statements} statements; "
            "gzip file (no Content-Encoding).", lang="en")))
        g.add((dist, DCTERMS.identifier, Literal(release_id)))
        g.add((dist, DCTERMS.issued, Literal(built_at, datatype=XSD.dateTime)))
        g.add((dist, DCAT.downloadURL, URIRef(base + "dumps/" + dump.name)))
        g.add((dist, DCAT.accessURL, URIRef(base + "dumps/")))
        g.add((dist, DCAT.mediaType, URIRef(IANA + dump.media_type)))
        g.add((dist, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
        g.add((dist, DCTERMS["format"], URIRef(FORMATS + ("N-Quads" if dump.format == "nq"
                                                           else "Turtle"))))
        g.add((dist, DCAT.byteSize, Literal(dump.bytes, datatype=XSD.nonNegativeInteger)))
        for licence in licences:
            g.add((dist, DCTERMS.license, _term(licence)))
        checksum = URIRef(base + "dumps/#" + dump.name + "-sha256")
        g.add((dist, spdx("checksum"), checksum))
        g.add((checksum, RDF.type, spdx("Checksum")))
        g.add((checksum, spdx("algorithm"), spdx("checksumAlgorithm_sha256")))
        g.add((checksum, spdx("checksumValue"), Literal(dump.sha256, datatype=XSD.hexBinary)))
    service = URIRef(base + "sparql")
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("metrograph SPARQL endpoint", lang="en")))
    g.add((service, DCAT.endpointURL, service))
    g.add((service, DCAT.endpointDescription, service))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((service, DCAT.servesDataset, dataset))
    return g


_PREFIXED = re.compile(r"(?<![\w<:?$\"'])([A-Za-z][\w-]*)?:")


def used_prefixes(query: str, known: dict[str, str]) -> list[str]:
    """Prefixes the query text uses (outside IRIs), in the order of ``known``."""
    text = re.sub(r"<[^>\s]*>|\"[^\"\n]*\"|'[^'\n]*'|#[^\n]*", " ", query)
    used = {m.group(1) or "" for m in _PREFIXED.finditer(text)}
    return [p for p in known if p in used]


def sparql_examples_graph(project_dir: Path, base: str) -> Graph:
    """``queries/*.rq`` as SPARQL examples (SIB convention, with ``spex:`` for DESCRIBE)."""
    from metrograph.sparql.protocol import query_form

    g = _graph(base)
    sh_ = lambda local: URIRef(str(SH) + local)  # noqa: E731
    known = ns.prefixes(base)
    declarations = URIRef(base + ".well-known/sparql-examples#prefixes")
    g.add((declarations, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Ontology")))
    for prefix, iri in known.items():
        node = BNode()
        g.add((declarations, sh_("declare"), node))
        g.add((node, sh_("prefix"), Literal(prefix)))
        g.add((node, sh_("namespace"), Literal(iri, datatype=XSD.anyURI)))
    endpoint = URIRef(base + "sparql")
    forms = {"SELECT": ("SPARQLSelectExecutable", sh_("select")),
             "ASK": ("SPARQLAskExecutable", sh_("ask")),
             "CONSTRUCT": ("SPARQLConstructExecutable", sh_("construct")),
             "DESCRIBE": (None, URIRef(SPEX + "describe"))}
    for query in inputs.read_queries(Path(project_dir)):
        body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#+"))
        form = query_form(body)
        if form is None:
            continue
        kind, predicate = forms[form]
        prologue = "".join(f"PREFIX {p}: <{known[p]}>\n" for p in used_prefixes(body, known))
        example = URIRef(base + ".well-known/sparql-examples#" + query.name)
        g.add((example, RDF.type, sh_("SPARQLExecutable")))
        if kind:
            g.add((example, RDF.type, sh_(kind)))
        g.add((example, sh_("prefixes"), declarations))
        g.add((example, predicate, Literal(prologue + body.strip() + "\n")))
        g.add((example, SCHEMA.target, endpoint))
        g.add((example, DCTERMS.identifier, Literal(query.name)))
        title_de, _, title_en = query.title.partition(" / ")
        g.add((example, RDFS.label, Literal(title_de.strip(), lang="de")))
        if title_en:
            g.add((example, RDFS.label, Literal(title_en.strip(), lang="en")))
        comment = query.description
        for parameter in query.parameters:
            default = parameter.default or "none"
            comment += (f" Parameter ?{parameter.name} ({parameter.type}, default {default}): "
                        f"{parameter.help}")
        if comment:
            g.add((example, RDFS.comment, Literal(comment.strip(), lang="en")))
    return g


def _write_turtle(graph: Graph, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    graph.serialize(destination=str(tmp), format="turtle", encoding="utf-8")
    tmp.replace(path)


def write_release_files(release_dir: Path, nquads: bytes, release_id: str, base: str,
                        project_dir: Path, built_at: str | None = None) -> dict[str, Any]:
    """Write the search index, the dumps, VoID/DCAT and the SPARQL examples of a release, in a
    fresh interpreter; return a summary for ``release.json``.

    The build calls this from a thread while SHACL validates in its main thread. The work is
    mostly Python, and a Python thread competing for the GIL made the validation about as much
    slower as the work took (measured: a busy thread doubled the validation time), so it runs
    in a process of its own that gets ``nquads`` on stdin and uses the other core.
    """
    args = json.dumps({"release_dir": str(release_dir), "release_id": release_id, "base": base,
                       "project_dir": str(project_dir), "built_at": built_at})
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(_PACKAGE_PARENT), env.get("PYTHONPATH", "")) if p)
    proc = subprocess.run(
        [sys.executable, "-c", "from metrograph.build.self_description import _main; _main()", args],
        input=nquads, capture_output=True, env=env, check=False)
    if proc.returncode != 0:
        raise DataError("writing the search index, dumps and VoID failed:\n"
                        + proc.stderr.decode("utf-8", "replace")[-4000:])
    return json.loads(proc.stdout)


def _main() -> None:
    """Entry point of the process started by :func:`write_release_files`."""
    args = json.loads(sys.argv[-1])
    nquads = sys.stdin.buffer.read()
    summary = write_release_files_here(
        Path(args["release_dir"]), nquads, args["release_id"], args["base"],
        Path(args["project_dir"]), args["built_at"])
    sys.stdout.write(json.dumps(summary))


def write_release_files_here(release_dir: Path, nquads: bytes, release_id: str, base: str,
                             project_dir: Path, built_at: str | None = None) -> dict[str, Any]:
    """:func:`write_release_files` in this process. ``nquads`` are the release's canonical
    N-Quads (named graphs, sorted distinct lines). The dumps are written in a thread of their
    own (gzip runs without the GIL) while the index and the statistics are computed.
    """
    release_dir = Path(release_dir)
    built_at = built_at or datetime.now(UTC).replace(microsecond=0).isoformat()
    lines = [line for line in nquads.split(b"\n") if line]
    union_lines = dump_files.triple_lines(lines)
    with ThreadPoolExecutor(max_workers=1) as pool:
        dumped = pool.submit(dump_files.write_dumps, release_dir, release_id, nquads, base,
                             union_lines)
        entities = search_index.build_index(lines, base,
                                            release_dir / label_search.INDEX_FILENAME, release_id)
        stats = statistics(lines, union_lines, base)
        described = _dataset_description(lines, base)
        _write_turtle(sparql_examples_graph(project_dir, base), release_dir / EXAMPLES_FILENAME)
        dumps = dumped.result()
    dcat = dcat_graph(base, release_id, built_at, dumps, described)
    _write_turtle(dcat, release_dir / DCAT_FILENAME)
    void = void_graph(stats, base, release_id, built_at, dumps, described)
    for triple in dcat:
        void.add(triple)
    _write_turtle(void, release_dir / VOID_FILENAME)
    return {"search_entities": entities, "void_triples": stats.triples,
            "dumps": {d.name: d.sha256 for d in dumps}}
