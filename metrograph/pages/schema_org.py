"""The schema.org JSON-LD block of an entity page.

Its type (one of ours mapped through ``rdfs:subClassOf``), name, description, identifiers and
Wikidata ``sameAs``, written so that it is safe inside a ``<script>`` element.
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from metrograph.model.labels import DCAT, GEO, ORG, OWL, RDFS, SCHEMA, SKOS
from metrograph.pages.entity_view import EntityView
from metrograph.store.lookups import StoreLookups, nn

__all__ = ["SCHEMA_EQUIVALENTS", "SchemaOrg", "schema_json"]

#: schema.org types of reused classes that do not name one themselves.
SCHEMA_EQUIVALENTS = {
    DCAT + "Dataset": "Dataset",
    "http://xmlns.com/foaf/0.1/Document": "CreativeWork",
    "http://xmlns.com/foaf/0.1/Person": "Person",
    OWL + "Ontology": "DefinedTermSet",
    SKOS + "ConceptScheme": "DefinedTermSet",
    SKOS + "Concept": "DefinedTerm",
    ORG + "Membership": "OrganizationRole",
    ORG + "Post": "OrganizationRole",
}


class SchemaOrg(StoreLookups):
    """The schema.org description of an entity page."""

    def _schema_org(self, iri: str, view: EntityView, lang: str) -> dict[str, Any]:
        kind = "Thing"
        for t in view.types:
            found = self._schema_class(t.value)
            if found:
                kind = found
                break
        data: dict[str, Any] = {"@context": "https://schema.org", "@type": kind, "@id": iri,
                                "name": view.label, "url": iri}
        if view.descriptions:
            data["description"] = view.descriptions[0].term.value
        same = [url for name, _v, url in view.identifiers if name == "Wikidata" and url]
        if same:
            data["sameAs"] = same
        ids = [{"@type": "PropertyValue", "propertyID": name, "value": value}
               for name, value, _u in view.identifiers if name != "Wikidata"]
        if ids:
            data["identifier"] = ids
        return data

    def _schema_class(self, cls: str) -> str | None:
        """The schema.org type of one of our classes (via rdfs:subClassOf), if any."""
        def make() -> str | None:
            todo, seen = [cls], set()
            fallback = None
            while todo:
                current = todo.pop(0)
                if current in seen:
                    continue
                seen.add(current)
                if current.startswith(SCHEMA):
                    return current[len(SCHEMA):]
                if current in SCHEMA_EQUIVALENTS:
                    return SCHEMA_EQUIVALENTS[current]
                if current.startswith(ORG) and fallback is None:
                    fallback = "Organization"
                if current == GEO + "Feature" and fallback is None:
                    fallback = "Place"
                todo += [q.object.value for q in self._quads(nn(current), nn(RDFS + "subClassOf"))
                         if isinstance(q.object, ox.NamedNode)]
            return fallback
        return self._cached(("schema", cls), make)


def schema_json(data: dict[str, Any]) -> str:
    """JSON for a ``<script type="application/ld+json">`` block, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
