"""The entity page, and :class:`Resources`: all the web layer asks about our IRIs.

No Flask here. :class:`Resources` wraps the release's store (:mod:`metrograph.store.lookups`),
gives description documents (:mod:`metrograph.pages.rdf_description`) and the lists of the home and
ontology pages (:mod:`metrograph.pages.page_lists`), and builds the view model
(:mod:`metrograph.pages.entity_view`) of an HTML page in :meth:`Resources.view`: preferred label (and
the others), types, descriptions, identifiers, outgoing and incoming links grouped by relation
with human labels, memberships and posts with role, dates, status and sources
(:mod:`metrograph.pages.membership_tables`), filtered by an "as of" date, the sources of every
statement, the geometry as SVG and the schema.org block (:mod:`metrograph.pages.schema_org`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pyoxigraph as ox

from metrograph.i18n.collation import sort_key
from metrograph.i18n.formatting import format_number
from metrograph.i18n.text import phrase
from metrograph.model.geometry import wkt_to_svg
from metrograph.model.iri_paths import path_for_iri
from metrograph.model.labels import (
    DESCRIPTION_PREDICATES,
    GEO,
    INVERSE_LABELS,
    LABEL_PREDICATES,
    ORG,
    OWL,
    RDF,
    RDFS,
    SKOS,
    WD,
    pick,
)
from metrograph.model.statements import STATEMENT_PARTS
from metrograph.pages.entity_view import EntityView, Group, SourceRef, Statement
from metrograph.pages.history import HISTORY_INCOMING, History
from metrograph.pages.indicators import INDICATOR_INCOMING, REGION_TABLE_INCOMING, Indicators
from metrograph.pages.membership_tables import TABLE_INCOMING, MembershipTables
from metrograph.pages.page_lists import PageLists
from metrograph.pages.rdf_description import Descriptions
from metrograph.pages.schema_org import SchemaOrg
from metrograph.store.lookups import nn

__all__ = ["PAGE_SIZE", "Resources"]

#: Items per page of an incoming group on the HTML page.
PAGE_SIZE = 50
#: Groups up to this size are sorted by label; larger ones come in the store's index order
#: (stable for an immutable release; sorting tens of thousands of IRIs costs seconds).
SORT_BY_LABEL_MAX = 5000
#: Lists longer than this offer a filter by the type of the linking resources.
TYPE_FILTER_FROM = 10


class Resources(Descriptions, MembershipTables, SchemaOrg, PageLists, History, Indicators):
    """Our IRIs in one release's store (read-only, opened once per process): kinds, labels,
    description documents and page view models. Thread-safe."""

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
            parts.append("= " + format_number(values[self.base + "ontology#value"].value, lang))
        qualifier = values.get(self.base + "ontology#qualifier")
        if qualifier is not None:
            parts.append(f"({self.label(qualifier.value, lang)})")
        return " ".join(parts) or None

    def view(self, iri: str, lang: str = "de", date: str | None = None,
             page: int = 1, page_predicate: str | None = None,
             page_type: str | None = None) -> EntityView:
        kind = self.kind(iri) or "entity"
        path = path_for_iri(self.base, iri) or "/"
        node = nn(iri)
        view = EntityView(iri=iri, path=path, lang=lang, label=self.label(iri, lang),
                          date=date, kind=kind)
        if kind == "graph":
            name = iri[len(self.base + "graph/"):]
            view.label = phrase(lang, "named_graph", name=name)
        labels = self.labels(iri)
        preferred = pick(labels, lang)
        if kind != "graph" and preferred is not None and preferred.language not in {None, "", lang}:
            view.label_lang = preferred.language  # a fallback label is marked as such
        all_sources: dict[str, SourceRef] = {}

        # outgoing statements, each with the graphs (sources) that state it
        outgoing: dict[str, dict[Any, dict[str, str]]] = {}
        if kind == "graph":
            for t in self._graph_triples(iri):
                outgoing.setdefault(t.predicate.value, {}).setdefault(t.object, {})
        for q in self.store.quads_for_pattern(node, None, None, None):
            bucket = outgoing.setdefault(q.predicate.value, {}).setdefault(q.object, {})
            if isinstance(q.graph_name, ox.NamedNode):
                source = self.source_for_graph(q.graph_name.value)
                if source:
                    bucket[source] = q.graph_name.value
        groups = []
        for predicate, objects in outgoing.items():
            statements = []
            for obj, sources in objects.items():
                if predicate == GEO + "hasGeometry":
                    continue
                term = self.term(obj, lang)
                if isinstance(obj, ox.NamedNode) and obj.value.startswith(iri + "#"):
                    term.detail = self._describe_hash(obj, lang)
                refs = []
                for source, graph in sorted(sources.items()):
                    ref = all_sources.setdefault(source, self.source_ref(source, lang))
                    quotes = self.quotes(ox.Triple(node, nn(predicate), obj), graph)
                    refs.append(replace(ref, quotes=quotes) if quotes else ref)
                statements.append(Statement(term, refs))
            if not statements:
                continue
            statements.sort(key=lambda st: (st.term.lang not in {lang, None},
                                            sort_key(st.term.label), st.term.value))
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
        groups.sort(key=lambda g: (order.get(g.predicate, 2), sort_key(g.label)))
        view.outgoing = groups
        # in the page's language; else the others, each marked with its language on the page
        view.descriptions = [d for d in view.descriptions
                             if d.term.lang in {lang, None}] or view.descriptions
        view.identifiers = self._identifiers(outgoing)

        # the changes that concern it, dated (metrograph.pages.history), shown as a list
        view.history = self._history_rows(iri, lang, all_sources) if kind == "entity" else []
        # the latest value of each indicator, its rank and course (metrograph.pages.indicators)
        view.indicators = (self._indicator_rows(iri, lang, all_sources)
                           if iri.startswith((self.base + "id/kreis/", self.base + "id/region/"))
                           else [])
        view.region_table = (self._region_table(iri, lang)
                             if iri.startswith(self.base + "id/indicator/") else None)
        view.credit_lines = self._credit_lines(view.indicators, lang)

        # incoming links, paginated per relation
        for predicate, count in self.incoming_counts(iri):
            if predicate in TABLE_INCOMING or predicate in STATEMENT_PARTS \
                    or (view.history and predicate in HISTORY_INCOMING) \
                    or (view.indicators and predicate in INDICATOR_INCOMING) \
                    or (view.region_table and predicate in REGION_TABLE_INCOMING):
                continue
            this_page = page if page_predicate in {None, predicate} else 1
            narrowed = page_type if page_predicate == predicate else None
            view.incoming.append(self._incoming_group(iri, predicate, count, this_page, lang,
                                                      narrowed))

        # memberships and posts
        view.memberships = self._membership_rows(iri, ORG + "member", ORG + "organization",
                                                 lang, all_sources, date)
        view.members = self._membership_rows(iri, ORG + "organization", ORG + "member",
                                             lang, all_sources, date)
        view.posts = self._post_rows(iri, lang, all_sources, date)
        if iri.startswith(self.base + "id/kreis/"):
            view.region_links = [link for link in self._region_links(iri, lang, all_sources, date)
                                 if link.standing != "outside"]
        view.hidden = sum(1 for rows in (view.memberships, view.members, view.posts)
                          for row in rows if not row.shown)
        view.sources = sorted(all_sources.values(), key=lambda r: sort_key(r.label))

        # geometry
        for q in self._quads(node, nn(GEO + "hasGeometry")):
            for w in self._quads(q.object, nn(GEO + "asWKT")):
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

    def _link_types(self, iri: str, predicate: str, lang: str) -> list[tuple[str, str, int]]:
        """How many resources of each of our classes link here by ``predicate`` (for the type
        filter of a long list), when they are of more than one."""
        rows = self._select(
            "SELECT ?t (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o . ?s a ?t "
            "FILTER(STRSTARTS(STR(?t), ?ours)) } GROUP BY ?t",
            p=nn(predicate), o=nn(iri), ours=ox.Literal(self.base + "ontology#"))
        types = [(r["t"].value, self.label(r["t"].value, lang), int(r["n"].value)) for r in rows]
        return sorted(types, key=lambda t: sort_key(t[1])) if len(types) > 1 else []

    def _incoming_group(self, iri: str, predicate: str, count: int, page: int,
                        lang: str, type_filter: str | None = None) -> Group:
        types = self._link_types(iri, predicate, lang) if count > TYPE_FILTER_FROM else []
        if type_filter is not None:
            count = next((n for t, _, n in types if t == type_filter), 0)
        typed = " ?s a ?t ." if type_filter is not None else ""
        bound = {"t": nn(type_filter)} if type_filter is not None else {}
        pages = max(1, -(-count // PAGE_SIZE))
        page = min(max(1, page), pages)
        offset = (page - 1) * PAGE_SIZE
        if count <= SORT_BY_LABEL_MAX:
            # the aggregate in a subquery: some stores (Virtuoso) cannot order by an
            # expression over an aggregate's alias
            # all of them, put in German order here (i18n/collation.py), then the page's slice
            # (the smallest label is taken here, not with MIN: stores order strings apart)
            found = self._select(
                "SELECT ?s ?l WHERE { ?s ?p ?o ." + typed + " FILTER(isIRI(?s)) OPTIONAL {"
                " ?s rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), ?lang) || LANG(?l) = 'de') } }",
                p=nn(predicate), o=nn(iri), lang=ox.Literal(lang), **bound)
            smallest: dict[str, tuple[Any, str]] = {}
            for r in found:
                label = r["l"].value if r["l"] is not None else ""
                if r["s"].value not in smallest or label < smallest[r["s"].value][1]:
                    smallest[r["s"].value] = (r["s"], label)
            rows = [{"s": s} for s, label in sorted(
                smallest.values(), key=lambda pair: (sort_key(pair[1]), pair[0].value))]
            rows = rows[offset:offset + PAGE_SIZE]
        else:
            # index order: stable for an immutable release, and no string decoding
            rows = self._select(f"SELECT ?s WHERE {{ ?s ?p ?o .{typed} }} "
                                f"LIMIT {PAGE_SIZE} OFFSET {offset}",
                                p=nn(predicate), o=nn(iri), **bound)
        statements = []
        for row in rows:
            term = self.typed(row["s"], lang)
            statements.append(Statement(term, self._statement_sources(
                row["s"], nn(predicate), nn(iri), lang)))
        key = next((k for k in INVERSE_LABELS if predicate.endswith(k) and (
            predicate == k or predicate == self.base + k)), None)
        if key is not None:
            de, en = INVERSE_LABELS[key]
            label = en if lang == "en" else de
        else:
            label = phrase(lang, "links_here_as", label=self.predicate_label(predicate, lang))
        return Group(predicate, label, statements, total=count, page=page, pages=pages,
                     predicate_href=path_for_iri(self.base, predicate), types=types,
                     type_filter=type_filter)

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
