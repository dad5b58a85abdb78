"""The view model of an entity page: plain dataclasses that the templates read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from metrograph.model.memberships import MEMBER_STANDINGS
from metrograph.model.terms import SourceRef, Term

__all__ = ["ClaimDetail", "EntityView", "Group", "MembershipRow", "RegionLink", "SourceRef",
           "Statement", "Term"]


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
    #: (class IRI, label, count) of the linking resources' types, when they are of several
    types: list[tuple[str, str, int]] = field(default_factory=list)
    type_filter: str | None = None  #: the type the list is narrowed to


@dataclass
class ClaimDetail:
    """One claim of a membership statement (an ``org:Membership`` node) as the page shows it."""

    claim: Term
    start: str | None
    end: str | None
    status: Term | None
    confidence: str | None
    sources: list[SourceRef]
    note: str | None = None
    standing: str = ""  #: on the page's day (see metrograph.model.memberships)


@dataclass
class MembershipRow:
    """One membership statement (organisation + member + role, its claims grouped), or a post."""

    other: Term
    role: Term | None
    claims: list[ClaimDetail]
    standing: str = ""  #: on the page's day, "" when the page shows all times

    @property
    def membership(self) -> Term:
        return self.claims[0].claim

    @property
    def sources(self) -> list[SourceRef]:
        seen: dict[str, SourceRef] = {}
        for claim in self.claims:
            for ref in claim.sources:
                seen.setdefault(ref.iri, ref)
        return sorted(seen.values(), key=lambda r: r.label)

    @property
    def statuses(self) -> list[Term]:
        return list({c.status.value: c.status for c in self.claims if c.status}.values())

    @property
    def confidences(self) -> list[str]:
        return list(dict.fromkeys(c.confidence for c in self.claims if c.confidence))

    @property
    def notes(self) -> list[str]:
        return list(dict.fromkeys(c.note for c in self.claims if c.note))

    @property
    def holds(self) -> bool:
        """Whether the row counts as a membership on the page's day (valid or attested; every
        row when the page shows all times)."""
        return self.standing in MEMBER_STANDINGS or self.standing == ""

    @property
    def shown(self) -> bool:
        """Whether the row belongs on the page's day (every row when it shows all times)."""
        return self.standing != "outside"


@dataclass
class RegionLink:
    """A Kreis's link to a metropolitan or LEADER region, rolled up from its Gemeinden as on the
    map: its own membership ("member"), a member Gemeinde or Samtgemeinde ("partial", ``via``;
    or no ``via`` when a source says only that the Kreis's Kommunen take part), the area
    without membership ("area")."""

    region: Term
    kind: str
    via: Term | None
    periods: list[tuple[str | None, str | None]]
    sources: list[SourceRef]
    exit: bool = False
    standing: str = ""  #: on the page's day, "" when the page shows all times


@dataclass
class EntityView:
    iri: str
    path: str
    lang: str
    label: str
    label_lang: str | None = None  #: the label's language where it is not the page's
    other_labels: list[Statement] = field(default_factory=list)
    types: list[Term] = field(default_factory=list)
    descriptions: list[Statement] = field(default_factory=list)
    identifiers: list[tuple[str, str, str | None]] = field(default_factory=list)
    outgoing: list[Group] = field(default_factory=list)
    incoming: list[Group] = field(default_factory=list)
    memberships: list[MembershipRow] = field(default_factory=list)
    members: list[MembershipRow] = field(default_factory=list)
    posts: list[MembershipRow] = field(default_factory=list)
    region_links: list[RegionLink] = field(default_factory=list)
    #: the history of a region (metrograph.pages.history), oldest first
    history: list[Any] = field(default_factory=list)
    #: the indicator section of a Kreis or region (metrograph.pages.indicators)
    indicators: list[Any] = field(default_factory=list)
    #: an indicator's figures for every region and year (metrograph.pages.indicators)
    region_table: Any = None
    #: the credit lines of the statistics shown (their licences ask for them)
    credit_lines: list[str] = field(default_factory=list)
    hidden: int = 0
    date: str | None = None
    map_svg: str | None = None
    sources: list[SourceRef] = field(default_factory=list)
    schema_org: dict[str, Any] = field(default_factory=dict)
    query: str = ""
    kind: str = "entity"  # "entity", "graph", "ontology"
