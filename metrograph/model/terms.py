"""A term as people see it (its label, link and kind), and a reference to the source that
states something: what the lookups produce and every page shows."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SourceRef", "Term"]


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
    label_lang: str | None = None  #: the label's language where it is not the page's


@dataclass
class SourceRef:
    iri: str
    href: str | None
    label: str
    date: str | None = None  #: when the source was issued (dct:issued), at its precision
    #: the phrases of the source that state the statement referred to (its evidence)
    quotes: tuple[str, ...] = ()
