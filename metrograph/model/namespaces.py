"""IRIs: the persistent base, our own namespaces, the vocabularies we reuse, and prefixes.

Our own IRIs are all relative to one configurable base (``METROGRAPH_BASE_IRI``). Data files
declare prefixes with *relative* IRIs (``@prefix kreis: <id/kreis/> .``) and are parsed with the
base, so the same files produce the IRIs of any deployment.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

DEFAULT_BASE = "https://w3id.org/metrograph/"

#: Own prefixes and the path under the base they stand for. Kinds of entity keyed by a code or
#: slug: ``kreis:03358`` is ``<base>id/kreis/03358``.
OWN_PREFIXES: dict[str, str] = {
    "mg": "ontology#",
    "land": "id/land/",
    "regbez": "id/regierungsbezirk/",
    "kreis": "id/kreis/",
    "verband": "id/gemeindeverband/",
    "gemeinde": "id/gemeinde/",
    "region": "id/region/",
    "network": "id/network/",
    "organisation": "id/organisation/",
    "person": "id/person/",
    "post": "id/post/",
    "event": "id/event/",
    "doc": "id/document/",
    "theme": "id/theme/",
    "role": "id/role/",
    "status": "id/status/",
    "place": "id/place/",
    "contact": "id/contact/",
    "membership": "id/membership/",
    "indicator": "id/indicator/",
    "observation": "id/observation/",
    "statistics": "id/statistics/",
    "unit": "id/unit/",
    "code": "id/code/",
    "source": "source/",
    "graph": "graph/",
}

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
SF = Namespace("http://www.opengis.net/ont/sf#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
VOID = Namespace("http://rdfs.org/ns/void#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
WD = Namespace("http://www.wikidata.org/entity/")
OA = Namespace("http://www.w3.org/ns/oa#")
QB = Namespace("http://purl.org/linked-data/cube#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
QUDT = Namespace("http://qudt.org/schema/qudt/")

STANDARD_PREFIXES: dict[str, str] = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "dcat": str(DCAT),
    "prov": str(PROV),
    "foaf": str(FOAF),
    "time": str(TIME),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "geo": str(GEO),
    "sf": str(SF),
    "vcard": str(VCARD),
    "void": str(VOID),
    "sh": str(SH),
    "sd": str(SD),
    "adms": str(ADMS),
    "wd": str(WD),
    "oa": str(OA),
    "qb": str(QB),
    "sdmx-dimension": str(SDMX_DIMENSION),
    "sdmx-attribute": str(SDMX_ATTRIBUTE),
    "qudt": str(QUDT),
}


def prefixes(base: str) -> dict[str, str]:
    """Every prefix (standard and own) mapped to its absolute IRI under ``base``."""
    return {**STANDARD_PREFIXES, **{k: base + v for k, v in OWN_PREFIXES.items()}}


def graph_iri(base: str, name: str) -> URIRef:
    """Named graph that holds one source's statements (or a build product such as 'ontology')."""
    return URIRef(base + "graph/" + name)


def source_iri(base: str, source_id: str) -> URIRef:
    """The source document itself, described in the catalogue graph."""
    return URIRef(base + "source/" + source_id)


def dataset_iri(base: str) -> URIRef:
    return URIRef(base + "dataset")


def sparql_prologue(base: str) -> str:
    """PREFIX lines for every prefix, to put before a query text."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes(base).items())


#: Graphs written by the project itself (and catalog-*.ttl) rather than taken from a source.
OWN_GRAPHS = frozenset({"catalog", "vocabulary", "ontology", "derived", "derived-labels",
                        "region-statistics"})
OWN_SOURCE = "metrograph"


def source_of_graph(graph: str) -> str:
    """Which source document a graph's statements come from."""
    own = graph in OWN_GRAPHS or graph.startswith("catalog-")
    return OWN_SOURCE if own else graph
