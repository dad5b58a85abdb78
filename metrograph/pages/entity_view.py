"""The view model of an entity page: plain dataclasses that the templates read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from metrograph.model.terms import SourceRef, Term

__all__ = ["EntityView", "Group", "MembershipRow", "SourceRef", "Statement", "Term"]


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
