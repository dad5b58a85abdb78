"""The memberships and posts tables of an entity page.

A row per ``org:Membership`` or ``org:Post`` that links to the entity: the other party, role,
period, status, confidence, note and sources.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from metrograph.i18n.collation import sort_key
from metrograph.model.labels import DCT, ORG, RDF, RDFS, TIME, pick
from metrograph.pages.entity_view import MembershipRow, SourceRef, Term
from metrograph.store.lookups import StoreLookups, nn

__all__ = ["TABLE_INCOMING", "MembershipTables"]

#: Relations shown in the memberships/posts tables rather than among the incoming links.
TABLE_INCOMING = (ORG + "member", ORG + "organization", ORG + "postIn", ORG + "heldBy")


class MembershipTables(StoreLookups):
    """The rows of the memberships, members and posts tables."""

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
                         all_sources: dict[str, SourceRef]) -> list[MembershipRow]:
        rows = []
        for q in self._quads(None, nn(this_role), nn(iri)):
            m = q.subject
            values: dict[str, list[Any]] = {}
            for v in self._quads(m):
                values.setdefault(v.predicate.value, []).append(v.object)
            if nn(ORG + "Membership") not in values.get(RDF + "type", []):
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
        rows.sort(key=lambda r: (sort_key(r.other.label), r.start or "", r.membership.value))
        return rows

    def _post_rows(self, iri: str, lang: str,
                   all_sources: dict[str, SourceRef]) -> list[MembershipRow]:
        """Posts in this organisation (with their holders) or held by this person."""
        rows = []
        node = nn(iri)
        posts = [(q.subject, "held") for q in self._quads(None, nn(ORG + "postIn"), node)]
        posts += [(q.subject, "org") for q in self._quads(None, nn(ORG + "heldBy"), node)]
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
        rows.sort(key=lambda r: (sort_key(r.membership.label), sort_key(r.other.label)))
        return rows
