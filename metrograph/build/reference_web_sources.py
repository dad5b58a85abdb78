"""The web pages behind the compiled membership lists (``region-member-sources``,
``network-sources``) as source documents in the graph ``catalog-reference-web``."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, unquote, urlsplit

import pyoxigraph as ox

from metrograph.build.converters import converter
from metrograph.build.inputs import Table
from metrograph.build.reference_tables import DCAT, DCT, KIND_DE, Terms, _rows

__all__ = ["article_title", "web_sources"]


@converter("reference/network-sources")
@converter("reference/region-member-sources")
def web_sources(table: Table, base: str) -> Iterator[ox.Quad]:
    """The web pages behind the compiled memberships, as source documents of the catalogue. A
    copy of an article (a Wikipedia mirror, a blog's reprint) is not the source: the article is
    (``original_url``), read through the copy (``mg:readVia``)."""
    t = Terms(table, base, "catalog-reference-web")
    for row in _rows(table):
        doc = t.iri("source:" + row["source"])
        kind = KIND_DE.get(row["kind"], "Webseite")
        cited = row["original_url"] or row["url"]
        host = urlsplit(cited).hostname
        yield t.typed(doc, "SourceDocument")
        yield t.label(doc, f"{kind}: {host}")
        yield t.q(doc, DCAT + "accessURL", ox.NamedNode(cited))
        yield t.q(doc, DCT + "type", ox.Literal(row["kind"]))
        note = (f"Art der Quelle: {kind}. Zitiert von der Zusammenstellung der Mitglieder der "
                "Metropolregionen und Netzwerke; Herausgeber und Lizenz siehe die Seite selbst.")
        copy = row["original_url"] and (urlsplit(row["url"]).hostname or "").rstrip(".") != host
        if copy:
            title = article_title(cited)
            yield t.label(doc, f"Article “{title}” ({host})", "en")
            yield t.q(doc, DCT + "title", ox.Literal(title, language=host.split(".")[0]
                                                    if host.split(".")[0] in ("de", "en")
                                                    else "de"))
            yield t.q(doc, t.m("readVia"), ox.NamedNode(row["url"]))
            note += (" Gelesen über eine Kopie des Artikels (mg:readVia); zitiert wird der "
                     "Artikel selbst.")
        elif row["original_url"]:  # the article itself (its host spelt with a trailing dot)
            title = article_title(cited)
            yield t.label(doc, f"Article “{title}” ({host})", "en")
            yield t.q(doc, DCT + "title", ox.Literal(title, language="de"))
        else:
            yield t.label(doc, row["description"], "en")
            yield t.q(doc, DCT + "title", ox.Literal(row["description"], language="en"))
            if row["note_on_copy"]:
                note += (" Die Seite ist die Kopie eines Berichts, dessen Original nicht bekannt"
                         " ist; was nur sie meldet, gilt als wenig verlässlich.")
        yield t.q(doc, t.m("publisherNote"), ox.Literal(note, language="de"))


def article_title(url: str) -> str:
    """``…/wiki/Metropolregion_N%C3%BCrnberg`` → "Metropolregion Nürnberg";
    ``…/index.php?title=Metropolregion_Hamburg&oldid=225493493`` → "Metropolregion Hamburg
    (Version 225493493)"."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    name = query["title"][0] if "title" in query else unquote(parts.path.rsplit("/wiki/", 1)[-1])
    name = name.replace("_", " ")
    return f"{name} (Version {query['oldid'][0]})" if "oldid" in query else name
