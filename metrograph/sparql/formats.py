"""Serialization formats of query results, and a serialized result: the one registry.

Each format names everything the rest of the code needs — its short name (``format=``), media
types, file extension, pyoxigraph's serializer and the W3C format IRI the service description
lists — so adding a format is adding an entry here."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BOOLEAN_FORMATS", "FORMATS", "GRAPH_FORMATS", "RESULT_FORMATS", "Format", "Result"]


@dataclass(frozen=True)
class Format:
    """One serialization: short name (``format=``), media types (canonical first), kind."""

    name: str
    media_types: tuple[str, ...]
    kind: str  # "results" (SELECT/ASK) or "graph" (CONSTRUCT/DESCRIBE)
    extension: str
    label: str      #: as people name it
    oxigraph: str   #: the member of pyoxigraph's QueryResultsFormat or RdfFormat
    w3c: str        #: its IRI under http://www.w3.org/ns/formats/

    def serializer(self, ox: object) -> object:
        """pyoxigraph's format object for it (``ox`` is the pyoxigraph module)."""
        kind = ox.QueryResultsFormat if self.kind == "results" else ox.RdfFormat  # type: ignore[attr-defined]
        return getattr(kind, self.oxigraph)

    @property
    def media_type(self) -> str:
        return self.media_types[0]


#: In the server's order of preference: the first is the default when ``Accept`` is missing.
RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", ("application/sparql-results+json", "application/json"), "results", "srj",
           "JSON", "JSON", "SPARQL_Results_JSON"),
    Format("xml", ("application/sparql-results+xml", "application/xml", "text/xml"),
           "results", "srx", "XML", "XML", "SPARQL_Results_XML"),
    Format("csv", ("text/csv",), "results", "csv", "CSV", "CSV", "SPARQL_Results_CSV"),
    Format("tsv", ("text/tab-separated-values",), "results", "tsv", "TSV", "TSV",
           "SPARQL_Results_TSV"),
)
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("ttl", ("text/turtle", "application/x-turtle"), "graph", "ttl", "Turtle", "TURTLE",
           "Turtle"),
    Format("nt", ("application/n-triples",), "graph", "nt", "N-Triples", "N_TRIPLES",
           "N-Triples"),
    Format("jsonld", ("application/ld+json", "application/json"), "graph", "jsonld", "JSON-LD",
           "JSON_LD", "JSON-LD"),
    Format("rdf", ("application/rdf+xml", "application/xml", "text/xml"), "graph", "rdf",
           "RDF/XML", "RDF_XML", "RDF_XML"),
    Format("nq", ("application/n-quads",), "graph", "nq", "N-Quads", "N_QUADS", "N-Quads"),
    Format("trig", ("application/trig",), "graph", "trig", "TriG", "TRIG", "TriG"),
)
FORMATS: dict[str, Format] = {f.name: f for f in (*RESULT_FORMATS, *GRAPH_FORMATS)}
#: Boolean (ASK) results exist only in the JSON and XML result formats.
BOOLEAN_FORMATS = ("json", "xml")


@dataclass(frozen=True)
class Result:
    """A serialized query result."""

    body: bytes
    format: Format
    kind: str  # "select", "ask" or "graph"
    cached: bool = False
