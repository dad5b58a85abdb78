"""Resources we mint: IRI ↔ path, description documents and the entity view model.

No Flask here. :class:`Resources` wraps the release's store, opened read-only once per process,
and answers with pattern lookups and small fixed-shape SPARQL queries (counts, ordered pages)
that pyoxigraph evaluates in Rust; nothing loads the whole graph into Python objects.

* :func:`iri_for_path` / :func:`path_for_iri` map server paths to canonical IRIs under the base
  (``/id/kreis/03358`` ↔ ``<base>id/kreis/03358``), never the request host.
* :meth:`Resources.document` gives the triples that describe an IRI: everything it says
  (including its hash sub-resources ``<iri>#…``), what links to it (up to
  :data:`INCOMING_PER_PREDICATE` subjects per relation), and the labels of every linked
  resource. A named graph ``<base>graph/x`` is described, not dumped (its size and source); the
  ontology document holds the whole ontology graph, so hash terms ``<base>ontology#X`` resolve.
* :meth:`Resources.view` builds the view model of an HTML page: preferred label (and the
  others), types, descriptions, identifiers, outgoing and incoming links grouped by relation
  with human labels, memberships and posts with role, dates, status and sources, filtered by an
  "as of" date, the sources of every statement, and the geometry as SVG.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from metrograph.namespaces import prefixes as all_prefixes

__all__ = [
    "DOCUMENT_FORMATS",
    "INCOMING_PER_PREDICATE",
    "PAGE_SIZE",
    "Resources",
    "as_of_valid",
    "iri_for_path",
    "parse_date",
    "path_for_iri",
    "wkt_to_svg",
]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
GEO = "http://www.opengis.net/ont/geosparql#"
TIME = "http://www.w3.org/2006/time#"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
VANN = "http://purl.org/vocab/vann/"
WD = "http://www.wikidata.org/entity/"

#: Document formats by suffix: (media type, pyoxigraph format name); "html" is the page.
DOCUMENT_FORMATS: dict[str, str] = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "html": "text/html",
}
_OX_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD,
               "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML}
#: Subjects per incoming relation in an RDF description document (the page paginates instead).
INCOMING_PER_PREDICATE = 1000
#: Items per page of an incoming group on the HTML page.
PAGE_SIZE = 50
#: Groups up to this size are sorted by label; larger ones come in the store's index order
#: (stable for an immutable release; sorting tens of thousands of IRIs costs seconds).
SORT_BY_LABEL_MAX = 5000
MAX_PATH = 512
#: Paths under the base that are ours: whole segments or prefixes.
_ROOTS = ("id/", "source/", "graph/", "ontology/")
_EXACT = ("ontology", "dataset")
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")
LABEL_PREDICATES = (RDFS + "label", SKOS + "prefLabel", SCHEMA + "name", DCT + "title")
DESCRIPTION_PREDICATES = (RDFS + "comment", DCT + "description", SCHEMA + "description",
                          SKOS + "definition")
#: Relations shown in the memberships/posts tables rather than among the incoming links.
TABLE_INCOMING = (ORG + "member", ORG + "organization", ORG + "postIn", ORG + "heldBy")


# --- paths and IRIs ----------------------------------------------------------------------------

class BadPath(ValueError):
    """A path that can never name a resource of ours (400)."""


def iri_for_path(base: str, path: str) -> str | None:
    """The canonical IRI a server path stands for, or None if the path is not in our space.

    Raises :class:`BadPath` for ``..``/``.`` segments, empty segments, overlong paths and
    replacement characters (undecodable bytes).
    """
    rest = path.lstrip("/") if path.startswith("/") else path
    if len(path) > MAX_PATH:
        raise BadPath(f"the path is longer than {MAX_PATH} characters")
    if "\ufffd" in rest or "\\" in rest or "\x00" in rest:
        raise BadPath("the path is not valid UTF-8 or holds forbidden characters")
    segments = rest.split("/")
    if any(s in {".", ".."} for s in segments):
        raise BadPath("the path may not contain '.' or '..' segments")
    if rest in _EXACT:
        return base + rest
    if not rest.startswith(_ROOTS):
        return None
    if "" in segments:
        raise BadPath("the path has an empty segment")
    if not all(_SEGMENT.match(s) for s in segments):
        return None
    return base + rest


def path_for_iri(base: str, iri: str) -> str | None:
    """The local path of one of our IRIs (fragment kept), or None for a foreign IRI."""
    if not iri.startswith(base):
        return None
    rest = iri[len(base):]
    document, hash_, fragment = rest.partition("#")
    if document in _EXACT or document.startswith(_ROOTS):
        return "/" + document + (hash_ + fragment if hash_ else "")
    return None


def document_iri(iri: str) -> str:
    return iri.partition("#")[0]


# --- dates and the "as of" switch ----------------------------------------------------------------

_DATE = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_date(value: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day a date of any precision covers: '2019' → (2019-01-01, 2019-12-31)."""
    match = _DATE.match(value.strip())
    if not match:
        return None
    year, month, day = match.groups()
    try:
        y = int(year)
        if day:
            d = dt.date(y, int(month), int(day))
            return d, d
        if month:
            m = int(month)
            return dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    except ValueError:
        return None


def as_of_valid(start: str | None, end: str | None, day: dt.date) -> bool:
    """Whether a period (open ends allowed) covers ``day``, compared at the precision given."""
    if start:
        bounds = parse_date(start)
        if bounds and day < bounds[0]:
            return False
    if end:
        bounds = parse_date(end)
        if bounds and day > bounds[1]:
            return False
    return True


# --- geometry ----------------------------------------------------------------------------------

_NUMBER_PAIR = re.compile(r"(-?\d+(?:\.\d+)?(?:[eE]-?\d+)?)\s+(-?\d+(?:\.\d+)?(?:[eE]-?\d+)?)")


def _wkt_rings(wkt: str) -> tuple[str, list[list[tuple[float, float]]]]:
    text = wkt.strip()
    if text.startswith("<"):  # GeoSPARQL: an optional CRS IRI first (we only mint CRS84)
        text = text.split(">", 1)[1].strip()
    kind = text.split("(", 1)[0].strip().upper()
    rings: list[list[tuple[float, float]]] = []
    for ring in re.findall(r"\(([^()]*)\)", text):
        points = [(float(x), float(y)) for x, y in _NUMBER_PAIR.findall(ring)]
        if points:
            rings.append(points)
    return kind, rings


def wkt_to_svg(wkt: str, width: int = 320, title: str = "") -> str | None:
    """An inline SVG drawing of a CRS84 WKT geometry (POINT, POLYGON, MULTIPOLYGON, lines).

    Equirectangular projection scaled by cos(latitude) at the centre; no tiles, no scripts. The
    caller escapes nothing: only numbers and the escaped title go into the markup.
    """
    import html
    import math

    try:
        kind, rings = _wkt_rings(wkt)
    except (ValueError, IndexError):
        return None
    if not rings:
        return None
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    lat0 = (min(ys) + max(ys)) / 2
    k = math.cos(math.radians(lat0)) or 1.0
    min_x, max_x = min(xs) * k, max(xs) * k
    min_y, max_y = min(ys), max(ys)
    span = max(max_x - min_x, max_y - min_y, 1e-6)
    scale = (width - 20) / span
    w = (max_x - min_x) * scale + 20
    h = (max_y - min_y) * scale + 20

    def pt(x: float, y: float) -> str:
        return f"{(x * k - min_x) * scale + 10:.1f},{(max_y - y) * scale + 10:.1f}"

    label = f"<title>{html.escape(title)}</title>" if title else ""
    if kind == "POINT":
        w, h = max(w, 40), max(h, 40)
        body = f'<circle cx="{w / 2:.1f}" cy="{h / 2:.1f}" r="6" class="geom-point"/>'
    elif kind in {"LINESTRING", "MULTILINESTRING"}:
        body = "".join(
            f'<polyline class="geom-line" points="{" ".join(pt(x, y) for x, y in ring)}"/>'
            for ring in rings)
    else:
        d = " ".join("M" + " L".join(pt(x, y) for x, y in ring) + " Z" for ring in rings)
        body = f'<path class="geom-area" fill-rule="evenodd" d="{d}"/>'
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="map" role="img" '
            f'viewBox="0 0 {w:.0f} {h:.0f}" width="{w:.0f}" height="{h:.0f}">{label}{body}</svg>')


# --- labels of reused vocabularies -------------------------------------------------------------

#: German and English labels of the reused terms we show (ours come from the ontology).
TERM_LABELS: dict[str, tuple[str, str]] = {
    RDF + "type": ("Typ", "type"),
    RDFS + "label": ("Bezeichnung", "label"),
    RDFS + "comment": ("Beschreibung", "description"),
    RDFS + "seeAlso": ("siehe auch", "see also"),
    RDFS + "subClassOf": ("Unterklasse von", "subclass of"),
    RDFS + "subPropertyOf": ("Untereigenschaft von", "subproperty of"),
    RDFS + "domain": ("Definitionsbereich", "domain"),
    RDFS + "range": ("Wertebereich", "range"),
    OWL + "versionInfo": ("Version", "version"),
    OWL + "versionIRI": ("Versions-IRI", "version IRI"),
    OWL + "Ontology": ("Ontologie", "ontology"),
    OWL + "Class": ("Klasse", "class"),
    OWL + "ObjectProperty": ("Objekteigenschaft", "object property"),
    OWL + "DatatypeProperty": ("Dateneigenschaft", "datatype property"),
    VANN + "preferredNamespacePrefix": ("bevorzugtes Präfix", "preferred prefix"),
    VANN + "preferredNamespaceUri": ("Namensraum", "namespace"),
    DCT + "source": ("Quelle", "source"),
    DCT + "title": ("Titel", "title"),
    DCT + "description": ("Beschreibung", "description"),
    DCT + "publisher": ("Herausgeber", "publisher"),
    DCT + "license": ("Lizenz", "licence"),
    DCT + "rights": ("Rechte", "rights"),
    DCT + "issued": ("veröffentlicht", "issued"),
    DCT + "created": ("erstellt", "created"),
    DCT + "creator": ("Urheber", "creator"),
    DCT + "temporal": ("Zeitbezug", "temporal coverage"),
    DCT + "language": ("Sprache", "language"),
    DCT + "identifier": ("Kennung", "identifier"),
    DCT + "type": ("Art", "type"),
    DCAT + "landingPage": ("Webseite", "landing page"),
    DCAT + "accessURL": ("Zugriffsadresse", "access URL"),
    DCAT + "Dataset": ("Datensatz", "dataset"),
    SKOS + "prefLabel": ("Bezeichnung", "preferred label"),
    SKOS + "altLabel": ("andere Bezeichnung", "alternative label"),
    SKOS + "exactMatch": ("entspricht", "exact match"),
    SKOS + "inScheme": ("im Begriffssystem", "in scheme"),
    SKOS + "scopeNote": ("Anwendungshinweis", "scope note"),
    SKOS + "definition": ("Definition", "definition"),
    SKOS + "ConceptScheme": ("Begriffssystem", "concept scheme"),
    SKOS + "Concept": ("Begriff", "concept"),
    ORG + "member": ("Mitglied", "member"),
    ORG + "organization": ("Organisation", "organization"),
    ORG + "role": ("Rolle", "role"),
    ORG + "memberDuring": ("Zeitraum", "period"),
    ORG + "postIn": ("Posten in", "post in"),
    ORG + "heldBy": ("besetzt durch", "held by"),
    ORG + "holds": ("hat den Posten", "holds"),
    ORG + "unitOf": ("Einheit von", "unit of"),
    ORG + "hasUnit": ("hat die Einheit", "has unit"),
    ORG + "Membership": ("Mitgliedschaft", "membership"),
    ORG + "Post": ("Posten", "post"),
    ORG + "Organization": ("Organisation", "organization"),
    ORG + "FormalOrganization": ("formelle Organisation", "formal organization"),
    ORG + "OrganizationalUnit": ("Organisationseinheit", "organizational unit"),
    ORG + "OrganizationalCollaboration": ("Kooperation", "organizational collaboration"),
    SCHEMA + "name": ("Name", "name"),
    SCHEMA + "givenName": ("Vorname", "given name"),
    SCHEMA + "familyName": ("Nachname", "family name"),
    SCHEMA + "honorificPrefix": ("Titel", "honorific prefix"),
    SCHEMA + "organizer": ("Veranstalter", "organizer"),
    SCHEMA + "startDate": ("Beginn", "start date"),
    SCHEMA + "endDate": ("Ende", "end date"),
    SCHEMA + "about": ("Thema", "about"),
    SCHEMA + "datePublished": ("veröffentlicht am", "date published"),
    SCHEMA + "author": ("Autor", "author"),
    SCHEMA + "isBasedOn": ("beruht auf", "based on"),
    SCHEMA + "affiliation": ("Zugehörigkeit", "affiliation"),
    SCHEMA + "foundingDate": ("Gründungsdatum", "founding date"),
    SCHEMA + "location": ("Ort", "location"),
    SCHEMA + "workFeatured": ("vorgestelltes Werk", "work featured"),
    SCHEMA + "description": ("Beschreibung", "description"),
    SCHEMA + "contributor": ("Mitwirkende", "contributor"),
    SCHEMA + "telephone": ("Telefon", "telephone"),
    SCHEMA + "email": ("E-Mail", "email"),
    SCHEMA + "address": ("Adresse", "address"),
    SCHEMA + "contactPoint": ("Kontakt", "contact point"),
    SCHEMA + "streetAddress": ("Straße", "street address"),
    SCHEMA + "addressLocality": ("Ort", "locality"),
    SCHEMA + "postalCode": ("Postleitzahl", "postal code"),
    SCHEMA + "Person": ("Person", "person"),
    GEO + "hasGeometry": ("Geometrie", "geometry"),
    GEO + "asWKT": ("Geometrie (WKT)", "geometry (WKT)"),
    GEO + "Geometry": ("Geometrie", "geometry"),
    GEO + "Feature": ("Raumobjekt", "feature"),
    TIME + "hasBeginning": ("Beginn", "beginning"),
    TIME + "hasEnd": ("Ende", "end"),
    TIME + "inXSDDate": ("Datum", "date"),
    TIME + "inXSDgYear": ("Jahr", "year"),
    TIME + "inXSDgYearMonth": ("Monat", "month"),
    TIME + "Interval": ("Zeitraum", "interval"),
    TIME + "Instant": ("Zeitpunkt", "instant"),
    VOID + "triples": ("Tripel", "triples"),
    SD + "Graph": ("benannter Graph", "named graph"),
}
#: schema.org types of reused classes that do not name one themselves.
SCHEMA_EQUIVALENTS = {
    DCAT + "Dataset": "Dataset",
    "http://xmlns.com/foaf/0.1/Document": "CreativeWork",
    "http://xmlns.com/foaf/0.1/Person": "Person",
    OWL + "Ontology": "DefinedTermSet",
    SKOS + "ConceptScheme": "DefinedTermSet",
    SKOS + "Concept": "DefinedTerm",
    ORG + "Membership": "OrganizationRole",
    ORG + "Post": "OrganizationRole",
}
#: Labels of incoming groups ("who links here, and how").
INVERSE_LABELS: dict[str, tuple[str, str]] = {
    "ontology#inState": ("Gebiete in diesem Land", "units in this state"),
    "ontology#inDistrict": ("Gebiete in diesem Kreis", "units in this district"),
    "ontology#inGovernmentRegion": ("Gebiete in diesem Regierungsbezirk",
                                    "units in this government region"),
    "ontology#inMunicipalAssociation": ("Gemeinden dieses Gemeindeverbands",
                                        "municipalities of this association"),
    DCT + "source": ("Ressourcen aus dieser Quelle", "resources from this source"),
    ORG + "role": ("in dieser Rolle", "in this role"),
    RDF + "type": ("Instanzen", "instances"),
    SKOS + "inScheme": ("Begriffe", "concepts"),
}

def _lit(value: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(value, language=lang) if lang else ox.Literal(value)


# --- the view model ----------------------------------------------------------------------------

@dataclass
class Term:
    """An RDF term as the page shows it."""

    value: str
    label: str
    kind: str = "iri"  # "iri" or "literal"
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None
    detail: str | None = None  # e.g. the value of a figure
    ours: bool = False


@dataclass
class SourceRef:
    iri: str
    href: str | None
    label: str


@dataclass
class Statement:
    term: Term
    sources: list[SourceRef]


@dataclass
class Group:
    predicate: str
    label: str
    statements: list[Statement]
    total: int = 0
    page: int = 1
    pages: int = 1
    predicate_href: str | None = None


@dataclass
class MembershipRow:
    membership: Term
    other: Term
    role: Term | None
    start: str | None
    end: str | None
    status: Term | None
    confidence: str | None
    sources: list[SourceRef]
    valid: bool = True
    note: str | None = None


@dataclass
class EntityView:
    iri: str
    path: str
    lang: str
    label: str
    other_labels: list[Statement] = field(default_factory=list)
    types: list[Term] = field(default_factory=list)
    descriptions: list[Statement] = field(default_factory=list)
    identifiers: list[tuple[str, str, str | None]] = field(default_factory=list)
    outgoing: list[Group] = field(default_factory=list)
    incoming: list[Group] = field(default_factory=list)
    memberships: list[MembershipRow] = field(default_factory=list)
    members: list[MembershipRow] = field(default_factory=list)
    posts: list[MembershipRow] = field(default_factory=list)
    hidden: int = 0
    date: str | None = None
    map_svg: str | None = None
    sources: list[SourceRef] = field(default_factory=list)
    schema_org: dict[str, Any] = field(default_factory=dict)
    query: str = ""
    kind: str = "entity"  # "entity", "graph", "ontology"


# --- the store wrapper -------------------------------------------------------------------------

_DEFAULT_GRAPH = ox.DefaultGraph()


def _nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


class Resources:
    """Lookups over one release's store (read-only, opened once per process). Thread-safe."""

    def __init__(self, store: ox.Store, base: str, release_id: str = "") -> None:
        self.store = store
        self.base = base
        self.release_id = release_id
        self.prefixes = all_prefixes(base)
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._cache_limit = 512
        self._ontology_graph = base + "graph/ontology"

    # -- small helpers --

    def _cached(self, key: tuple, make: Any) -> Any:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = make()
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > self._cache_limit:
                self._cache.popitem(last=False)
        return value

    def _quads(self, s: Any = None, p: Any = None, o: Any = None,
               g: Any = _DEFAULT_GRAPH) -> Iterator[ox.Quad]:
        return self.store.quads_for_pattern(s, p, o, g)

    def _select(self, query: str, **bindings: Any) -> list[dict[str, Any]]:
        """A fixed-shape query; ``bindings`` are pyoxigraph terms written in as SPARQL terms
        (their ``str()`` is the escaped N-Triples form, so nothing can break out)."""
        for name, term in bindings.items():
            query = re.sub(r"\?" + name + r"\b", lambda _m, t=term: str(t), query)
        result = self.store.query(query, prefixes=self.prefixes)
        names = [v.value for v in result.variables]
        return [{n: row[n] for n in names} for row in result]

    def source_for_graph(self, graph: str) -> str | None:
        if graph.startswith(self.base + "graph/"):
            return self.base + "source/" + graph[len(self.base + "graph/"):]
        return None

    # -- existence and kinds --

    def kind(self, iri: str) -> str | None:
        """'ontology', 'graph', 'entity' (anything we mint that the graph mentions) or None."""
        if path_for_iri(self.base, iri) is None or "#" in iri:
            return None
        return self._cached(("kind", iri), lambda: self._kind(iri))

    def _kind(self, iri: str) -> str | None:
        node = _nn(iri)
        if iri == self.base + "ontology":
            return "ontology"
        if iri.startswith(self.base + "graph/") and self.store.contains_named_graph(node):
            return "graph"
        if next(self._quads(node), None) is not None:
            return "entity"
        if next(self._quads(None, None, node), None) is not None:
            return "entity"
        return None

    # -- labels --

    def labels(self, iri: str) -> list[ox.Literal]:
        def make() -> list[ox.Literal]:
            node = _nn(iri)
            out = []
            for predicate in LABEL_PREDICATES:
                # sorted: which label shows must not depend on the store's order
                out += sorted((q.object for q in self._quads(node, _nn(predicate))
                               if isinstance(q.object, ox.Literal)),
                              key=lambda lit: (lit.language or "", lit.value))
            return out
        return self._cached(("labels", iri), make)

    def label(self, iri: str, lang: str) -> str:
        """The label to show: @lang, then @de, then any; reused terms from our table; else
        the IRI's local name."""
        literal = pick(self.labels(iri), lang)
        if literal is not None:
            return literal.value
        if iri in TERM_LABELS:
            de, en = TERM_LABELS[iri]
            return en if lang == "en" else de
        return local_name(iri)

    def predicate_label(self, iri: str, lang: str) -> str:
        if iri in TERM_LABELS and not self.labels(iri):
            de, en = TERM_LABELS[iri]
            return en if lang == "en" else de
        return self.label(iri, lang)

    def term(self, node: Any, lang: str) -> Term:
        if isinstance(node, ox.Literal):
            datatype = node.datatype.value if node.datatype else None
            return Term(node.value, node.value, "literal", lang=node.language,
                        datatype=datatype)
        value = node.value
        path = path_for_iri(self.base, value)
        if path is None:
            href = value if value.startswith(("http://", "https://")) else None
            return Term(value, self.label(value, lang) if value in TERM_LABELS else value,
                        href=href)
        return Term(value, self.label(value, lang), href=path, ours=True)

    def source_ref(self, iri: str, lang: str) -> SourceRef:
        labels = self.labels(iri)
        literal = pick(labels, lang)
        label = literal.value if literal is not None else local_name(iri)
        return SourceRef(iri, path_for_iri(self.base, iri), label)

    # -- description documents --

    def description(self, iri: str) -> list[ox.Triple]:
        """The triples that describe ``iri`` (see the module docstring)."""
        return self._cached(("description", iri), lambda: list(self._describe(iri)))

    def _describe(self, iri: str) -> Iterator[ox.Triple]:
        kind = self.kind(iri)
        seen: set[ox.Triple] = set()

        def emit(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
            for triple in triples:
                if triple not in seen:
                    seen.add(triple)
                    yield triple

        if kind == "ontology":
            yield from emit(ox.Triple(q.subject, q.predicate, q.object) for q in
                            self._quads(g=_nn(self._ontology_graph)))
            return
        if kind == "graph":
            yield from emit(self._graph_triples(iri))
            source = self.source_for_graph(iri)
            if source and self.kind(source):
                yield from emit(self._entity_triples(source, incoming=False))
            return
        yield from emit(self._entity_triples(iri, incoming=True))

    def _entity_triples(self, iri: str, incoming: bool) -> Iterator[ox.Triple]:
        linked: set[str] = set()
        for quads in self._closure_quads(iri).values():
            for q in quads:
                yield ox.Triple(q.subject, q.predicate, q.object)
                if isinstance(q.object, ox.NamedNode):
                    linked.add(q.object.value)
        if incoming:
            for predicate, _count in self.incoming_counts(iri):
                rows = self._select(
                    "SELECT ?s WHERE { ?s ?p ?o } LIMIT "
                    f"{INCOMING_PER_PREDICATE}", p=_nn(predicate), o=_nn(iri))
                for row in rows:
                    yield ox.Triple(row["s"], _nn(predicate), _nn(iri))
                    if isinstance(row["s"], ox.NamedNode):
                        linked.add(row["s"].value)
        for other in sorted(linked):
            if other.startswith(iri + "#") or other == iri:
                continue
            for predicate in LABEL_PREDICATES:
                for q in self._quads(_nn(other), _nn(predicate)):
                    yield ox.Triple(q.subject, q.predicate, q.object)

    def _closure(self, iri: str) -> list[str]:
        """``iri`` and the hash sub-resources it reaches (figures, intervals, geometry)."""
        return list(self._closure_quads(iri))

    def _closure_quads(self, iri: str) -> dict[str, list[ox.Quad]]:
        """The closure's subjects in the order they are found, each with its quads."""
        found, todo = [iri], [iri]
        quads_of: dict[str, list[ox.Quad]] = {}
        while todo:
            current = todo.pop()
            quads_of[current] = quads = list(self._quads(_nn(current)))
            for q in quads:
                obj = q.object
                if (isinstance(obj, ox.NamedNode) and obj.value.startswith(iri + "#")
                        and obj.value not in found):
                    found.append(obj.value)
                    todo.append(obj.value)
        return {subject: quads_of[subject] for subject in found}

    def incoming_counts(self, iri: str) -> list[tuple[str, int]]:
        def make() -> list[tuple[str, int]]:
            rows = self._select("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } "
                                "GROUP BY ?p ORDER BY ?p", o=_nn(iri))
            return [(r["p"].value, int(r["n"].value)) for r in rows
                    if not r["p"].value.startswith(iri + "#")]
        return self._cached(("incoming", iri), make)

    def graph_size(self, graph: str) -> int:
        def make() -> int:
            rows = self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                                g=_nn(graph))
            return int(rows[0]["n"].value)
        return self._cached(("size", graph), make)

    def _graph_triples(self, graph: str) -> list[ox.Triple]:
        g = _nn(graph)
        name = graph[len(self.base + "graph/"):]
        out = [
            ox.Triple(g, _nn(RDF + "type"), _nn(SD + "Graph")),
            ox.Triple(g, _nn(VOID + "triples"),
                      ox.Literal(str(self.graph_size(graph)), datatype=_nn(XSD + "integer"))),
            ox.Triple(g, _nn(RDFS + "label"), _lit(f"Benannter Graph „{name}“", "de")),
            ox.Triple(g, _nn(RDFS + "label"), _lit(f"Named graph “{name}”", "en")),
        ]
        source = self.source_for_graph(graph)
        if source and self.kind(source):
            out.append(ox.Triple(g, _nn(DCT + "source"), _nn(source)))
        out += [ox.Triple(q.subject, q.predicate, q.object) for q in self._quads(g)]
        return out

    def serialize(self, iri: str, fmt: str) -> bytes:
        """The description document of ``iri`` in ``fmt`` (a key of :data:`DOCUMENT_FORMATS`)."""
        def make() -> bytes:
            used = {k: v for k, v in self.prefixes.items()}
            return ox.serialize(self.description(iri), format=_OX_FORMATS[fmt],
                                prefixes=used if fmt in {"ttl", "rdf"} else None)
        return self._cached(("doc", iri, fmt), make)

    # -- the page --

    def _statement_sources(self, s: Any, p: Any, o: Any, lang: str) -> list[SourceRef]:
        refs = []
        for q in self.store.quads_for_pattern(s, p, o, None):
            graph = q.graph_name
            if isinstance(graph, ox.NamedNode):
                source = self.source_for_graph(graph.value)
                if source:
                    refs.append(self.source_ref(source, lang))
        return sorted({r.iri: r for r in refs}.values(), key=lambda r: r.label)

    def _describe_hash(self, node: ox.NamedNode, lang: str) -> str | None:
        """A one-line summary of a figure (its value and qualifier); the label is shown apart."""
        parts = []
        values = {q.predicate.value: q.object for q in self._quads(node)}
        if self.base + "ontology#value" in values:
            parts.append("= " + values[self.base + "ontology#value"].value)
        qualifier = values.get(self.base + "ontology#qualifier")
        if qualifier is not None:
            parts.append(f"({self.label(qualifier.value, lang)})")
        return " ".join(parts) or None

    def view(self, iri: str, lang: str = "de", date: dt.date | None = None,
             page: int = 1, page_predicate: str | None = None) -> EntityView:
        kind = self.kind(iri) or "entity"
        path = path_for_iri(self.base, iri) or "/"
        node = _nn(iri)
        view = EntityView(iri=iri, path=path, lang=lang, label=self.label(iri, lang),
                          date=date.isoformat() if date else None, kind=kind)
        if kind == "graph":
            name = iri[len(self.base + "graph/"):]
            view.label = (f"Named graph “{name}”" if lang == "en"
                          else f"Benannter Graph „{name}“")
        labels = self.labels(iri)
        preferred = pick(labels, lang)
        all_sources: dict[str, SourceRef] = {}

        # outgoing statements, each with the graphs (sources) that state it
        outgoing: dict[str, dict[Any, set[str]]] = {}
        if kind == "graph":
            for t in self._graph_triples(iri):
                outgoing.setdefault(t.predicate.value, {}).setdefault(t.object, set())
        for q in self.store.quads_for_pattern(node, None, None, None):
            bucket = outgoing.setdefault(q.predicate.value, {}).setdefault(q.object, set())
            if isinstance(q.graph_name, ox.NamedNode):
                source = self.source_for_graph(q.graph_name.value)
                if source:
                    bucket.add(source)
        groups = []
        for predicate, objects in outgoing.items():
            statements = []
            for obj, sources in objects.items():
                if predicate == GEO + "hasGeometry":
                    continue
                term = self.term(obj, lang)
                if isinstance(obj, ox.NamedNode) and obj.value.startswith(iri + "#"):
                    term.detail = self._describe_hash(obj, lang)
                refs = [self.source_ref(s, lang) for s in sorted(sources)]
                for ref in refs:
                    all_sources[ref.iri] = ref
                statements.append(Statement(term, refs))
            if not statements:
                continue
            statements.sort(key=lambda st: (st.term.lang not in {lang, None},
                                            st.term.label.casefold(), st.term.value))
            groups.append(Group(predicate, self.predicate_label(predicate, lang), statements,
                                total=len(statements),
                                predicate_href=path_for_iri(self.base, predicate)))
            if predicate in LABEL_PREDICATES:
                view.other_labels += [st for st in statements
                                      if preferred is None or st.term.value != preferred.value
                                      or st.term.lang != preferred.language]
            if predicate in DESCRIPTION_PREDICATES:
                view.descriptions += statements
            if predicate == RDF + "type":
                view.types = [st.term for st in statements]
        order = {RDF + "type": 0, RDFS + "label": 1, SKOS + "prefLabel": 1}
        groups.sort(key=lambda g: (order.get(g.predicate, 2), g.label.casefold()))
        view.outgoing = groups
        view.descriptions = [d for d in view.descriptions
                             if d.term.lang in {lang, None}] or view.descriptions
        view.identifiers = self._identifiers(outgoing)

        # incoming links, paginated per relation
        for predicate, count in self.incoming_counts(iri):
            if predicate in TABLE_INCOMING:
                continue
            this_page = page if page_predicate in {None, predicate} else 1
            view.incoming.append(self._incoming_group(iri, predicate, count, this_page, lang))

        # memberships and posts
        view.memberships = self._membership_rows(iri, ORG + "member", ORG + "organization",
                                                 lang, all_sources)
        view.members = self._membership_rows(iri, ORG + "organization", ORG + "member",
                                             lang, all_sources)
        view.posts = self._post_rows(iri, lang, all_sources)
        if date is not None:
            for rows in (view.memberships, view.members, view.posts):
                for row in rows:
                    row.valid = as_of_valid(row.start, row.end, date)
                view.hidden += sum(1 for row in rows if not row.valid)
        view.sources = sorted(all_sources.values(), key=lambda r: r.label.casefold())

        # geometry
        for q in self._quads(node, _nn(GEO + "hasGeometry")):
            for w in self._quads(q.object, _nn(GEO + "asWKT")):
                view.map_svg = wkt_to_svg(w.object.value, title=view.label)
                break
            if view.map_svg:
                break
        view.schema_org = self._schema_org(iri, view, lang)
        view.query = self.page_query(iri, kind)
        return view

    def _identifiers(self, outgoing: dict[str, dict[Any, set[str]]]
                     ) -> list[tuple[str, str, str | None]]:
        mg = self.base + "ontology#"
        out: list[tuple[str, str, str | None]] = []
        wikidata_search = "https://www.wikidata.org/w/index.php?search=haswbstatement%3A"
        for predicate, name, prop in ((mg + "ags", "AGS", "P439"), (mg + "ars", "ARS", "P1388"),
                                      (mg + "nuts", "NUTS", "P605")):
            for obj in outgoing.get(predicate, {}):
                out.append((name, obj.value, f"{wikidata_search}{prop}%3D{obj.value}"))
        for predicate in (SKOS + "exactMatch", OWL + "sameAs"):
            for obj in outgoing.get(predicate, {}):
                if isinstance(obj, ox.NamedNode) and obj.value.startswith(WD):
                    qid = obj.value[len(WD):]
                    out.append(("Wikidata", qid, "https://www.wikidata.org/wiki/" + qid))
        return out

    def _incoming_group(self, iri: str, predicate: str, count: int, page: int,
                        lang: str) -> Group:
        pages = max(1, -(-count // PAGE_SIZE))
        page = min(max(1, page), pages)
        offset = (page - 1) * PAGE_SIZE
        if count <= SORT_BY_LABEL_MAX:
            # the aggregate in a subquery: some stores (Virtuoso) cannot order by an
            # expression over an aggregate's alias
            rows = self._select(
                "SELECT ?s ?label WHERE { { SELECT ?s (MIN(?l) AS ?label) WHERE { ?s ?p ?o "
                "FILTER(isIRI(?s)) OPTIONAL { ?s rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "
                "?lang) || LANG(?l) = 'de') } } GROUP BY ?s } } ORDER BY LCASE(STR(?label)) ?s "
                f"LIMIT {PAGE_SIZE} OFFSET {offset}",
                p=_nn(predicate), o=_nn(iri), lang=ox.Literal(lang))
        else:
            # index order: stable for an immutable release, and no string decoding
            rows = self._select(f"SELECT ?s WHERE {{ ?s ?p ?o }} "
                                f"LIMIT {PAGE_SIZE} OFFSET {offset}",
                                p=_nn(predicate), o=_nn(iri))
        statements = []
        for row in rows:
            term = self.term(row["s"], lang)
            statements.append(Statement(term, self._statement_sources(
                row["s"], _nn(predicate), _nn(iri), lang)))
        key = next((k for k in INVERSE_LABELS if predicate.endswith(k) and (
            predicate == k or predicate == self.base + k)), None)
        if key is not None:
            de, en = INVERSE_LABELS[key]
            label = en if lang == "en" else de
        else:
            p_label = self.predicate_label(predicate, lang)
            label = (f"links here as “{p_label}”" if lang == "en"
                     else f"verweist hierher als „{p_label}“")
        return Group(predicate, label, statements, total=count, page=page, pages=pages,
                     predicate_href=path_for_iri(self.base, predicate))

    def _period(self, membership: ox.NamedNode) -> tuple[str | None, str | None]:
        start = end = None
        for q in self._quads(membership, _nn(ORG + "memberDuring")):
            for which, predicate in (("start", TIME + "hasBeginning"), ("end", TIME + "hasEnd")):
                for instant in self._quads(q.object, _nn(predicate)):
                    for v in self._quads(instant.object):
                        if v.predicate.value.startswith(TIME + "inXSD"):
                            if which == "start":
                                start = v.object.value
                            else:
                                end = v.object.value
        return start, end

    def _membership_rows(self, iri: str, this_role: str, other_role: str, lang: str,
                         all_sources: dict[str, SourceRef]) -> list[MembershipRow]:
        rows = []
        for q in self._quads(None, _nn(this_role), _nn(iri)):
            m = q.subject
            values: dict[str, list[Any]] = {}
            for v in self._quads(m):
                values.setdefault(v.predicate.value, []).append(v.object)
            if _nn(ORG + "Membership") not in values.get(RDF + "type", []):
                continue
            others = values.get(other_role, [])
            if not others:
                continue
            start, end = self._period(m)
            role = values.get(ORG + "role", [None])[0]
            status = values.get(self.base + "ontology#membershipStatus", [None])[0]
            confidence = values.get(self.base + "ontology#confidence", [None])[0]
            refs = [self.source_ref(s.value, lang) for s in values.get(DCT + "source", [])]
            for ref in refs:
                all_sources[ref.iri] = ref
            comments = values.get(RDFS + "comment", [])
            note = pick(comments, lang)
            rows.append(MembershipRow(
                membership=self.term(m, lang), other=self.term(others[0], lang),
                role=self.term(role, lang) if role is not None else None,
                start=start, end=end,
                status=self.term(status, lang) if status is not None else None,
                confidence=confidence.value if confidence is not None else None,
                sources=sorted(refs, key=lambda r: r.label), note=note.value if note else None))
        rows.sort(key=lambda r: (r.other.label.casefold(), r.start or "", r.membership.value))
        return rows

    def _post_rows(self, iri: str, lang: str,
                   all_sources: dict[str, SourceRef]) -> list[MembershipRow]:
        """Posts in this organisation (with their holders) or held by this person."""
        rows = []
        node = _nn(iri)
        posts = [(q.subject, "held") for q in self._quads(None, _nn(ORG + "postIn"), node)]
        posts += [(q.subject, "org") for q in self._quads(None, _nn(ORG + "heldBy"), node)]
        for post, show in posts:
            values: dict[str, list[Any]] = {}
            for v in self._quads(post):
                values.setdefault(v.predicate.value, []).append(v.object)
            start, end = self._period(post)
            role = values.get(ORG + "role", [None])[0]
            refs = [self.source_ref(s.value, lang) for s in values.get(DCT + "source", [])]
            for ref in refs:
                all_sources[ref.iri] = ref
            others = values.get(ORG + "heldBy" if show == "held" else ORG + "postIn", []) or [
                None]
            for other in others:
                rows.append(MembershipRow(
                    membership=self.term(post, lang),
                    other=self.term(other, lang) if other is not None else Term("", "–", "literal"),
                    role=self.term(role, lang) if role is not None else None,
                    start=start, end=end, status=None, confidence=None,
                    sources=sorted(refs, key=lambda r: r.label)))
        rows.sort(key=lambda r: (r.membership.label.casefold(), r.other.label.casefold()))
        return rows

    def _schema_org(self, iri: str, view: EntityView, lang: str) -> dict[str, Any]:
        kind = "Thing"
        for t in view.types:
            found = self._schema_class(t.value)
            if found:
                kind = found
                break
        data: dict[str, Any] = {"@context": "https://schema.org", "@type": kind, "@id": iri,
                                "name": view.label, "url": iri}
        if view.descriptions:
            data["description"] = view.descriptions[0].term.value
        same = [url for name, _v, url in view.identifiers if name == "Wikidata" and url]
        if same:
            data["sameAs"] = same
        ids = [{"@type": "PropertyValue", "propertyID": name, "value": value}
               for name, value, _u in view.identifiers if name != "Wikidata"]
        if ids:
            data["identifier"] = ids
        return data

    def _schema_class(self, cls: str) -> str | None:
        """The schema.org type of one of our classes (via rdfs:subClassOf), if any."""
        def make() -> str | None:
            todo, seen = [cls], set()
            fallback = None
            while todo:
                current = todo.pop(0)
                if current in seen:
                    continue
                seen.add(current)
                if current.startswith(SCHEMA):
                    return current[len(SCHEMA):]
                if current in SCHEMA_EQUIVALENTS:
                    return SCHEMA_EQUIVALENTS[current]
                if current.startswith(ORG) and fallback is None:
                    fallback = "Organization"
                if current == GEO + "Feature" and fallback is None:
                    fallback = "Place"
                todo += [q.object.value for q in self._quads(_nn(current), _nn(RDFS + "subClassOf"))
                         if isinstance(q.object, ox.NamedNode)]
            return fallback
        return self._cached(("schema", cls), make)

    def page_query(self, iri: str, kind: str) -> str:
        """The SPARQL behind the page (opened on /sparql by the "query this" link)."""
        if kind == "graph":
            return (f"# what the named graph <{iri}> holds\n"
                    f"SELECT ?s ?p ?o WHERE {{\n  GRAPH <{iri}> {{ ?s ?p ?o }}\n}} LIMIT 100")
        return (f"# statements about <{iri}>, with the graph (source) that states each\n"
                "SELECT ?s ?p ?o ?g WHERE {\n"
                f"  {{ BIND(<{iri}> AS ?s) GRAPH ?g {{ ?s ?p ?o }} }}\n"
                f"  UNION\n  {{ BIND(<{iri}> AS ?o) GRAPH ?g {{ ?s ?p ?o }} }}\n"
                "} ORDER BY ?p ?s ?o LIMIT 1000")

    # -- lists for the home page --

    def instances(self, cls: str, lang: str) -> list[Term]:
        def make() -> list[tuple[str, str]]:
            rows = self._select("SELECT DISTINCT ?s WHERE { ?s a ?c }", c=_nn(cls))
            return [r["s"].value for r in rows if isinstance(r["s"], ox.NamedNode)]
        terms = [self.term(_nn(s), lang) for s in self._cached(("instances", cls), make)]
        return sorted(terms, key=lambda t: t.label.casefold())

    def ontology_terms(self, lang: str) -> dict[str, list[dict[str, Any]]]:
        """Classes and properties of the ontology, for its documentation page."""
        graph = _nn(self._ontology_graph)
        onto = self.base + "ontology#"
        terms: dict[str, dict[str, list[Any]]] = {}
        for q in self._quads(g=graph):
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(onto):
                terms.setdefault(q.subject.value, {}).setdefault(q.predicate.value, []).append(
                    q.object)
        sections: dict[str, list[dict[str, Any]]] = {"classes": [], "properties": [],
                                                      "individuals": []}
        for iri, values in sorted(terms.items()):
            types = {t.value for t in values.get(RDF + "type", [])}
            if OWL + "Class" in types or RDFS + "Class" in types:
                section = "classes"
            elif types & {OWL + "ObjectProperty", OWL + "DatatypeProperty", RDF + "Property",
                          OWL + "AnnotationProperty"}:
                section = "properties"
            else:
                section = "individuals"
            comment = pick(sorted(values.get(RDFS + "comment", []), key=str) +
                           sorted(values.get(SKOS + "definition", []), key=str), lang)
            relations = []
            for predicate in (RDF + "type", RDFS + "subClassOf", RDFS + "subPropertyOf",
                              RDFS + "domain", RDFS + "range"):
                for obj in sorted(values.get(predicate, []), key=str):
                    if predicate == RDF + "type" and section != "individuals":
                        continue
                    relations.append((self.predicate_label(predicate, lang),
                                      self.term(obj, lang), _curie(obj.value, self.prefixes)))
            sections[section].append({
                "iri": iri, "name": iri[len(onto):], "label": self.label(iri, lang),
                "comment": comment.value if comment is not None else "",
                "relations": relations, "types": sorted(types)})
        return sections


def pick(literals: Iterable[Any], lang: str) -> Any:
    """Prefer ``lang``, then German, then no language, then anything."""
    literals = [lit for lit in literals if isinstance(lit, ox.Literal)]
    for wanted in (lang, "de", None):
        for lit in literals:
            if (lit.language or None) == wanted:
                return lit
    return literals[0] if literals else None


def local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


def _curie(iri: str, prefixes: dict[str, str]) -> str:
    best = ""
    for name, ns in prefixes.items():
        if iri.startswith(ns) and len(ns) > len(prefixes.get(best, "")):
            best = name
    return f"{best}:{iri[len(prefixes[best]):]}" if best else iri


def schema_json(data: dict[str, Any]) -> str:
    """JSON for a ``<script type="application/ld+json">`` block, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
