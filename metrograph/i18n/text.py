"""Every word the pages show, in German and English: one module, so no page mixes languages.

Each table maps a language to its texts; ``tests/test_i18n.py`` checks that both languages
have the same keys, all the way down. Vocabulary labels (roles, statuses, themes) come from
the graph in both languages; :data:`PHRASES` holds the sentences the code composes.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ERROR_PAGES", "LANGUAGES", "PAGES", "PHRASES", "QUERY_PAGE", "VIEWS", "phrase"]

LANGUAGES = ("de", "en")

#: the site's pages (entity pages, home, ontology, search, dumps)
PAGES: dict[str, dict[Any, Any]] = {
    "de": {
        "search": "Suchen", "search_label": "Suche im Graphen", "language": "Sprache",
        "type": "Typ", "identifiers": "Kennungen", "statements": "Aussagen",
        "incoming": "Verweise auf diese Ressource", "memberships": "Mitgliedschaften",
        "members": "Mitglieder", "posts": "Posten", "organisation": "Organisation",
        "member": "Mitglied", "role": "Rolle", "start": "Beginn", "end": "Ende",
        "status": "Status", "confidence": "Verlässlichkeit", "source": "Quelle",
        "sources": "Quellen dieser Seite", "holder": "Inhaber", "post": "Posten",
        "as_of": "Stand am", "show": "Anzeigen", "all_dates": "alle Zeiten",
        "hidden": "{n} Einträge waren an diesem Tag nicht gültig und sind ausgeblendet.",
        "valid_on": "Gültig am {date}:", "map": "Karte", "other_labels": "Weitere Bezeichnungen",
        "query_this": "Diese Abfrage im SPARQL-Editor öffnen", "formats": "Formate",
        "page": "Seite", "of": "von", "previous": "zurück", "next": "weiter",
        "entries": "Einträge", "not_stated": "–", "home": "Startseite",
        "regions": "Europäische Metropolregionen", "networks": "Kooperationsnetzwerke",
        "ontology": "Ontologie", "dataset": "Datensatz", "licence": "Lizenz",
        "footer": "Kuratierte Daten unter CC BY 4.0; amtliche Daten mit ihrer eigenen Lizenz "
                  "und Quellenangabe (siehe die Quellen jeder Aussage).",
        "classes": "Klassen", "properties": "Eigenschaften", "individuals": "Individuen",
        "intro": "metrograph verknüpft die Europäischen Metropolregionen in Deutschland, ihre "
                 "Länder, Kreise und Gemeinden, Trägerorganisationen, Netzwerke, Personen und "
                 "Veranstaltungen – jede Aussage mit ihrer Quelle.",
        "sparql": "SPARQL-Endpunkt", "note": "Hinweis", "skip": "Zum Inhalt springen",
        "confidence_values": {"high": "hoch", "medium": "mittel", "low": "gering"},
        "in_formats": "Diese Ressource als", "period": "Zeitraum", "undated": "ohne Datum",
        "attested_on": "belegt am {date}, Beginn unbekannt", "undated_source": "Quelle ohne Datum",
        "region_links": "Metropol- und LEADER-Regionen, auch über die Gemeinden",
        "region": "Region", "link": "Verbindung", "via": "über",
        "link_kinds": {"member": "Mitglied", "partial": "Gemeinden beteiligt",
                       "area": "im Gebiet, nicht Mitglied"},
        "by_type": "nach Typ", "all_types": "alle Typen",
        "exit": "Austritt gemeldet",
        "history": "Geschichte", "date_unknown": "Datum unbekannt",
        "indicators": "Kennzahlen", "indicator": "Kennzahl", "value": "Wert", "year": "Jahr",
        "rank": "Rang", "trend": "Verlauf", "rank_of": "{rank} von {n}",
        "computed": "aus den Mitgliedskreisen berechnet",
        "region_figures": "Die Metropolregionen im Vergleich",
        "region_figures_note": "Aus den Mitgliedskreisen jeder Region am 31.12. des Jahres nach der "
                               "Regel der Kennzahl berechnet; geordnet nach dem jüngsten Wert. Die "
                               "Regel, die Kreise und die Gewichte stehen an jeder Zahl (SPARQL-Frage 44).",
        "indicators_note": "Rang: Platz unter den Gebieten mit einem Wert im selben Datensatz und "
                           "Jahr (1 = höchster Wert). Berechnete Werte der Regionen: Regel, Kreise "
                           "und Gewichte stehen an jeder Kennzahl.",
        "standings": {"valid": "gültig", "attested": "belegt", "exit": "Austritt gemeldet",
                      "undated": "ohne Datum: für diesen Tag nicht belegt",
                      "outside": "nicht gültig"},
    },
    "en": {
        "search": "Search", "search_label": "Search the graph", "language": "Language",
        "type": "Type", "identifiers": "Identifiers", "statements": "Statements",
        "incoming": "Links to this resource", "memberships": "Memberships",
        "members": "Members", "posts": "Posts", "organisation": "Organisation",
        "member": "Member", "role": "Role", "start": "Start", "end": "End",
        "status": "Status", "confidence": "Confidence", "source": "Source",
        "sources": "Sources of this page", "holder": "Holder", "post": "Post",
        "as_of": "As of", "show": "Show", "all_dates": "all times",
        "hidden": "{n} entries were not valid on that day and are hidden.",
        "valid_on": "Valid on {date}:", "map": "Map", "other_labels": "Other labels",
        "query_this": "Open this query in the SPARQL editor", "formats": "Formats",
        "page": "Page", "of": "of", "previous": "previous", "next": "next",
        "entries": "entries", "not_stated": "–", "home": "Home",
        "regions": "European metropolitan regions", "networks": "Cooperation networks",
        "ontology": "Ontology", "dataset": "Dataset", "licence": "Licence",
        "footer": "Curated data under CC BY 4.0; official data keeps its own licence and "
                  "attribution (see the sources of each statement).",
        "classes": "Classes", "properties": "Properties", "individuals": "Individuals",
        "intro": "metrograph links Germany's European metropolitan regions, their Länder, "
                 "districts and municipalities, managing bodies, networks, people and events "
                 "— every statement with its source.",
        "sparql": "SPARQL endpoint", "note": "Note", "skip": "Skip to content",
        "confidence_values": {"high": "high", "medium": "medium", "low": "low"},
        "in_formats": "This resource as", "period": "Period", "undated": "undated",
        "attested_on": "attested {date}, start unknown", "undated_source": "undated source",
        "region_links": "Metropolitan and LEADER regions, also through the municipalities",
        "region": "Region", "link": "Link", "via": "through",
        "link_kinds": {"member": "member", "partial": "municipalities take part",
                       "area": "in the area, not a member"},
        "by_type": "by type", "all_types": "all types",
        "exit": "exit reported",
        "history": "History", "date_unknown": "date unknown",
        "indicators": "Indicators", "indicator": "Indicator", "value": "Value", "year": "Year",
        "rank": "Rank", "trend": "Course", "rank_of": "{rank} of {n}",
        "computed": "computed from the member districts",
        "region_figures": "The metropolitan regions compared",
        "region_figures_note": "Computed from each region's member districts on 31 Dec of the year by "
                               "the indicator's rule; ordered by the latest value. The rule, the "
                               "districts and the weights are given with each figure (question 44).",
        "indicators_note": "Rank: place among the areas with a value in the same dataset and year "
                           "(1 = highest value). Computed figures of the regions: the rule, the "
                           "districts and the weights are given with each figure.",
        "standings": {"valid": "valid", "attested": "attested", "exit": "exit reported",
                      "undated": "undated: not attested for this day",
                      "outside": "not valid"},
    },
}

#: the planner's views (map, explorer, timeline, questions)
VIEWS: dict[str, dict[Any, Any]] = {
    "de": {
        "map": "Karte", "explore": "Mitgliedschaften", "timeline": "Zeitleiste",
        "questions": "Fragen", "date": "Stand am", "region": "Metropolregion",
        "network": "Netzwerk", "all": "alle", "today": "heute", "reset": "Zurücksetzen",
        "overlap": "in mehreren Regionen", "exit": "Austritt gemeldet",
        "undated_day": "für diesen Tag nicht datiert",
        "area": "im Gebiet, nicht Mitglied", "partial": "einzelne Gemeinden Mitglied",
        "member": "Mitglied", "none": "keine Region", "kreise": "Kreise",
        "area_km2": "Fläche (km²)", "population": "Einwohner (31.12.2023)",
        "open_page": "Seite öffnen", "focus": "Im Mittelpunkt", "depth": "Tiefe",
        "search": "Suchen", "graph": "Netz", "table": "Tabelle", "download_csv": "CSV herunterladen",
        "csv_files": "CSV-Datei mit CSVW-Beschreibung (Spalten, Datentypen, Lizenz)",
        "members": "Mitglieder", "member_of": "Mitglied in", "posts": "Ämter",
        "events": "Veranstaltungen", "subject": "Organisation", "show": "Anzeigen",
        "attested": "belegt durch", "undated": "undatiert", "no_interval": "ohne Zeitraum",
        "valid_on": "Gültig am", "run": "Frage stellen", "sparql": "SPARQL dieser Frage",
        "open_editor": "Im SPARQL-Editor öffnen", "results": "Ergebnis", "rows": "Zeilen",
        "chart": "Diagramm", "loading": "Lädt …", "share": "Link zu dieser Ansicht",
        "noscript": "Diese Ansicht zeichnet ihren Inhalt mit JavaScript; ohne JavaScript gibt "
                    "es dieselben Daten als JSON:",
        "legend": "Legende", "selected": "Ausgewählt", "source": "Quelle",
        "no_results": "Keine Ergebnisse.", "through": "über", "role": "Rolle",
        "start": "Beginn", "end": "Ende", "on_date": "Mitglieder am Stichtag",
        "dated": "belegt bis zum Stichtag",
        "undated_now": "für diesen Tag nicht datiert (Quellen ohne oder mit späterem Datum)",
        "map_intro": "Die Europäischen Metropolregionen aus den Grenzen ihrer Kreise. "
                     "Klicken Sie einen Kreis an; Filter und Datum stehen im Link.",
        "explore_intro": "Wer ist Mitglied in wem – und über welche Vereinigung. "
                         "Ohne Auswahl: alle Organisationen und Netzwerke.",
        "timeline_intro": "Mitgliedschaften, Ämter und Veranstaltungen im Zeitverlauf. "
                          "Ohne Zeitraum: Punkt am Datum der belegenden Quelle.",
        "questions_intro": "Fragen an den Graphen, ohne SPARQL: wählen, klicken, Link teilen.",
        "params_bound": "Die Parameter werden als typisierte Werte gebunden, nie in den "
                        "Abfragetext eingesetzt.",
    },
    "en": {
        "map": "Map", "explore": "Memberships", "timeline": "Timeline", "questions": "Questions",
        "date": "As of", "region": "Metropolitan region", "network": "Network", "all": "all",
        "today": "today", "reset": "Reset", "overlap": "in several regions",
        "exit": "exit reported", "area": "in the area, not a member",
        "undated_day": "not dated for this day",
        "partial": "some Gemeinden are members", "member": "member", "none": "no region",
        "kreise": "Districts", "area_km2": "Area (km²)", "population": "Population (31 Dec 2023)",
        "open_page": "Open page", "focus": "Focus", "depth": "Depth", "search": "Search",
        "graph": "Network", "table": "Table", "download_csv": "Download CSV",
        "csv_files": "CSV file with CSVW metadata (columns, datatypes, licence)",
        "members": "Members", "member_of": "Member of", "posts": "Posts", "events": "Events",
        "subject": "Organisation", "show": "Show", "attested": "attested by",
        "undated": "undated", "no_interval": "no interval", "valid_on": "Valid on",
        "run": "Ask", "sparql": "SPARQL of this question", "open_editor": "Open in the SPARQL editor",
        "results": "Result", "rows": "rows", "chart": "Chart", "loading": "Loading …",
        "noscript": "This view draws its content with JavaScript; without it, the same data "
                    "is available as JSON:",
        "share": "Link to this view", "legend": "Legend", "selected": "Selected",
        "source": "Source", "no_results": "No results.", "through": "through", "role": "Role",
        "start": "Start", "end": "End", "on_date": "Members on the day",
        "dated": "attested up to the day",
        "undated_now": "not dated for this day (sources undated or of a later date)",
        "map_intro": "Germany's European metropolitan regions drawn from their districts' "
                     "boundaries. Click a district; filters and date are kept in the link.",
        "explore_intro": "Who is a member of what — and through which association. "
                         "Without a focus: every organisation and network.",
        "timeline_intro": "Memberships, posts and events over time. Without an interval: a dot "
                          "at the date of the attesting source.",
        "questions_intro": "Questions to the graph without SPARQL: choose, click, share the link.",
        "params_bound": "Parameters are bound as typed values, never pasted into the query text.",
    },
}

#: the query page /sparql (the server's error sentences stay English)
QUERY_PAGE: dict[str, dict[Any, Any]] = {
    "de": {
        "title": "SPARQL-Endpunkt", "heading": "Den Graphen abfragen",
        "lead_endpoint": "SPARQL 1.1, nur lesend, unter", "or": "oder",
        "lead_default": "Der Standardgraph ist die Vereinigung aller benannten Graphen; die "
                        "üblichen Präfixe", "lead_prefixes": "sind vordeklariert.",
        "limits": "Grenzen", "per_query": "je Abfrage", "rows": "Zeilen",
        "result_bytes": "Bytes Ergebnis", "query_bytes": "Bytes Abfrage",
        "refused": "SERVICE und Änderungen werden abgelehnt.", "release": "Stand",
        "query": "Abfrage", "show_as": "Anzeigen als", "table": "Tabelle (diese Seite)",
        "run": "Abfrage ausführen", "download": "Herunterladen", "results": "Ergebnisse",
        "examples": "Beispielabfragen", "programs": "Für Programme",
        "programs_text": "Mit Accept oder format= wählen Sie das Format",
        "programs_default": "Ohne Accept kommen Ergebnisse als SPARQL-JSON, Graphen als Turtle.",
        "description": "Dienstbeschreibung",
        "noscript": "Ohne JavaScript schickt „Abfrage ausführen“ die Abfrage an den Endpunkt; "
                    "wählen Sie dafür ein Format wie csv oder json.",
        "script": {"unbound": "ungebunden", "row": "Zeile", "rows": "Zeilen",
                   "running": "läuft …", "error": "Fehler", "after": "nach",
                   "done": "fertig in", "failed": "fehlgeschlagen", "decimal": ","},
    },
    "en": {
        "title": "SPARQL endpoint", "heading": "Query the graph",
        "lead_endpoint": "Read-only SPARQL 1.1 at", "or": "or",
        "lead_default": "The default graph is the union of all named graphs; the usual prefixes",
        "lead_prefixes": "are predeclared.",
        "limits": "Limits", "per_query": "per query", "rows": "rows",
        "result_bytes": "bytes of results", "query_bytes": "bytes of query",
        "refused": "SERVICE and updates are refused.", "release": "Release",
        "query": "Query", "show_as": "Show as", "table": "table (this page)",
        "run": "Run query", "download": "Download", "results": "Results",
        "examples": "Example queries", "programs": "For programs",
        "programs_text": "Choose the format with Accept or format=",
        "programs_default": "Without Accept, results come as SPARQL JSON and graphs as Turtle.",
        "description": "Service description",
        "noscript": "Without JavaScript, “Run query” sends the query to the endpoint; choose a "
                    "format such as csv or json for it.",
        "script": {"unbound": "unbound", "row": "row", "rows": "rows", "running": "running …",
                   "error": "error", "after": "after", "done": "done in", "failed": "failed",
                   "decimal": "."},
    },
}

#: error pages: heading and first sentence per status
ERROR_PAGES: dict[str, dict[Any, Any]] = {
    "de": {404: ("Nicht gefunden", "Diese Adresse kennt der Graph nicht. Die Suche hilft "
                 "weiter."),
           400: ("Ungültige Anfrage", "Die Anfrage ist so nicht beantwortbar; der Hinweis "
                 "unten sagt, was zu ändern ist."),
           503: ("Gerade nicht verfügbar", "Der Server ist ausgelastet oder die Anfrage war "
                 "zu aufwendig; der Hinweis unten sagt mehr."),
           0: ("Fehler", "Die Anfrage konnte nicht beantwortet werden."),
           "words": ("Hinweis des Servers", "Startseite")},
    "en": {404: ("Not found", "The graph knows nothing at this address. Search may help."),
           400: ("Bad request", "The request cannot be answered as it is; the note below "
                 "says what to change."),
           503: ("Not available right now", "The server is busy or the request was too "
                 "costly; the note below says more."),
           0: ("Error", "The request could not be answered."),
           "words": ("The server's note", "Home")},
}

#: the question catalogue's answers: a heading per result variable (German, English)
ANSWER_COLUMNS: dict[str, tuple[str, str]] = {
    "areaKm2": ("Fläche (km²)", "Area (km²)"), "ags": ("AGS", "AGS"),
    "author": ("Verfasser", "Author"), "body": ("Gremium", "Body"),
    "bodyLabel": ("Gremium", "Body"), "claim": ("Angabe", "Claim"),
    "cooperationLabel": ("Kooperation", "Cooperation"), "countOf": ("Gezählt", "Counted"),
    "confidence": ("Verlässlichkeit", "Confidence"), "cooperation": ("Kooperation", "Cooperation"),
    "day": ("Stichtag", "Day"), "email": ("E-Mail", "Email"), "end": ("Ende", "End"),
    "event": ("Veranstaltung", "Event"), "exit": ("Austritt gemeldet", "Exit reported"),
    "decision": ("Beschluss", "Decision"),
    "gemeinde": ("Gemeinde", "Municipality"),
    "gemeindefreieGebiete": ("Gemeindefreie Gebiete", "Unincorporated areas"),
    "gemeinden": ("Gemeinden", "Municipalities"),
    "gemeindeverbaende": ("Gemeindeverbände", "Municipal associations"),
    "host": ("Gastgeber", "Host"), "about": ("Bezieht sich auf", "About"),
    "inMetrex": ("in METREX", "in METREX"), "issued": ("Datum der Quelle", "Source date"),
    "kind": ("Art", "Kind"), "kreis": ("Kreis", "District"), "kreisAgs": ("AGS", "AGS"),
    "kreisLabel": ("Kreis (Name)", "District (name)"), "kreise": ("Kreise", "Districts"),
    "label": ("Bezeichnung", "Label"), "land": ("Land", "State"),
    "largest": ("größter Gesellschafter", "largest shareholder"),
    "leaderName": ("LEADER-Region (Name)", "LEADER region (name)"),
    "leaderRegion": ("LEADER-Region", "LEADER region"), "level": ("Ebene", "Level"),
    "linked": ("Verknüpft", "Linked"), "contact": ("Kontakt", "Contact"),
    "derivation": ("Ableitung des Projekts", "The project's derivation"), "locality": ("Ort", "Locality"),
    "measure": ("Größe", "Measure"), "member": ("Mitglied", "Member"),
    "memberLabel": ("Mitglied (Name)", "Member (name)"), "members": ("Mitglieder", "Members"),
    "name": ("Name", "Name"), "network": ("Netzwerk", "Network"), "number": ("Anzahl", "Number"),
    "nuts3": ("NUTS-3", "NUTS 3"), "organisation": ("Organisation", "Organisation"),
    "organisationLabel": ("Organisation (Name)", "Organisation (name)"),
    "organizers": ("Veranstalter", "Organisers"), "paper": ("Papier", "Paper"),
    "person": ("Person", "Person"), "places": ("Orte", "Places"),
    "population": ("Einwohner", "Population"),
    "population2023": ("Einwohner 2023", "Population 2023"),
    "populationZensus2022": ("Einwohner (Zensus 2022)", "Population (census 2022)"),
    "post": ("Amt", "Post"), "postLabel": ("Amt (Bezeichnung)", "Post (label)"),
    "predecessors": ("Vorgänger", "Predecessors"),
    "postalCode": ("Postleitzahl", "Postal code"), "publisher": ("Herausgeber", "Publisher"),
    "qualifier": ("Genauigkeit", "Qualifier"), "referenceDate": ("Stichtag", "Reference date"),
    "recognised": ("Anerkannt", "Recognised"), "recognisedAs": ("Anerkannt als", "Recognised as"),
    "recognition": ("Anerkennung", "Recognition"),
    "regbez": ("Regierungsbezirk", "Government region"), "region": ("Region", "Region"),
    "regionLabel": ("Region", "Region"),
    "relation": ("Beziehung", "Relation"), "role": ("Rolle", "Role"),
    "scopeNote": ("Anmerkung", "Scope note"), "shareholder": ("Gesellschafter", "Shareholder"),
    "source": ("Quelle", "Source"), "sourceTitle": ("Titel der Quelle", "Source title"),
    "sources": ("Quellen", "Sources"), "standing": ("Stand", "Standing"),
    "start": ("Beginn", "Start"), "statements": ("Aussagen", "Statements"),
    "status": ("Status", "Status"), "street": ("Straße", "Street"),
    "telephone": ("Telefon", "Telephone"), "theme": ("Thema", "Theme"),
    "themeLabel": ("Thema (Bezeichnung)", "Theme (label)"), "themes": ("Themen", "Themes"),
    "things": ("Verknüpfte", "Linked things"), "through": ("über", "through"),
    "title": ("Titel", "Title"), "type": ("Typ", "Type"), "unit": ("Einheit", "Unit"),
    "unitLabel": ("Einheit (Name)", "Unit (name)"), "units": ("Einheiten", "Units"),
    "value": ("Wert", "Value"), "what": ("Was", "What"), "wikidata": ("Wikidata", "Wikidata"),
    "year": ("Jahr", "Year"),
    "indicator": ("Kennzahl", "Indicator"), "aggregation": ("Zusammenfassung", "Aggregation"),
    "weight": ("Gewicht", "Weight"), "assumed": ("davon angenommen", "of them assumed"),
    "assumedMember": ("nur angenommenes Mitglied", "assumed member only"),
    "regionA": ("Erste Region", "First region"), "regionB": ("Zweite Region", "Second region"),
    "valueA": ("Wert der ersten Region", "First region's value"),
    "valueB": ("Wert der zweiten Region", "Second region's value"),
    "inkar": ("INKAR-Angabe des BBSR", "BBSR's INKAR figure"), "figure": ("Kennzahl (IRI)", "Figure (IRI)"),
    "dataset": ("Datensatz", "Dataset"), "regionRate": ("Quote der Region", "Region's rate"),
    "kreisRate": ("Quote des Kreises", "District's rate"), "kreistyp": ("Kreistyp", "District type"),
    "urbanRural": ("Städtisch/ländlich", "Urban/rural"),
    "planningRegion": ("Raumordnungsregion", "Spatial planning region"),
}

#: codes the catalogue's answers hold as plain strings, in words (German, English); the
#: membership standings and confidence values come from their own tables
ANSWER_CODES: dict[str, tuple[str, str]] = {
    "member": ("Mitglied", "member"), "guest": ("Gast", "guest"),
    "municipalities": ("Kommunen beteiligt", "municipalities take part"),
    "has-unit": ("hat Einheit", "has unit"), "stated-count": ("angegebene Zahl", "stated count"),
    "listed-members": ("aufgeführte Mitglieder", "listed members"),
    "area-inclusion": ("im Gebiet, nicht Mitglied", "in the area, not a member"),
    "exit-reported": ("Austritt gemeldet", "exit reported"),
    "true": ("ja", "yes"), "false": ("nein", "no"),
}


def answer_words(lang: str) -> dict[str, dict[str, str]]:
    """The headings and code words of catalogue answers in ``lang``: ``columns`` by variable
    name, ``codes`` by code (standings and confidence values included)."""
    index = 1 if lang == "en" else 0
    page = PAGES["en" if lang == "en" else "de"]
    codes = {code: words[index] for code, words in ANSWER_CODES.items()}
    codes.update(page["standings"])
    codes.update(page["confidence_values"])
    return {"columns": {name: words[index] for name, words in ANSWER_COLUMNS.items()},
            "codes": codes}


#: sentences the code composes, with {placeholders}
PHRASES: dict[str, dict[str, str]] = {
    "de": {"named_graph": "Benannter Graph „{name}“",
           "membership_of": "Mitgliedschaft: {member} in {organisation}",
           "links_here_as": "verweist hierher als „{label}“"},
    "en": {"named_graph": "Named graph “{name}”",
           "membership_of": "Membership: {member} in {organisation}",
           "links_here_as": "links here as “{label}”"},
}


def phrase(lang: str, key: str, **values: str) -> str:
    """One of :data:`PHRASES` in ``lang`` (German for any other), filled in."""
    return PHRASES.get(lang, PHRASES["de"])[key].format(**values)
