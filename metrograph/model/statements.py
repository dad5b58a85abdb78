"""How a single statement is named, so that its evidence and derivations can point at it.

The build (:mod:`metrograph.build.evidence`) mints one ``rdf:Statement`` per evidenced or
derived triple, under the IRI of the source that states it; pages find a statement's evidence
phrases by the same rule (:meth:`metrograph.store.lookups.Lookups.quotes`).
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox

__all__ = ["OA", "STATEMENT_PARTS", "statement_iri"]

OA = "http://www.w3.org/ns/oa#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#: How a statement names its triple. An entity page shows a statement's evidence beside the
#: fact, so it does not list the statements themselves among the links to the entity.
STATEMENT_PARTS = (RDF + "subject", RDF + "predicate", RDF + "object")


def statement_iri(source_iri: str, triple: ox.Triple) -> str:
    """``<source>#statement-<first 12 hex digits of the SHA-256 of the triple's N-Triples>``."""
    digest = hashlib.sha256(str(triple).encode()).hexdigest()[:12]
    return f"{source_iri}#statement-{digest}"
