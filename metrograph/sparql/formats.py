"""Serialization formats of query results, and a serialized result."""

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

    @property
    def media_type(self) -> str:
        return self.media_types[0]


#: In the server's order of preference: the first is the default when ``Accept`` is missing.
RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", ("application/sparql-results+json", "application/json"), "results", "srj"),
    Format("xml", ("application/sparql-results+xml", "application/xml", "text/xml"),
           "results", "srx"),
    Format("csv", ("text/csv",), "results", "csv"),
    Format("tsv", ("text/tab-separated-values",), "results", "tsv"),
)
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("ttl", ("text/turtle", "application/x-turtle"), "graph", "ttl"),
    Format("nt", ("application/n-triples",), "graph", "nt"),
    Format("jsonld", ("application/ld+json", "application/json"), "graph", "jsonld"),
    Format("rdf", ("application/rdf+xml", "application/xml", "text/xml"), "graph", "rdf"),
    Format("nq", ("application/n-quads",), "graph", "nq"),
    Format("trig", ("application/trig",), "graph", "trig"),
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
