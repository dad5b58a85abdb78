"""The memberships and posts tables of an entity page.

A row per membership statement (the other party and role, with the claims that state it:
period, status, confidence, note and sources of each; :mod:`metrograph.model.memberships`) or
per ``org:Post`` that links to the entity, standing on the page's day by the model's rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pyoxigraph as ox

from metrograph.i18n.collation import sort_key
from metrograph.model.labels import DCT, ORG, RDF, RDFS, TIME
from metrograph.model.memberships import Claim, Statement, claim_standing, source_order
from metrograph.pages.entity_view import ClaimDetail, MembershipRow, RegionLink, SourceRef, Term
from metrograph.pages.planner.kreis_map import KREIS_LINKS_QUERY, link_statements
from metrograph.store.lookups import StoreLookups, nn

__all__ = ["TABLE_INCOMING", "MembershipTables"]

#: Relations shown in the memberships/posts tables rather than among the incoming links.
TABLE_INCOMING = (ORG + "member", ORG + "organization", ORG + "postIn", ORG + "heldBy")


class MembershipTables(StoreLookups):
    """The rows of the memberships, members and posts tables."""

    def typed(self, node: Any, lang: str) -> Term:
        """The term with its type beside it (``detail``: "Samtgemeinde" next to a Gemeinde of
        the same name, "Kreisfreie Stadt" next to a Landkreis), from our ontology's classes."""
        term = self.term(node, lang)
        if term.kind != "iri" or not term.ours:
            return term
        ours = self.base + "ontology#"
        names = sorted({self.label(q.object.value, lang) for q in self._quads(node, nn(RDF + "type"))
                        if q.object.value.startswith(ours)}, key=sort_key)
        return replace(term, detail=", ".join(names)) if names and not term.detail else term

    def _values(self, node: Any) -> dict[str, list[Any]]:
        """The node's objects by predicate IRI."""
        values: dict[str, list[Any]] = {}
        for v in self._quads(node):
            values.setdefault(v.predicate.value, []).append(v.object)
        return values

    def _refs(self, sources: Iterable[str], lang: str,
              all_sources: dict[str, SourceRef]) -> list[SourceRef]:
        """References to these sources (by label), noted among the page's sources too."""
        refs = sorted((self.source_ref(iri, lang) for iri in sources), key=lambda r: r.label)
        for ref in refs:
            all_sources[ref.iri] = ref
        return refs

    def _with_quotes(self, membership: ox.NamedNode, refs: list[SourceRef]) -> list[SourceRef]:
        """The references with the phrases by which each source states the claim (its
        ``org:member`` triple: the phrase names the member)."""
        quotes = {}
        for q in self.store.quads_for_pattern(membership, nn(ORG + "member"), None, None):
            if isinstance(q.graph_name, ox.NamedNode):
                found = self.quotes(ox.Triple(q.subject, q.predicate, q.object), q.graph_name.value)
                if found:
                    quotes[self.source_for_graph(q.graph_name.value)] = found
        return [replace(r, quotes=quotes[r.iri]) if r.iri in quotes else r for r in refs]

    def _period(self, membership: ox.NamedNode) -> tuple[str | None, str | None]:
        start = end = None
        for q in self._quads(membership, nn(ORG + "memberDuring")):
            for which, predicate in (("start", TIME + "hasBeginning"), ("end", TIME + "hasEnd")):
                for instant in self._quads(q.object, nn(predicate)):
                    for v in self._quads(instant.object):
                        if v.predicate.value.startswith(TIME + "inXSD"):
                            if which == "start":
                                start = v.object.value
                            else:
                                end = v.object.value
        return start, end

    def _membership_rows(self, iri: str, this_role: str, other_role: str, lang: str,
                         all_sources: dict[str, SourceRef],
                         day: str | None) -> list[MembershipRow]:
        """One row per membership statement (the other party + role), its claims grouped;
        each claim and the statement stand on ``day`` by the model's rule (all times when
        ``day`` is None)."""
        grouped: dict[tuple[str, str], list[tuple[Claim, ClaimDetail]]] = {}
        terms: dict[tuple[str, str], tuple[Term, Term | None]] = {}
        for q in self._quads(None, nn(this_role), nn(iri)):
            m = q.subject
            values = self._values(m)
            if nn(ORG + "Membership") not in values.get(RDF + "type", []):
                continue
            others = values.get(other_role, [])
            if not others:
                continue
            start, end = self._period(m)
            role = values.get(ORG + "role", [None])[0]
            status = values.get(self.base + "ontology#membershipStatus", [None])[0]
            confidence = values.get(self.base + "ontology#confidence", [None])[0]
            refs = self._with_quotes(m, self._refs((s.value for s in values.get(DCT + "source", [])),
                                                   lang, all_sources))
            # a note only in the page's language (the compilations' notes are English): a
            # German page shows no English sentence
            note = next((c for c in values.get(RDFS + "comment", [])
                         if (c.language or lang) == lang), None)
            role_iri = role.value if role is not None else ""
            claim = Claim(m.value, iri if this_role == ORG + "organization" else others[0].value,
                          others[0].value if this_role == ORG + "organization" else iri, role_iri,
                          start, end, status is not None and status.value.endswith("#ExitReported"),
                          tuple(sorted(((r.iri, r.date) for r in refs), key=source_order)))
            detail = ClaimDetail(
                claim=self.term(m, lang), start=start, end=end,
                status=self.term(status, lang) if status is not None else None,
                confidence=confidence.value if confidence is not None else None,
                sources=refs, note=note.value if note else None,
                standing=claim.standing(day) if day else "")
            key = (others[0].value, role_iri)
            grouped.setdefault(key, []).append((claim, detail))
            terms.setdefault(key, (self.typed(others[0], lang),
                                   self.term(role, lang) if role is not None else None))
        rows = []
        for key, pairs in grouped.items():
            pairs.sort(key=lambda pair: (pair[0].start or "", pair[0].iri))
            other, role = terms[key]
            first = pairs[0][0]
            statement = Statement(first.organisation, first.member, first.role,
                                  [c for c, _ in pairs])
            standing = statement.standing(day) if day else ""
            rows.append(MembershipRow(other, role, [d for _, d in pairs], standing))
        rows.sort(key=lambda r: (sort_key(r.other.label), r.claims[0].start or "",
                                 r.membership.value))
        return rows

    def _post_rows(self, iri: str, lang: str, all_sources: dict[str, SourceRef],
                   day: str | None) -> list[MembershipRow]:
        """Posts in this organisation (with their holders) or held by this person; a post stands
        on ``day`` by the same rule as a membership claim."""
        rows = []
        node = nn(iri)
        posts = [(q.subject, "held") for q in self._quads(None, nn(ORG + "postIn"), node)]
        posts += [(q.subject, "org") for q in self._quads(None, nn(ORG + "heldBy"), node)]
        for post, show in posts:
            values = self._values(post)
            start, end = self._period(post)
            role = values.get(ORG + "role", [None])[0]
            refs = self._refs((s.value for s in values.get(DCT + "source", [])), lang,
                              all_sources)
            standing = claim_standing(start, end, False, (r.date for r in refs), day) if day else ""
            others = values.get(ORG + "heldBy" if show == "held" else ORG + "postIn", []) or [
                None]
            for other in others:
                detail = ClaimDetail(claim=self.term(post, lang), start=start, end=end,
                                     status=None, confidence=None, sources=refs,
                                     standing=standing)
                rows.append(MembershipRow(
                    other=self.term(other, lang) if other is not None else Term("", "–", "literal"),
                    role=self.term(role, lang) if role is not None else None,
                    claims=[detail], standing=standing))
        rows.sort(key=lambda r: (sort_key(r.membership.label), sort_key(r.other.label)))
        return rows

    def _region_links(self, iri: str, lang: str, all_sources: dict[str, SourceRef],
                      day: str | None) -> list[RegionLink]:
        """A Kreis's links to metropolitan and LEADER regions: the map's query and statements
        for this one Kreis, so the page and the map say the same."""
        rows = [{name: {"value": term.value} for name, term in row.items() if term is not None}
                for row in self._select(KREIS_LINKS_QUERY, one=nn(iri))]
        links = []
        for (_kreis, region, kind, via), statement in link_statements(rows):
            refs = self._refs((src for src, _ in statement.sources()), lang, all_sources)
            links.append(RegionLink(
                region=self.term(nn(region), lang), kind=kind,
                via=self.typed(nn(via), lang) if via else None,
                periods=[(c.start, c.end) for c in statement.claims if c.dated],
                sources=refs, exit=statement.exit_reported,
                standing=statement.standing(day) if day else ""))
        links.sort(key=lambda link: (sort_key(link.region.label), link.kind,
                                     sort_key(link.via.label if link.via else "")))
        return links
