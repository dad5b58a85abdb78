"""Evidence for what the seed pages say, and the rules behind what the project derives.

In the curated inputs a statement carries its evidence as an RDF 1.2 annotation::

    network:ikm skos:altLabel "IKM" {| oa:exact "IKM" ; oa:suffix "-Sprecher" |} .

(``data/tables/memberships.csv`` gives the same in its ``evidence`` column.) Each annotation is
a short verbatim phrase of the graph's source page — a W3C Web Annotation
``oa:TextQuoteSelector``: ``oa:exact``, with ``oa:prefix``/``oa:suffix`` (the text right
before/after it) where the phrase alone occurs more than once. The build checks every phrase
against the page's text (``seeds_dir``, whitespace runs read as one space) and refuses, naming
the triple, a statement of a seed graph that has no evidence, a phrase that is not found or not
unique, and a phrase longer than :data:`MAX_WORDS` words. Three kinds of triple rest on the
evidence of others and need none of their own (:func:`covered`):

* a translation: a literal in another language beside an evidenced German one of the same
  subject and property;
* a subject's ``rdf:type`` when another statement about the subject has evidence;
* a link from a subject to one of its own parts (``<x> mg:memberCount <x#count>``) when the
  part has evidence.

Statements in ``graph/derived`` (``data/derived.ttl``) are the project's own conclusions; each
is annotated with ``mg:rule`` (how it was concluded), ``prov:wasDerivedFrom`` (the statements it
rests on, written as triple terms ``<<( s p o )>>``; each must be stated in some graph) and
``mg:confidence``.

Triple terms are RDF 1.2, which the remote store, rdflib and pySHACL do not read, so the release
holds the RDF 1.1 form: an ``rdf:Statement`` per evidenced or derived triple, and per phrase an
``oa:Annotation`` whose target is the phrase in the source (``oa:SpecificResource`` with
``oa:hasSource`` the source document and the selector) and whose bodies are the statements it
supports (:func:`apply`).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from metrograph.errors import DataError
from metrograph.model.namespaces import source_of_graph
from metrograph.model.statements import OA, statement_iri

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
MG = "ontology#"  # under the base
REIFIES = ox.NamedNode(RDF + "reifies")
RDF_TYPE = ox.NamedNode(RDF + "type")
#: a phrase locates a statement; it is not a quotation of whole sentences
MAX_WORDS = 12
SEED_ID = re.compile(r"^seed-(\d{3})$")
DERIVED_GRAPH = "derived"
SOURCE_LANGUAGE = "de"


@dataclass(frozen=True)
class Quote:
    """One phrase of a source page: the Web Annotation text quote selector's three parts."""

    exact: str
    prefix: str = ""
    suffix: str = ""


def normalize(text: str) -> str:
    """Runs of whitespace as one space (the pages' line breaks are not part of a phrase)."""
    return re.sub(r"\s+", " ", text).strip()


def seed_texts(quads: Iterable[ox.Quad], base: str, seeds_dir: Path) -> dict[str, str] | None:
    """The text of each seed graph's page by graph name, from the catalogue's ``dct:identifier
    "seed-NNN"`` and the file ``NNN_*.txt`` in ``seeds_dir``; None when the folder is absent."""
    if not seeds_dir.is_dir():
        return None
    texts: dict[str, str] = {}
    for graph, number in seed_graphs(quads, base).items():
        files = sorted(seeds_dir.glob(f"{number}_*.txt"))
        if len(files) != 1:
            raise DataError(f"{seeds_dir}: expected one file {number}_*.txt for graph {graph!r}, "
                            f"found {len(files)}")
        texts[graph] = normalize(files[0].read_text(encoding="utf-8"))
    return texts


def seed_graphs(quads: Iterable[ox.Quad], base: str) -> dict[str, str]:
    """Graph name → seed number, for the source documents the catalogue marks as seed pages."""
    graphs: dict[str, str] = {}
    prefix = base + "source/"
    for q in quads:
        if q.predicate.value == DCT + "identifier" and isinstance(q.object, ox.Literal):
            match = SEED_ID.match(q.object.value)
            if match and q.subject.value.startswith(prefix):
                graphs[q.subject.value.removeprefix(prefix)] = match.group(1)
    return graphs


def describe(triple: ox.Triple, base: str) -> str:
    """A triple as a person reads it in the data files (own IRIs shortened to their path)."""
    return " ".join(f"<{t.value.removeprefix(base)}>" if isinstance(t, ox.NamedNode) else str(t)
                    for t in (triple.subject, triple.predicate, triple.object))


def _split(quads: list[ox.Quad]) -> tuple[list[ox.Quad], dict[tuple[ox.Triple, str], list[dict]]]:
    """The plain quads, and per (triple, graph) the annotations (property → values) on it."""
    reified: dict[tuple[ox.BlankNode, str], ox.Triple] = {}
    for q in quads:
        if q.predicate == REIFIES:
            if not isinstance(q.subject, ox.BlankNode) or not isinstance(q.object, ox.Triple):
                raise DataError(f"graph {q.graph_name.value}: rdf:reifies is for annotations "
                                "({| ... |}) only")
            reified[(q.subject, q.graph_name.value)] = q.object
    notes: dict[tuple[ox.BlankNode, str], dict[str, list[ox.Term]]] = defaultdict(
        lambda: defaultdict(list))
    plain: list[ox.Quad] = []
    for q in quads:
        key = (q.subject, q.graph_name.value) if isinstance(q.subject, ox.BlankNode) else None
        if key in reified:
            if q.predicate != REIFIES:
                notes[key][q.predicate.value].append(q.object)
        else:
            plain.append(q)
    annotations: dict[tuple[ox.Triple, str], list[dict]] = defaultdict(list)
    for key, triple in reified.items():
        annotations[(triple, key[1])].append(dict(notes[key]))
    return plain, annotations


def _one_string(values: list[ox.Term] | None, what: str, where: str) -> str:
    if not values:
        return ""
    if len(values) > 1 or not isinstance(values[0], ox.Literal):
        raise DataError(f"{where}: {what} must be one string")
    return values[0].value


def _quote(note: dict[str, list[ox.Term]], where: str) -> Quote:
    exact = _one_string(note.get(OA + "exact"), "oa:exact", where)
    if not exact.strip():
        raise DataError(f"{where}: the annotation has no oa:exact phrase")
    return Quote(normalize(exact), _one_string(note.get(OA + "prefix"), "oa:prefix", where),
                 _one_string(note.get(OA + "suffix"), "oa:suffix", where))


def check_quote(quote: Quote, text: str | None, where: str) -> None:
    """Refuse a phrase that is too long, or (with the page's text) not found or not unique."""
    words = len(quote.exact.split())
    if words > MAX_WORDS:
        raise DataError(f"{where}: the phrase has {words} words (at most {MAX_WORDS}: a few "
                        f"words that locate the statement, not whole sentences): {quote.exact!r}")
    if text is None:
        return
    if quote.exact not in text:
        raise DataError(f"{where}: the phrase {quote.exact!r} is not in the source's text")
    context = quote.prefix + quote.exact + quote.suffix
    found = text.count(context)
    if found == 0:
        raise DataError(f"{where}: {quote.exact!r} is in the source's text, but not with the "
                        f"prefix {quote.prefix!r} and suffix {quote.suffix!r}")
    if found > 1:
        raise DataError(f"{where}: {context!r} occurs {found} times in the source's text; add "
                        "oa:prefix or oa:suffix (the words right before or after it) to pick one")


def covered(triple: ox.Triple, evidenced: set[ox.Triple], subjects: set[ox.Term]) -> bool:
    """Whether a triple without evidence of its own rests on others' (see the module doc)."""
    s, p, o = triple.subject, triple.predicate, triple.object
    if p == RDF_TYPE:
        return s in subjects
    if isinstance(o, ox.Literal) and o.language and o.language != SOURCE_LANGUAGE:
        return any(t.subject == s and t.predicate == p and isinstance(t.object, ox.Literal)
                   and t.object.language == SOURCE_LANGUAGE for t in evidenced)
    if isinstance(o, ox.NamedNode) and isinstance(s, ox.NamedNode) \
            and o.value.startswith(s.value + "#"):
        return o in subjects
    return False


def apply(quads: list[ox.Quad], base: str, seeds_dir: Path | None) -> list[ox.Quad]:
    """Check the evidence of every seed graph and the rules of the derived graph, and return
    the quads in RDF 1.1: annotations turned into statements and Web Annotations."""
    plain, annotations = _split(quads)
    seeds = seed_graphs(plain, base)
    texts = seed_texts(plain, base, seeds_dir) if seeds_dir is not None else None
    per_graph: dict[str, set[ox.Triple]] = defaultdict(set)
    for q in plain:
        per_graph[q.graph_name.value].add(ox.Triple(q.subject, q.predicate, q.object))
    out = list(plain)
    statements: dict[tuple[ox.Triple, str], ox.NamedNode] = {}

    def statement(triple: ox.Triple, graph: str) -> ox.NamedNode:
        key = (triple, graph)
        if key not in statements:
            node = ox.NamedNode(statement_iri(_source_iri(graph, base), triple))
            statements[key] = node
            g = ox.NamedNode(graph)
            out.extend(ox.Quad(node, ox.NamedNode(RDF + p), v, g) for p, v in (
                ("type", ox.NamedNode(RDF + "Statement")), ("subject", triple.subject),
                ("predicate", triple.predicate), ("object", triple.object)))
        return statements[key]

    graph_prefix = base + "graph/"
    for graph, triples in sorted(per_graph.items()):
        name = graph.removeprefix(graph_prefix)
        notes = {t: annotations.get((t, graph), []) for t in triples}
        if name in seeds:
            text = texts.get(name) if texts is not None else None
            out += _evidence(name, graph, notes, text, base, statement)
        elif name == DERIVED_GRAPH:
            out += _derivations(graph, notes, per_graph, base, statement)
        elif any(notes.values()):
            triple = next(t for t, n in notes.items() if n)
            raise DataError(f"graph {name!r} is neither a seed page's nor the derived graph; its "
                            f"annotation on {describe(triple, base)} has no meaning here")
    return out


def _source_iri(graph: str, base: str) -> str:
    return f"{base}source/{source_of_graph(graph.removeprefix(base + 'graph/'))}"


def _evidence(name: str, graph: str, notes: dict[ox.Triple, list[dict]], text: str | None,
              base: str, statement) -> list[ox.Quad]:
    where = f"graph {name!r} (data/statements/{name}.ttl or a table row with source {name})"
    quotes: dict[Quote, list[ox.Triple]] = defaultdict(list)
    for triple, triple_notes in notes.items():
        for note in triple_notes:
            unknown = set(note) - {OA + "exact", OA + "prefix", OA + "suffix"}
            if unknown:
                raise DataError(f"{where}: {describe(triple, base)}: an annotation of a seed "
                                f"graph holds oa:exact, oa:prefix and oa:suffix only, not "
                                f"{sorted(unknown)}")
            quotes[_quote(note, f"{where}: {describe(triple, base)}")].append(triple)
    evidenced = {t for ts in quotes.values() for t in ts}
    subjects = {t.subject for t in evidenced}
    missing = sorted((t for t in notes if t not in evidenced
                      and not covered(t, evidenced, subjects)), key=str)
    if missing:
        shown = "\n  ".join(describe(t, base) for t in missing[:20])
        more = f"\n  … and {len(missing) - 20} more" if len(missing) > 20 else ""
        raise DataError(f"{where}: {len(missing)} statement(s) without evidence from the source "
                        f"(annotate each with {{| oa:exact \"…\" |}}):\n  {shown}{more}")
    out: list[ox.Quad] = []
    g = ox.NamedNode(graph)
    source = ox.NamedNode(_source_iri(graph, base))
    for quote, triples in sorted(quotes.items(), key=lambda item: (item[0].exact, item[0].prefix)):
        check_quote(quote, text, f"{where}: {describe(triples[0], base)}")
        key = hashlib.sha256("\x1f".join((quote.prefix, quote.exact, quote.suffix)).encode())
        node = f"{source.value}#quote-{key.hexdigest()[:12]}"
        annotation, target, selector = (ox.NamedNode(node + s) for s in ("", "-target",
                                                                          "-selector"))
        out += [ox.Quad(annotation, RDF_TYPE, ox.NamedNode(OA + "Annotation"), g),
                ox.Quad(annotation, ox.NamedNode(OA + "motivatedBy"),
                        ox.NamedNode(OA + "describing"), g),
                ox.Quad(annotation, ox.NamedNode(OA + "hasTarget"), target, g),
                ox.Quad(target, RDF_TYPE, ox.NamedNode(OA + "SpecificResource"), g),
                ox.Quad(target, ox.NamedNode(OA + "hasSource"), source, g),
                ox.Quad(target, ox.NamedNode(OA + "hasSelector"), selector, g),
                ox.Quad(selector, RDF_TYPE, ox.NamedNode(OA + "TextQuoteSelector"), g),
                ox.Quad(selector, ox.NamedNode(OA + "exact"), ox.Literal(quote.exact), g)]
        # prefix and suffix without the whitespace at the phrase's side: stores disagree on
        # keeping a literal's outer spaces (Virtuoso's loader drops them)
        out += [ox.Quad(selector, ox.NamedNode(OA + part), ox.Literal(value.strip()), g)
                for part, value in (("prefix", quote.prefix), ("suffix", quote.suffix))
                if value.strip()]
        out += [ox.Quad(annotation, ox.NamedNode(OA + "hasBody"), statement(t, graph), g)
                for t in sorted(set(triples), key=str)]
    return out


def _derivations(graph: str, notes: dict[ox.Triple, list[dict]],
                 per_graph: dict[str, set[ox.Triple]], base: str, statement) -> list[ox.Quad]:
    where = "graph 'derived' (data/derived.ttl)"
    rule, confidence = base + MG + "rule", base + MG + "confidence"
    derived = {t for t, n in notes.items() if n}
    subjects = {t.subject for t in derived}
    missing = sorted((t for t in notes if t not in derived and not covered(t, derived, subjects)),
                     key=str)
    if missing:
        raise DataError(f"{where}: {describe(missing[0], base)} says neither how it was derived "
                        f"nor from what (annotate it with mg:rule, prov:wasDerivedFrom and "
                        f"mg:confidence)")
    out: list[ox.Quad] = []
    g = ox.NamedNode(graph)
    for triple in sorted(derived, key=str):
        here = f"{where}: {describe(triple, base)}"
        node = statement(triple, graph)
        out.append(ox.Quad(node, RDF_TYPE, ox.NamedNode(base + MG + "DerivedStatement"), g))
        for note in notes[triple]:
            unknown = set(note) - {rule, confidence, PROV + "wasDerivedFrom"}
            if unknown:
                raise DataError(f"{here}: a derivation holds mg:rule, prov:wasDerivedFrom and "
                                f"mg:confidence only, not {sorted(unknown)}")
            if not note.get(rule) or not note.get(confidence) \
                    or not note.get(PROV + "wasDerivedFrom"):
                raise DataError(f"{here}: a derivation needs mg:rule, prov:wasDerivedFrom and "
                                "mg:confidence")
            out += [ox.Quad(node, ox.NamedNode(rule), v, g) for v in note[rule]]
            out += [ox.Quad(node, ox.NamedNode(confidence), v, g) for v in note[confidence]]
            for basis in note[PROV + "wasDerivedFrom"]:
                out += [ox.Quad(node, ox.NamedNode(PROV + "wasDerivedFrom"), target, g)
                        for target in _basis(basis, per_graph, graph, here, base, statement)]
    return out


def _basis(basis: ox.Term, per_graph: dict[str, set[ox.Triple]], own: str, where: str,
           base: str, statement) -> list[ox.NamedNode]:
    """The statement nodes a ``prov:wasDerivedFrom`` names: a triple term becomes the statement
    of each graph that states it; an IRI (a source document, a dataset) stays as it is."""
    if isinstance(basis, ox.NamedNode):
        return [basis]
    if not isinstance(basis, ox.Triple):
        raise DataError(f"{where}: prov:wasDerivedFrom names a statement <<( s p o )>> or an IRI")
    graphs = sorted(g for g, triples in per_graph.items() if basis in triples and g != own)
    if not graphs:
        raise DataError(f"{where}: it rests on {describe(basis, base)}, which no graph states")
    return [statement(basis, g) for g in graphs]
