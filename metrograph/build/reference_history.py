"""The regions' history (``reference/region-history``) as dated events in the graph
``region-history``, and the pages it cites (``reference/region-history-sources``) as source
documents in ``catalog-reference-history``.

The model (see docs/data-model.md, "History of the regions"):

* a decision of the MKRO is an ``mg:Decision`` (a ``schema:Event`` with ``schema:organizer``
  the MKRO and a short ``schema:description`` of what it decided);
* a region's recognition is an ``mg:Recognition`` (a W3C ORG ``org:ChangeEvent`` and a
  ``schema:Event``): ``org:resultingOrganization`` the region, ``mg:nameAtEvent`` the name it was
  recognised under, ``schema:superEvent`` the MKRO decision of that year where one is recorded;
* renamings (``mg:Renaming``: ``mg:previousName`` and ``mg:nameAtEvent``), foundings
  (``mg:Founding``: ``schema:foundingDate`` of what it founded), a merger (``mg:Merger``) and a
  predecessor's passing into its successors (``mg:Succession``: ``org:originalOrganization``,
  ``org:resultingOrganization``; no date where the sources give none);
* each event has its date at its precision twice over: ``schema:startDate`` (xsd:gYear or
  xsd:date) and an OWL-Time instant (``time:hasTime``), ``schema:about`` what it concerns, and
  ``dct:source`` the pages of its row; one resting on a commercial page or an aggregator read
  through a proxy copy has ``mg:confidence "low"`` and says why in ``rdfs:comment``.

The rows of the table are the compilation's; what they mean as events (which node, their
labels and descriptions, the organisations they introduce) is written out below, one entry per
row, in the project's own words. A row without an entry stops the build.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox

from metrograph.build.converters import RDF_TYPE, Context, converter, date_literal, instant_quads
from metrograph.build.inputs import Table
from metrograph.build.reference_tables import COMMENT, DCAT, DCT, ORG, SCHEMA, SKOS, Terms
from metrograph.model import namespaces as ns

__all__ = ["EVENTS", "ORGANISATIONS", "history", "history_sources"]

RDFS_SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
TIME_HAS_TIME = "http://www.w3.org/2006/time#hasTime"
GRAPH, CATALOGUE = "region-history", "catalog-reference-history"
MKRO = "organisation:mkro"


@dataclass(frozen=True)
class Event:
    """One event of the history; ``label`` and ``description`` are (German, English)."""

    node: str
    cls: str
    label: tuple[str, str]
    description: tuple[str, str] | None = None
    about: tuple[str, ...] = ()
    original: tuple[str, ...] = ()
    resulting: tuple[str, ...] = ()
    name: str = ""  #: mg:nameAtEvent
    previous: str = ""  #: mg:previousName
    dated: bool = True  #: False: the sources give no date (a succession)
    manages: bool = False  #: what it founds manages what it is about (mg:managedBy)
    location: str = ""
    see_also: str = ""


def _recognition(region: str, name: str, year: str, node: str = "") -> Event:
    return Event(
        node or "event:anerkennung-" + region.partition(":")[2], "Recognition",
        (f"Anerkennung als Europäische Metropolregion unter dem Namen „{name}“ ({year})",
         f"Recognition as a European metropolitan region under the name “{name}” ({year})"),
        about=(region,), resulting=(region,), name=name)


_RHEIN_RUHR = (
    _recognition("region:rhein-ruhr", "Rhein-Ruhr", "1995"),
    Event("event:nachfolge-rhein-ruhr", "Succession",
          ("Rheinland und Ruhr folgen der Metropolregion Rhein-Ruhr (Datum unbekannt)",
           "Rheinland and Ruhr succeed the Rhein-Ruhr metropolitan region (date unknown)"),
          ("Rheinland und Ruhr wurden 1995 als Teil der Metropolregion Rhein-Ruhr anerkannt und "
           "arbeiten heute als eigene Metropolregionen; wann sich Rhein-Ruhr teilte, nennen die "
           "Quellen nicht.",
           "Rheinland and Ruhr were recognised in 1995 as part of the Rhein-Ruhr metropolitan "
           "region and today work as metropolitan regions of their own; the sources do not say "
           "when Rhein-Ruhr split."),
          about=("region:rheinland", "region:ruhr"), original=("region:rhein-ruhr",),
          resulting=("region:rheinland", "region:ruhr"), dated=False),
)

#: (concerns, date, event) of a row → the events it stands for
EVENTS: dict[tuple[str, str, str], tuple[Event, ...]] = {
    (MKRO, "1995-03-08", "mkro-decision"): (Event(
        "event:mkro-beschluss-1995-03-08", "Decision",
        ("Beschluss der MKRO zum Raumordnungspolitischen Handlungsrahmen (8. März 1995)",
         "MKRO resolution on the framework for spatial planning policy (8 March 1995)"),
        ("Die Ministerkonferenz für Raumordnung benennt sechs Europäische Metropolregionen – "
         "Berlin-Brandenburg, Hamburg, München, Rhein-Main, Rhein-Ruhr und Stuttgart – und sieht "
         "im Sachsendreieck eine mögliche weitere.",
         "The Standing Conference of Ministers responsible for Spatial Planning names six "
         "European metropolitan regions — Berlin-Brandenburg, Hamburg, München, Rhein-Main, "
         "Rhein-Ruhr and Stuttgart — and sees the Sachsendreieck as a possible further one."),
        about=(MKRO,), see_also="event:mkro-anerkennung-1995"),),
    ("region:berlin-brandenburg", "1995", "mkro-recognition"): (
        _recognition("region:berlin-brandenburg", "Berlin-Brandenburg", "1995"),),
    ("region:hamburg", "1995", "mkro-recognition"): (
        _recognition("region:hamburg", "Hamburg", "1995"),),
    ("region:muenchen", "1995", "mkro-recognition"): (
        _recognition("region:muenchen", "München", "1995"),),
    ("region:frankfurtrheinmain", "1995", "mkro-recognition"): (
        _recognition("region:frankfurtrheinmain", "Rhein-Main", "1995"),),
    ("region:stuttgart", "1995", "mkro-recognition"): (
        _recognition("region:stuttgart", "Stuttgart", "1995"),),
    ("region:rheinland", "1995", "mkro-recognition"): _RHEIN_RUHR,
    ("region:ruhr", "1995", "mkro-recognition"): _RHEIN_RUHR,
    ("region:mitteldeutschland", "1997", "mkro-recognition"): (replace(
        _recognition("region:mitteldeutschland", "Halle/Leipzig-Sachsendreieck", "1997"),
        description=(
            "Als siebte Region anerkannt; schon der sächsische Landesentwicklungsplan von 1994 "
            "hatte eine „Europäische Cityregion Sachsendreieck“ genannt.",
            "Recognised as the seventh region; Saxony's state development plan of 1994 had "
            "already named a “Europäische Cityregion Sachsendreieck”.")),),
    (MKRO, "2005-04-28", "mkro-decision"): (Event(
        "event:mkro-beschluss-2005-04-28", "Decision",
        ("Beschluss der MKRO über vier weitere Europäische Metropolregionen (28. April 2005)",
         "MKRO resolution on four further European metropolitan regions (28 April 2005)"),
        ("Die MKRO nimmt Hannover-Braunschweig-Göttingen, Nürnberg, Rhein-Neckar und "
         "Bremen-Oldenburg als Europäische Metropolregionen auf; damit sind es elf.",
         "The MKRO adds Hannover-Braunschweig-Göttingen, Nürnberg, Rhein-Neckar and "
         "Bremen-Oldenburg as European metropolitan regions, making eleven."),
        about=(MKRO,), see_also="event:mkro-anerkennung-2005"),),
    ("region:hbgw", "2005", "mkro-recognition"): (
        _recognition("region:hbgw", "Hannover-Braunschweig-Göttingen", "2005"),
        Event("event:nachfolge-staedtenetz-expo-2000", "Succession",
              ("Das Städtenetz Expo 2000 als Vorläufer der Metropolregion "
               "Hannover-Braunschweig-Göttingen (Datum unbekannt)",
               "The Städtenetz Expo 2000 as forerunner of the Hannover-Braunschweig-Göttingen "
               "metropolitan region (date unknown)"),
              ("Das Städtenetz Expo 2000 von 1995 gilt als Vorgänger der Metropolregion; wann "
               "es in ihr aufging, nennt die Quelle nicht.",
               "The Städtenetz Expo 2000 of 1995 counts as the metropolitan region's "
               "predecessor; the source does not say when it passed into it."),
              about=("region:hbgw",), original=("organisation:staedtenetz-expo-2000",),
              resulting=("region:hbgw",), dated=False),
    ),
    ("region:nuernberg", "2005-04-28", "mkro-recognition"): (
        _recognition("region:nuernberg", "Metropolregion Nürnberg", "2005"),),
    ("region:rhein-neckar", "2005", "mkro-recognition"): (
        _recognition("region:rhein-neckar", "Rhein-Neckar", "2005"),),
    ("region:nordwest", "2005", "mkro-recognition"): (
        _recognition("region:nordwest", "Bremen-Oldenburg", "2005"),),
    (MKRO, "2006-06-30", "mkro-decision"): (Event(
        "event:mkro-beschluss-2006-06-30", "Decision",
        ("Beschluss der MKRO „Leitbilder und Handlungsstrategien für die Raumentwicklung in "
         "Deutschland“ (30. Juni 2006)",
         "MKRO resolution “Concepts and Strategies for Spatial Development in Germany” "
         "(30 June 2006)"),
        ("Die MKRO verabschiedet Leitbilder für die Raumentwicklung; sie nennen elf "
         "Europäische Metropolregionen, darunter Halle/Leipzig-Sachsendreieck.",
         "The MKRO adopts concepts for spatial development, which name eleven European "
         "metropolitan regions, Halle/Leipzig-Sachsendreieck among them."),
        about=(MKRO,)),),
    ("region:hbgw", "2008", "renaming"): (Event(
        "event:umbenennung-hbgw-2008", "Renaming",
        ("Umbenennung in „Hannover-Braunschweig-Göttingen-Wolfsburg“ (2008)",
         "Renamed “Hannover-Braunschweig-Göttingen-Wolfsburg” (2008)"),
        ("Wolfsburg kommt in den Namen der Metropolregion.",
         "Wolfsburg is added to the metropolitan region's name."),
        about=("region:hbgw",), resulting=("region:hbgw",),
        name="Hannover-Braunschweig-Göttingen-Wolfsburg",
        previous="Hannover-Braunschweig-Göttingen"),),
    ("region:hbgw", "2009", "managing-body-founded"): (Event(
        "event:gruendung-metropolregion-hbgw-gmbh", "Founding",
        ("Gründung der Metropolregion Hannover Braunschweig Göttingen Wolfsburg GmbH (2009)",
         "Founding of Metropolregion Hannover Braunschweig Göttingen Wolfsburg GmbH (2009)"),
        ("Beteiligt sind die vier namensgebenden Städte, das Land Niedersachsen und drei "
         "Vereine.",
         "With the four cities of the name, the Land of Lower Saxony and three associations."),
        about=("region:hbgw",), resulting=("organisation:metropolregion-hbgw-gmbh",),
        manages=True),),
    ("region:mitteldeutschland", "2009-05-27", "renaming"): (Event(
        "event:umbenennung-mitteldeutschland-2009-05-27", "Renaming",
        ("Umbenennung des Sachsendreiecks in „Metropolregion Mitteldeutschland“ "
         "(27. Mai 2009)",
         "Sachsendreieck renamed “Metropolregion Mitteldeutschland” (27 May 2009)"),
        ("Zugleich werden Jena und Magdeburg Vollmitglieder.",
         "At the same time Jena and Magdeburg become full members."),
        about=("region:mitteldeutschland",), resulting=("region:mitteldeutschland",),
        name="Metropolregion Mitteldeutschland", previous="Sachsendreieck"),),
    ("region:mitteldeutschland", "2014-03-18", "merger"): (Event(
        "event:zusammenschluss-mitteldeutschland-2014-03-18", "Merger",
        ("Zusammenschluss mit der Wirtschaftsinitiative für Mitteldeutschland zur "
         "„Europäischen Metropolregion Mitteldeutschland“ (18. März 2014)",
         "Merger with the Wirtschaftsinitiative für Mitteldeutschland into the “Europäische "
         "Metropolregion Mitteldeutschland” (18 March 2014)"),
        ("Die Metropolregion Mitteldeutschland und die im Jahr 2000 gegründete "
         "Wirtschaftsinitiative für Mitteldeutschland werden ein Verein, die Europäische "
         "Metropolregion Mitteldeutschland e.V.; auch Landkreise treten bei.",
         "The Metropolregion Mitteldeutschland and the Wirtschaftsinitiative für "
         "Mitteldeutschland, founded in 2000, become one association, Europäische "
         "Metropolregion Mitteldeutschland e.V.; Landkreise join as well."),
        about=("region:mitteldeutschland",),
        original=("region:mitteldeutschland", "organisation:wirtschaftsinitiative-mitteldeutschland"),
        resulting=("region:mitteldeutschland",),
        name="Europäische Metropolregion Mitteldeutschland"),),
    ("region:rhein-neckar", "1951", "predecessor"): (
        Event("event:gruendung-kommunale-arbeitsgemeinschaft-rhein-neckar", "Founding",
              ("Gründung der Kommunalen Arbeitsgemeinschaft Rhein-Neckar (1951)",
               "Founding of the Kommunale Arbeitsgemeinschaft Rhein-Neckar (1951)"),
              ("Gegründet von Mannheim, Ludwigshafen, Heidelberg, Viernheim und den damaligen "
               "Landkreisen Ludwigshafen und Heidelberg; die Vorgängerin der Metropolregion "
               "Rhein-Neckar.",
               "Founded by Mannheim, Ludwigshafen, Heidelberg, Viernheim and the districts of "
               "Ludwigshafen and Heidelberg of the time; the forerunner of the Rhein-Neckar "
               "metropolitan region."),
              about=("region:rhein-neckar",),
              resulting=("organisation:kommunale-arbeitsgemeinschaft-rhein-neckar",)),
        Event("event:nachfolge-kommunale-arbeitsgemeinschaft-rhein-neckar", "Succession",
              ("Die Kommunale Arbeitsgemeinschaft Rhein-Neckar als Vorläuferin der "
               "Metropolregion Rhein-Neckar (Datum unbekannt)",
               "The Kommunale Arbeitsgemeinschaft Rhein-Neckar as forerunner of the "
               "Rhein-Neckar metropolitan region (date unknown)"),
              ("Die Quelle nennt die Arbeitsgemeinschaft als Vorgängerin der Metropolregion, "
               "aber kein Datum des Übergangs.",
               "The source names the working group as the metropolitan region's predecessor "
               "but gives no date for the transition."),
              about=("region:rhein-neckar",),
              original=("organisation:kommunale-arbeitsgemeinschaft-rhein-neckar",),
              resulting=("region:rhein-neckar",), dated=False),
    ),
    ("region:rhein-neckar", "2006", "managing-body-founded"): (Event(
        "event:gruendung-traeger-rhein-neckar-2006", "Founding",
        ("Gründung der Trägerorganisationen der Metropolregion Rhein-Neckar (2006)",
         "Founding of the managing bodies of the Rhein-Neckar metropolitan region (2006)"),
        ("Nach dem zweiten Staatsvertrag der Länder Baden-Württemberg, Hessen und "
         "Rheinland-Pfalz entstehen der Verein Zukunft Metropolregion Rhein-Neckar, der Verband "
         "Region Rhein-Neckar und die Metropolregion Rhein-Neckar GmbH.",
         "Following the second treaty between Baden-Württemberg, Hesse and "
         "Rhineland-Palatinate, the association Zukunft Metropolregion Rhein-Neckar, the "
         "Verband Region Rhein-Neckar and Metropolregion Rhein-Neckar GmbH are set up."),
        about=("region:rhein-neckar",),
        resulting=("organisation:zukunft-metropolregion-rhein-neckar",
                   "organisation:verband-region-rhein-neckar",
                   "organisation:metropolregion-rhein-neckar-gmbh"), manages=True),),
    ("network:imeg", "2011-03-17", "network-founded"): (Event(
        "event:gruendung-imeg", "Founding",
        ("Gründung des Initiativkreises Metropolitane Grenzregionen (17. März 2011)",
         "Founding of the Initiativkreis Metropolitane Grenzregionen (17 March 2011)"),
        ("Gegründet in Berlin bei der Abschlussveranstaltung des Modellvorhabens der "
         "Raumordnung (MORO) „Überregionale Partnerschaften in grenzüberschreitenden "
         "Verflechtungsräumen“ (2008–2011).",
         "Founded in Berlin at the closing event of the spatial planning demonstration project "
         "(MORO) “Überregionale Partnerschaften in grenzüberschreitenden Verflechtungsräumen” "
         "(2008–2011)."),
        about=("network:imeg",), resulting=("network:imeg",), location="gemeinde:11000000"),),
    ("network:ikm", "2001", "network-founded"): (Event(
        "event:gruendung-ikm", "Founding",
        ("Gründung des Initiativkreises Europäische Metropolregionen in Deutschland (2001)",
         "Founding of the Initiative Group of European Metropolitan Regions in Germany (2001)"),
        ("Der IKM entsteht als strategische Plattform der deutschen Metropolregionen.",
         "The IKM is set up as the strategic platform of the German metropolitan regions."),
        about=("network:ikm",), resulting=("network:ikm",)),),
}

#: the organisations the history introduces: class, German and English name, what the sources
#: say of them (German, English) and the founding year where no event of their own gives it
ORGANISATIONS: dict[str, tuple[str, tuple[str, str], tuple[str, str] | None, str]] = {
    "region:rhein-ruhr": ("FormerMetropolitanRegion",
                          ("Metropolregion Rhein-Ruhr", "Rhine-Ruhr metropolitan region"),
                          ("1995 von der MKRO als Europäische Metropolregion anerkannt; heute "
                           "arbeiten an ihrer Stelle die Metropolregion Rheinland und die "
                           "Metropole Ruhr.",
                           "Recognised by the MKRO as a European metropolitan region in 1995; "
                           "today the Rheinland metropolitan region and the Metropole Ruhr work "
                           "in its place."), ""),
    "organisation:staedtenetz-expo-2000": ("InterMunicipalCooperation",
                                           ("Städtenetz Expo 2000", "Städtenetz Expo 2000"),
                                           None, "1995"),
    "organisation:kommunale-arbeitsgemeinschaft-rhein-neckar": (
        "InterMunicipalCooperation",
        ("Kommunale Arbeitsgemeinschaft Rhein-Neckar", "Rhein-Neckar municipal working group"),
        None, ""),
    "organisation:zukunft-metropolregion-rhein-neckar": (
        "RegisteredAssociation",
        ("Zukunft Metropolregion Rhein-Neckar e.V.", "Zukunft Metropolregion Rhein-Neckar e.V."),
        None, ""),
    "organisation:verband-region-rhein-neckar": (
        "RegionalAssociation", ("Verband Region Rhein-Neckar", "Verband Region Rhein-Neckar"),
        None, ""),
    "organisation:metropolregion-rhein-neckar-gmbh": (
        "Company", ("Metropolregion Rhein-Neckar GmbH", "Metropolregion Rhein-Neckar GmbH"),
        None, ""),
    "organisation:wirtschaftsinitiative-mitteldeutschland": (
        "", ("Wirtschaftsinitiative für Mitteldeutschland",
             "Wirtschaftsinitiative für Mitteldeutschland"), None, "2000"),
}

#: why a claim is of low confidence, by the kind of page it rests on (German, English)
CAVEATS = {
    "commercial": ("Stützt sich auf eine gewerbliche Seite (maderer-immobilien.com); noch aus "
                   "einer amtlichen Quelle zu bestätigen.",
                   "Rests on a commercial page (maderer-immobilien.com); to be confirmed from an "
                   "official source."),
    "aggregator": ("Stützt sich auf die Seite eines Nachrichtenaggregators (wn.com), gelesen über "
                   "eine Proxy-Kopie; noch aus einer amtlichen Quelle zu bestätigen.",
                   "Rests on a news aggregator's page (wn.com), read through a proxy copy; to be "
                   "confirmed from an official source."),
}


def _rows_by_node(table: Table, base: str
                  ) -> tuple[dict[str, Event], dict[str, dict[str, object]], dict[str, str]]:
    """The events of the table's rows, each with the date, sources, confidence and caveats of
    the rows it stands for; and the MKRO's decisions by year."""
    events: dict[str, Event] = {}
    facts: dict[str, dict[str, object]] = {}
    decisions: dict[str, str] = {}
    for line, row in table.rows():
        ctx = Context(base, table, line)
        key = (row["concerns"], row["date"], row["event"])
        if key not in EVENTS:
            raise ctx.fail(f"no event is written out for {key} (metrograph/build/"
                           "reference_history.py, EVENTS)")
        date_literal(row["date"], ctx)  # refuse a malformed date
        for event in EVENTS[key]:
            events[event.node] = event
            fact = facts.setdefault(event.node, {"date": row["date"], "sources": set(),
                                                 "caveats": set(), "line": line})
            fact["sources"] |= set(row["sources"].split())
            fact["caveats"] |= set(row["caveat"].split())
            if row["confidence"] == "low":
                fact["low"] = True
            if event.cls == "Decision":
                decisions[row["date"][:4]] = event.node
    return events, facts, decisions


@converter("reference/region-history")
def history(table: Table, base: str) -> Iterator[ox.Quad]:
    t = Terms(table, base, GRAPH)
    events, facts, decisions = _rows_by_node(table, base)
    cited: dict[str, set[str]] = {}  # organisation → the pages of the events that name it
    founded: dict[str, ox.Literal] = {}
    for node, event in events.items():
        fact = facts[node]
        ctx = Context(base, table, int(fact["line"]))
        s = t.iri(node)
        yield t.typed(s, event.cls)
        yield t.label(s, event.label[0])
        yield t.label(s, event.label[1], "en")
        if event.description:
            yield t.q(s, SCHEMA + "description", ox.Literal(event.description[0], language="de"))
            yield t.q(s, SCHEMA + "description", ox.Literal(event.description[1], language="en"))
        if event.dated:
            date = date_literal(str(fact["date"]), ctx)
            yield t.q(s, SCHEMA + "startDate", date)
            instant = ox.NamedNode(s.value + "#time")
            yield t.q(s, TIME_HAS_TIME, instant)
            yield from instant_quads(instant, date, t.graph)
            if event.cls == "Founding":
                for org in event.resulting:
                    founded[org] = date
        if event.cls in ("Decision", "Recognition"):
            yield t.q(s, SCHEMA + "organizer", t.iri(MKRO))
        if event.cls == "Recognition" and str(fact["date"])[:4] in decisions:
            yield t.q(s, SCHEMA + "superEvent", t.iri(decisions[str(fact["date"])[:4]]))
        for prop, values in (("about", event.about), ("location", (event.location,))):
            for value in filter(None, values):
                yield t.q(s, SCHEMA + prop, t.iri(value))
        for prop, values in (("originalOrganization", event.original),
                             ("resultingOrganization", event.resulting)):
            for value in values:
                yield t.q(s, ORG + prop, t.iri(value))
                cited.setdefault(value, set()).update(fact["sources"])
        for prop, name in (("nameAtEvent", event.name), ("previousName", event.previous)):
            if name:
                yield t.q(s, t.m(prop), ox.Literal(name, language="de"))
        if event.manages:
            for body in event.resulting:
                for region in event.about:
                    yield t.q(t.iri(region), t.m("managedBy"), t.iri(body))
        if event.see_also:
            yield t.q(s, RDFS_SEE_ALSO, t.iri(event.see_also))
        for page in sorted(fact["sources"]):
            yield t.q(s, DCT + "source", t.iri("source:" + page))
        if fact.get("low"):
            yield t.q(s, t.m("confidence"), ox.Literal("low"))
            for caveat in sorted(fact["caveats"]):
                for text, lang in zip(CAVEATS[caveat], ("de", "en"), strict=True):
                    yield t.q(s, COMMENT, ox.Literal(text, language=lang))
    for curie, (cls, names, comment, year) in ORGANISATIONS.items():
        org = t.iri(curie)
        yield t.typed(org, cls) if cls else t.q(org, RDF_TYPE, ox.NamedNode(ORG + "Organization"))
        yield t.label(org, names[0])
        if names[1] != names[0]:
            yield t.label(org, names[1], "en")
        if comment:
            yield t.q(org, COMMENT, ox.Literal(comment[0], language="de"))
            yield t.q(org, COMMENT, ox.Literal(comment[1], language="en"))
        if year:
            founded[curie] = date_literal(year, Context(base, table))
        for page in sorted(cited.get(curie, ())):
            yield t.q(org, DCT + "source", t.iri("source:" + page))
    for curie, date in sorted(founded.items()):
        yield t.q(t.iri(curie), SCHEMA + "foundingDate", date)


#: the kinds of page the history cites (German, English)
KINDS = {
    "official": ("Amtliche Seite", "Official page"),
    "official-ish": ("Seite eines regionalen Trägers oder Partners",
                     "Page of a regional body or partner"),
    "reference": ("Fachlexikon", "Reference work"),
    "magazine": ("Magazinbeitrag", "Magazine article"),
    "press": ("Pressebericht", "Press report"),
    "commercial": ("Gewerbliche Seite", "Commercial page"),
    "aggregator": ("Nachrichtenaggregator", "News aggregator"),
    "wikipedia": ("Wikipedia-Seite", "Wikipedia page"),
}
_NOTE = ("Art der Quelle: {kind}. Zitiert von der Zusammenstellung zur Geschichte der "
         "Metropolregionen; Herausgeber und Lizenz siehe die Seite selbst.",
         "Kind of source: {kind}. Cited by the compilation on the history of the metropolitan "
         "regions; for publisher and licence see the page itself.")
_WEAK = ("Eine gewerbliche Seite: was nur sie meldet, gilt als wenig verlässlich "
         "(mg:confidence „low“) und ist aus einer amtlichen Quelle zu bestätigen.",
         "A commercial page: what only it reports is of low confidence (mg:confidence “low”) "
         "and is to be confirmed from an official source.")
_PROXY = ("Gelesen über eine Proxy-Kopie (mg:readVia); zitiert wird die Seite selbst, nicht die "
          "Kopie. Was nur sie meldet, gilt als wenig verlässlich (mg:confidence „low“).",
          "Read through a proxy copy (mg:readVia); the page itself is cited, not the copy. "
          "What only it reports is of low confidence (mg:confidence “low”).")


CC_BY = "https://creativecommons.org/licenses/by/4.0/"
COMPILATION_RIGHTS = ("Zusammenstellung des metrograph-Projekts, CC BY 4.0; die Fakten nennen "
                      "ihre Seiten, die ihre eigenen Rechte behalten.")


@converter("reference/region-history-sources")
def history_sources(table: Table, base: str) -> Iterator[ox.Quad]:
    """The pages of the history as source documents, and the compilation itself."""
    t = Terms(table, base, CATALOGUE)
    compilation = t.iri("source:" + GRAPH)
    yield t.q(ox.NamedNode(str(ns.dataset_iri(base))), DCT + "source", compilation)
    yield t.typed(compilation, "SourceDocument")
    yield t.q(compilation, RDF_TYPE, ox.NamedNode(DCAT + "Dataset"))
    yield t.label(compilation, "Zusammenstellung: Geschichte der Metropolregionen")
    yield t.label(compilation, "Compilation: history of the metropolitan regions", "en")
    for text, lang in (
            ("Datierte Ereignisse der Europäischen Metropolregionen: Beschlüsse und Anerkennung "
             "durch die MKRO, Umbenennungen, Vorgänger, Zusammenschlüsse und die Gründung von "
             "Trägerorganisationen und Netzwerken", "de"),
            ("Dated events of the European metropolitan regions: decisions and recognition by "
             "the MKRO, renamings, predecessors, mergers and the founding of managing bodies and "
             "networks", "en")):
        yield t.q(compilation, DCT + "title", ox.Literal(text, language=lang))
    yield t.q(compilation, DCT + "license", ox.NamedNode(CC_BY))
    yield t.q(compilation, DCT + "rights", ox.Literal(COMPILATION_RIGHTS, language="de"))
    yield t.q(compilation, t.m("publisherNote"), ox.Literal(
        "Für das Projekt aus Seiten der Regionen, Länder und Städte, dem Lexikon der ARL, "
        "Presseberichten, Wikipedia und weiteren Seiten zusammengestellt; jedes Ereignis nennt "
        "seine Seiten mit dct:source.", language="de"))
    for text, lang in (
            ("Der Tag des MKRO-Beschlusses vom 28.04.2005 stammt von einer gewerblichen Seite "
             "und ist amtlich zu bestätigen (mg:confidence „low“); wann sich Rhein-Ruhr in "
             "Rheinland und Ruhr teilte, nennen die Quellen nicht.", "de"),
            ("The day of the MKRO resolution of 28 April 2005 comes from a commercial page and is "
             "to be confirmed officially (mg:confidence “low”); the sources do not say when "
             "Rhein-Ruhr split into Rheinland and Ruhr.", "en")):
        yield t.q(compilation, SKOS + "scopeNote", ox.Literal(text, language=lang))
    for line, row in table.rows():
        if row["kind"] not in KINDS:
            raise Context(base, table, line).fail(f"unknown kind of page {row['kind']!r}")
        doc = t.iri("source:" + row["source"])
        parts = urlsplit(row["url"])
        (kind_de, kind_en), host = KINDS[row["kind"]], parts.hostname
        yield t.typed(doc, "SourceDocument")
        yield t.label(doc, f"{kind_de}: {host}")
        yield t.label(doc, f"{kind_en}: {host}", "en")
        yield t.q(doc, DCT + "title", ox.Literal(host + unquote(parts.path).rstrip("/")))
        yield t.q(doc, DCAT + "accessURL", ox.NamedNode(row["url"]))
        yield t.q(doc, DCT + "type", ox.Literal(row["kind"]))
        notes = [n.format(kind=k) for n, k in zip(_NOTE, (kind_de, kind_en), strict=True)]
        if row["kind"] == "commercial":
            notes = [f"{n} {w}" for n, w in zip(notes, _WEAK, strict=True)]
        if row["read_via"]:
            yield t.q(doc, t.m("readVia"), ox.NamedNode(row["read_via"]))
            notes = [f"{n} {p}" for n, p in zip(notes, _PROXY, strict=True)]
        for text, lang in zip(notes, ("de", "en"), strict=True):
            yield t.q(doc, t.m("publisherNote"), ox.Literal(text, language=lang))
