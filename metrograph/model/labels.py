"""How terms are named on the pages: the vocabularies we reuse and the labels we give them.

Namespace IRIs as plain strings (for pyoxigraph), German and English labels of reused terms
(ours come from the ontology) and of incoming groups, the predicates that label or describe a
resource, and the choice of a literal by language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

__all__ = [
    "DCAT",
    "DCT",
    "DESCRIPTION_PREDICATES",
    "GEO",
    "INVERSE_LABELS",
    "LABEL_PREDICATES",
    "ORG",
    "OWL",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SD",
    "SKOS",
    "TERM_LABELS",
    "TIME",
    "VANN",
    "VOID",
    "WD",
    "XSD",
    "local_name",
    "pick",
]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
GEO = "http://www.opengis.net/ont/geosparql#"
TIME = "http://www.w3.org/2006/time#"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
VANN = "http://purl.org/vocab/vann/"
WD = "http://www.wikidata.org/entity/"
QB = "http://purl.org/linked-data/cube#"
SDMX_DIMENSION = "http://purl.org/linked-data/sdmx/2009/dimension#"
SDMX_ATTRIBUTE = "http://purl.org/linked-data/sdmx/2009/attribute#"
QUDT = "http://qudt.org/schema/qudt/"
PROV = "http://www.w3.org/ns/prov#"

#: the preferred label first (one per language, chosen by metrograph.build.preferred_labels)
LABEL_PREDICATES = (SKOS + "prefLabel", RDFS + "label", SCHEMA + "name", DCT + "title")
DESCRIPTION_PREDICATES = (RDFS + "comment", DCT + "description", SCHEMA + "description",
                          SKOS + "definition")

#: German and English labels of the reused terms we show (ours come from the ontology).
TERM_LABELS: dict[str, tuple[str, str]] = {
    RDF + "type": ("Typ", "type"),
    RDFS + "label": ("Bezeichnung", "label"),
    RDFS + "comment": ("Beschreibung", "description"),
    RDFS + "seeAlso": ("siehe auch", "see also"),
    RDF + "Statement": ("Aussage", "statement"),
    RDF + "subject": ("Subjekt", "subject"),
    RDF + "predicate": ("Prädikat", "predicate"),
    RDF + "object": ("Objekt", "object"),
    ORG + "originalOrganization": ("ursprüngliche Organisation", "original organization"),
    ORG + "resultingOrganization": ("hervorgegangene Organisation", "resulting organization"),
    ORG + "ChangeEvent": ("Veränderung", "change event"),
    SCHEMA + "superEvent": ("Teil von", "part of"),
    SCHEMA + "Event": ("Ereignis", "event"),
    TIME + "hasTime": ("Zeitpunkt", "time"),
    RDFS + "subClassOf": ("Unterklasse von", "subclass of"),
    RDFS + "subPropertyOf": ("Untereigenschaft von", "subproperty of"),
    RDFS + "domain": ("Definitionsbereich", "domain"),
    RDFS + "range": ("Wertebereich", "range"),
    OWL + "versionInfo": ("Version", "version"),
    OWL + "versionIRI": ("Versions-IRI", "version IRI"),
    OWL + "Ontology": ("Ontologie", "ontology"),
    OWL + "Class": ("Klasse", "class"),
    OWL + "ObjectProperty": ("Objekteigenschaft", "object property"),
    OWL + "DatatypeProperty": ("Dateneigenschaft", "datatype property"),
    VANN + "preferredNamespacePrefix": ("bevorzugtes Präfix", "preferred prefix"),
    VANN + "preferredNamespaceUri": ("Namensraum", "namespace"),
    DCT + "source": ("Quelle", "source"),
    DCT + "title": ("Titel", "title"),
    DCT + "description": ("Beschreibung", "description"),
    DCT + "publisher": ("Herausgeber", "publisher"),
    DCT + "license": ("Lizenz", "licence"),
    DCT + "rights": ("Rechte", "rights"),
    DCT + "issued": ("veröffentlicht", "issued"),
    DCT + "created": ("erstellt", "created"),
    DCT + "creator": ("Urheber", "creator"),
    DCT + "temporal": ("Zeitbezug", "temporal coverage"),
    DCT + "language": ("Sprache", "language"),
    DCT + "identifier": ("Kennung", "identifier"),
    DCT + "type": ("Art", "type"),
    DCAT + "landingPage": ("Webseite", "landing page"),
    DCAT + "accessURL": ("Zugriffsadresse", "access URL"),
    DCAT + "Dataset": ("Datensatz", "dataset"),
    SKOS + "prefLabel": ("Bezeichnung", "preferred label"),
    SKOS + "altLabel": ("andere Bezeichnung", "alternative label"),
    SKOS + "exactMatch": ("entspricht", "exact match"),
    SKOS + "inScheme": ("im Begriffssystem", "in scheme"),
    SKOS + "scopeNote": ("Anwendungshinweis", "scope note"),
    SKOS + "definition": ("Definition", "definition"),
    SKOS + "ConceptScheme": ("Begriffssystem", "concept scheme"),
    SKOS + "Concept": ("Begriff", "concept"),
    ORG + "member": ("Mitglied", "member"),
    ORG + "organization": ("Organisation", "organization"),
    ORG + "role": ("Rolle", "role"),
    ORG + "memberDuring": ("Zeitraum", "period"),
    ORG + "postIn": ("Posten in", "post in"),
    ORG + "heldBy": ("besetzt durch", "held by"),
    ORG + "holds": ("hat den Posten", "holds"),
    ORG + "unitOf": ("Einheit von", "unit of"),
    ORG + "hasUnit": ("hat die Einheit", "has unit"),
    ORG + "Membership": ("Mitgliedschaft", "membership"),
    ORG + "Post": ("Posten", "post"),
    ORG + "Organization": ("Organisation", "organization"),
    ORG + "FormalOrganization": ("formelle Organisation", "formal organization"),
    ORG + "OrganizationalUnit": ("Organisationseinheit", "organizational unit"),
    ORG + "OrganizationalCollaboration": ("Kooperation", "organizational collaboration"),
    SCHEMA + "name": ("Name", "name"),
    SCHEMA + "givenName": ("Vorname", "given name"),
    SCHEMA + "familyName": ("Nachname", "family name"),
    SCHEMA + "honorificPrefix": ("Titel", "honorific prefix"),
    SCHEMA + "organizer": ("Veranstalter", "organizer"),
    SCHEMA + "startDate": ("Beginn", "start date"),
    SCHEMA + "endDate": ("Ende", "end date"),
    SCHEMA + "about": ("Thema", "about"),
    SCHEMA + "datePublished": ("veröffentlicht am", "date published"),
    SCHEMA + "author": ("Autor", "author"),
    SCHEMA + "isBasedOn": ("beruht auf", "based on"),
    SCHEMA + "affiliation": ("Zugehörigkeit", "affiliation"),
    SCHEMA + "foundingDate": ("Gründungsdatum", "founding date"),
    SCHEMA + "location": ("Ort", "location"),
    SCHEMA + "workFeatured": ("vorgestelltes Werk", "work featured"),
    SCHEMA + "description": ("Beschreibung", "description"),
    SCHEMA + "contributor": ("Mitwirkende", "contributor"),
    SCHEMA + "telephone": ("Telefon", "telephone"),
    SCHEMA + "email": ("E-Mail", "email"),
    SCHEMA + "address": ("Adresse", "address"),
    SCHEMA + "contactPoint": ("Kontakt", "contact point"),
    SCHEMA + "streetAddress": ("Straße", "street address"),
    SCHEMA + "addressLocality": ("Ort", "locality"),
    SCHEMA + "postalCode": ("Postleitzahl", "postal code"),
    SCHEMA + "Person": ("Person", "person"),
    SCHEMA + "ContactPoint": ("Kontaktstelle", "contact point"),
    SCHEMA + "PostalAddress": ("Postanschrift", "postal address"),
    SCHEMA + "ImageObject": ("Bild", "image"),
    SCHEMA + "image": ("Bild", "image"),
    SCHEMA + "creditText": ("Bildnachweis", "credit"),
    GEO + "hasGeometry": ("Geometrie", "geometry"),
    GEO + "asWKT": ("Geometrie (WKT)", "geometry (WKT)"),
    GEO + "Geometry": ("Geometrie", "geometry"),
    GEO + "Feature": ("Raumobjekt", "feature"),
    TIME + "hasBeginning": ("Beginn", "beginning"),
    TIME + "hasEnd": ("Ende", "end"),
    TIME + "inXSDDate": ("Datum", "date"),
    TIME + "inXSDgYear": ("Jahr", "year"),
    TIME + "inXSDgYearMonth": ("Monat", "month"),
    TIME + "Interval": ("Zeitraum", "interval"),
    TIME + "Instant": ("Zeitpunkt", "instant"),
    VOID + "triples": ("Tripel", "triples"),
    SD + "Graph": ("benannter Graph", "named graph"),
    RDF + "Property": ("Eigenschaft", "property"),
    SKOS + "notation": ("Code", "notation"),
    QB + "Observation": ("Beobachtung", "observation"),
    QB + "DataSet": ("statistischer Datensatz", "statistical dataset"),
    QB + "DataStructureDefinition": ("Datenstruktur", "data structure definition"),
    QB + "ComponentSpecification": ("Komponente der Struktur", "component specification"),
    QB + "MeasureProperty": ("Kennzahl", "measure"),
    QB + "DimensionProperty": ("Dimension", "dimension"),
    QB + "dataSet": ("im Datensatz", "data set"),
    QB + "structure": ("Struktur", "structure"),
    QB + "component": ("Komponente", "component"),
    QB + "measure": ("Kennzahl", "measure"),
    QB + "dimension": ("Dimension", "dimension"),
    QB + "attribute": ("Attribut", "attribute"),
    QB + "order": ("Reihenfolge", "order"),
    QB + "measureType": ("Kennzahl", "measure type"),
    QB + "componentAttachment": ("gilt für", "attached to"),
    QB + "componentRequired": ("erforderlich", "required"),
    QB + "codeList": ("Codeliste", "code list"),
    SDMX_DIMENSION + "refArea": ("Gebiet", "reference area"),
    SDMX_DIMENSION + "refPeriod": ("Zeitraum", "reference period"),
    SDMX_ATTRIBUTE + "unitMeasure": ("Einheit", "unit"),
    QUDT + "Unit": ("Einheit", "unit"),
    QUDT + "symbol": ("Zeichen", "symbol"),
    PROV + "wasDerivedFrom": ("abgeleitet aus", "derived from"),
}
#: Labels of incoming groups ("who links here, and how").
INVERSE_LABELS: dict[str, tuple[str, str]] = {
    "ontology#inState": ("Gebiete in diesem Land", "units in this state"),
    "ontology#inDistrict": ("Gebiete in diesem Kreis", "units in this district"),
    "ontology#inGovernmentRegion": ("Gebiete in diesem Regierungsbezirk",
                                    "units in this government region"),
    "ontology#inMunicipalAssociation": ("Gemeinden dieses Gemeindeverbands",
                                        "municipalities of this association"),
    DCT + "source": ("Ressourcen aus dieser Quelle", "resources from this source"),
    ORG + "role": ("in dieser Rolle", "in this role"),
    RDF + "type": ("Instanzen", "instances"),
    SKOS + "inScheme": ("Begriffe", "concepts"),
}


def pick(literals: Iterable[Any], lang: str) -> Any:
    """Prefer ``lang``, then German, then no language, then anything."""
    literals = [lit for lit in literals if isinstance(lit, ox.Literal)]
    for wanted in (lang, "de", None):
        for lit in literals:
            if (lit.language or None) == wanted:
                return lit
    return literals[0] if literals else None


def local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri
