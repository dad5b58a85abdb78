"""Import the project's reference data compilation into our own tables (data/tables/reference/).

The compilation (official Destatis, Zensus, BKG and Wikidata extracts plus compiled membership
lists) is read once; only the facts we use are written, with our own column names and values
normalised (codes as zero-padded text, entities as CURIEs, one table per source). The build reads
the generated tables only. Re-running the import on the same input reproduces them byte for byte.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from metrograph.build.statistics import importer as statistics_importer
from metrograph.errors import DataError

#: Default location of the compilation, relative to the project root.
DEFAULT_REFERENCE_DIR = "../shared/reference"
GV = "destatis/gv-isys_{}_2024-12-31.csv"
#: Destatis Textkennzeichen of gemeindefreie Gebiete and of verbandsfreie Gemeinden.
UNINCORPORATED = {"65", "66"}
VERBANDSFREI = "50"
#: Guests of the IKM that have no own entity elsewhere: name in the compilation -> CURIE.
GUESTS = {
    "IMeG": "network:imeg",
    "Metropolregion Wien": "organisation:metropolregion-wien",
    "Metropolregion Zürich": "organisation:metropolregion-zuerich",
    "Metropolregion Amsterdam": "organisation:metropolregion-amsterdam",
}
STATUS = {"member": "member", "member_exit_reported": "exit-reported",
          "in_area_not_member": "in-area"}


def _read(reference_dir: Path, name: str) -> list[dict[str, str]]:
    return statistics_importer.read(reference_dir / name)


def _write(path: Path, header: Iterable[str], rows: Iterable[Iterable[object]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


slug = statistics_importer.slug


# ---------------------------------------------------------------- administrative units (Destatis)

def _admin_tables(ref: Path) -> dict[str, tuple[list[str], list[list[object]]]]:
    levels = _read(ref, GV.format("laender_regbez"))
    kreise = _read(ref, GV.format("kreise"))
    verbaende = _read(ref, GV.format("gemeindeverbaende"))
    gemeinden = _read(ref, GV.format("gemeinden"))
    kreis_keys = {k["ags"] for k in kreise}
    real_verband = {v["ars9"] for v in verbaende if v["textkennzeichen"] != VERBANDSFREI}
    laender = [[r["schluessel"], r["name"]] for r in levels if r["ebene"] == "Land"]
    regbez = [[r["schluessel"], r["name"], r["schluessel"][:2]]
              for r in levels if r["ebene"] == "Regierungsbezirk"]
    regbez_keys = {r[0] for r in regbez}

    def point(row: dict[str, str]) -> tuple[str, str]:
        lat, lon = row["lat"], row["lon"]
        return ("", "") if not lat or float(lat) == 0.0 else (lon, lat)

    return {
        "laender": (["land", "name"], laender),
        "regierungsbezirke": (["regbez", "name", "land"], regbez),
        "kreise": (["kreis", "name", "type_code", "type", "land", "regbez", "nuts3"], [
            [k["ags"], k["name"], k["textkennzeichen"], k["typ"], k["land"],
             k["regbez"] if k["regbez"] in regbez_keys else "", k["nuts3"]]
            for k in kreise
        ]),
        "verbaende": (["verband", "name", "type_code", "type", "kreis"], [
            [v["ars9"], v["name"], v["textkennzeichen"], v["typ"], v["kreis_ags"]]
            for v in verbaende if v["ars9"] in real_verband
        ]),
        "gemeinden": (["gemeinde", "ars", "name", "type_code", "type", "land", "kreis", "verband",
                       "area_km2", "population", "lon", "lat"], [
            [g["ags"], g["ars"], g["name"], g["textkennzeichen"], g["typ"], g["land"],
             g["kreis_ags"] if g["kreis_ags"] in kreis_keys else "",
             g["verband_ars"] if g["verband_ars"] in real_verband else "",
             g["flaeche_km2"], g["bev_insgesamt"], *point(g)]
            for g in gemeinden
        ]),
    }


def _kreis_figures(ref: Path) -> tuple[list[str], list[list[object]]]:
    rows = _read(ref, "destatis/destatis_04-kreise_2023-12-31.csv")
    return ["kreis", "area_km2", "population"], [
        [r["ags"], r["flaeche_km2"], r["bev_insgesamt"]] for r in rows]


def _zensus(ref: Path) -> tuple[list[str], list[list[object]]]:
    """Zensus 2022 population, keyed by AGS; Gemeinden merged away since 15.05.2022 are left out."""
    current = {g["ags"] for g in _read(ref, GV.format("gemeinden"))}
    rows = []
    for r in _read(ref, "zensus2022/zensus2022_gemeinden_bevoelkerung.csv"):
        ars = r["ags"]  # the column holds the 12-digit ARS
        ags = ars[:5] + ars[9:]
        if ags in current:
            rows.append([ags, r["population"]])
    return ["gemeinde", "population"], sorted(rows)


def _wikidata(ref: Path) -> tuple[list[str], list[list[object]]]:
    rows = _read(ref, "wikidata/kreise_wikidata_qid.csv")
    return ["kreis", "wikidata"], [[r["ags"], r["wikidata_qid"]] for r in rows
                                   if r["in_gv_2024"] == "yes"]


def _wikidata_gemeinden(ref: Path) -> tuple[list[str], list[list[object]]]:
    """Gemeinden (and gemeindefreie Gebiete) of GV 31.12.2024 → Wikidata item. A row not in
    GV 2024 is left out: 07232503 "Obergeckler" (Q641393) is a VG5000 unit standing for the two
    Gemeinden Niedergeckler (07232089) and Obergeckler (07232096), which keep no item here."""
    known = {g["ags"] for g in _read(ref, GV.format("gemeinden"))}
    rows = _read(ref, "wikidata/gemeinden_wikidata_qid.csv")
    return ["gemeinde", "wikidata"], [[r["ags"], r["wikidata"]] for r in rows
                                      if r["in_gv_2024"] == "yes" and r["ags"] in known]


# ---------------------------------------------------------------- boundaries (BKG VG5000)

def _ring(ring: list[list[float]]) -> str:
    return "(" + ", ".join(f"{x!r} {y!r}" for x, y in ring) + ")"


def wkt(geometry: dict) -> str:
    """GeoJSON Polygon/MultiPolygon (lon/lat) → WKT in the same axis order (CRS84)."""
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Polygon":
        return "POLYGON(" + ", ".join(_ring(r) for r in coords) + ")"
    if kind == "MultiPolygon":
        return "MULTIPOLYGON(" + ", ".join(
            "(" + ", ".join(_ring(r) for r in poly) + ")" for poly in coords) + ")"
    raise DataError(f"reference data: unsupported geometry type {kind}")


def _boundaries(ref: Path, name: str, key: str, extra: list[str]
                ) -> tuple[list[str], list[list[object]]]:
    path = ref / "geo" / name
    if not path.exists():
        raise DataError(f"reference data: geo/{name} not found in {ref}")
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    rows = [[f["properties"][key], *(f["properties"][e] for e in extra), wkt(f["geometry"])]
            for f in features]
    return [key if key != "ags" else "kreis", *extra, "wkt"], sorted(rows)


# ---------------------------------------------------------------- compiled memberships

#: Correction of the compilation (SOURCES.md, 2026-12-02): the Helmholtz abstract HH_HZG lists
#: the Kreise of Niedersachsen and Schleswig-Holstein of its time only, so it supports no
#: membership of a Kreis of another Land (Mecklenburg-Vorpommern joined later).
HZG_LAENDER = {"01", "03"}
#: An exit report (RL_EXIT: a press aggregator's copy of a regional report) is a claim of its
#: own, of low confidence and with no date, beside the membership its other sources state.
EXIT_SOURCE = "RL_EXIT"
EXIT_NOTE = "exit reported in a press aggregator's copy of a regional report; date unknown"
#: "member since 01.07.2019", "member since 2017", "joined 01.07.2010" in the compiler's notes
_JOINED = re.compile(r"\b(?:member since|joined) (?:(\d{2})\.(\d{2})\.)?(\d{4})\b")


def _member_claims(m: dict[str, str], descriptions: dict[str, str]) -> list[list[object]]:
    """One compiled membership row as claims: ``region, member, status, confidence, start,
    sources, note`` — a dated join is a claim of the sources that give the date."""
    member = ("kreis:" if m["level"] == "kreis" else "gemeinde:") + m["ags"]
    region = f"region:{m['region_id']}"
    sources = [s for s in m["source_ids"].split()
               if s != "HH_HZG" or m["ags"][:2] in HZG_LAENDER]
    if not sources:
        raise DataError(f"membership {region} {member}: no source left")
    ids = " ".join("mr-" + slug(s) for s in sources)
    status = STATUS[m["membership"]]
    if status == "exit-reported":
        stated = " ".join("mr-" + slug(s) for s in sources if s != EXIT_SOURCE)
        return [[region, member, "member", m["confidence"], "", stated, ""],
                [region, member, "exit-reported", "low", "", "mr-" + slug(EXIT_SOURCE),
                 EXIT_NOTE]]
    joined = _JOINED.search(m["note"])
    if not joined:
        return [[region, member, status, m["confidence"], "", ids, m["note"]]]
    day, month, year = joined.groups()
    start = f"{year}-{month}-{day}" if day else year
    dating = [s for s in sources if (f"{day}.{month}.{year}" if day else year)
              in descriptions.get(s, "")] or sources
    rows = [[region, member, status, m["confidence"], start,
             " ".join("mr-" + slug(s) for s in dating), m["note"]]]
    rest = [s for s in sources if s not in dating]
    if rest:
        rows.append([region, member, status, m["confidence"], "",
                     " ".join("mr-" + slug(s) for s in rest), ""])
    return rows


def _regions(ref: Path) -> dict[str, tuple[list[str], list[list[object]]]]:
    regions = _read(ref, "metropolregionen/metropolregionen.csv")
    members = _read(ref, "metropolregionen/metropolregion_members.csv")
    sources = _read(ref, "metropolregionen/metropolregion_member_sources.csv")
    descriptions = {s["source_id"]: s["description"] for s in sources}
    return {
        "regions": (["region", "name", "short_name"], [
            [f"region:{r['region_id']}", r["name"], r["short_name"]] for r in regions]),
        "region-members": (
            ["region", "member", "status", "confidence", "start", "sources", "note"],
            [claim for m in members for claim in _member_claims(m, descriptions)]),
        # a copy of an article (a Wikipedia mirror, a blog's reprint) is cited as the article
        # (original_url), read through the copy at url
        "region-member-sources": (
            ["source", "url", "original_url", "description", "kind", "note_on_copy"],
            [["mr-" + slug(s["source_id"]), s["url"], s["original_url"], s["description"],
              s["kind"], s["note_on_copy"]] for s in sources]),
    }


#: the seed pages the compiler's notes name ("seed 001 (press release …) lists these")
SEED_SOURCES = {"000": "hbgw-ikm-sprecher", "001": "ikm-fruehjahrstagung-2019",
                "003": "ikm-ueber-ikm"}
_SEED = re.compile(r"\bseed (\d{3})\b")
_CONFIRMED = re.compile(r"confirmed by (https?://\S+)")
#: a dated join the compiler quotes from the article of the region (read as source mr-n-wp)
_SINCE = {"Seit April 2003": ("2003-04", "mr-n-wp")}


def _network_claims(m: dict[str, str], pages: dict[str, str]) -> list[list[object]]:
    """A compiled network membership as claims citing what the compiler's note names: the seed
    pages, a confirming page, a dated join in an article (a claim of its own); the note itself
    (the compiler's account of its sources) is not repeated."""
    member = GUESTS.get(m["member"], f"region:{m['member']}")
    name = m["member"] if m["member"] in GUESTS else ""
    note = m["source_note"]
    sources = [SEED_SOURCES[n] for n in _SEED.findall(note)]
    for url in _CONFIRMED.findall(note):
        sources.append(_page(url, pages))
    rest = "" if sources else note
    rows = [[f"network:{m['network_id']}", member, name, f"role:{m['role']}", "",
             " ".join(sources), re.sub(r"^seed \d{3}: ", "", rest)]]
    for phrase, (start, source) in _SINCE.items():
        if phrase in note:
            rows.append([f"network:{m['network_id']}", member, name, f"role:{m['role']}", start,
                         source, ""])
    return rows


def _page(url: str, pages: dict[str, str]) -> str:
    """The source id of a web page the networks' compilation cites (one per site)."""
    host = url.split("//", 1)[1].split("/", 1)[0].removeprefix("www.")
    name = "net-" + slug(host.rsplit(".", 1)[0])
    pages.setdefault(name, url)
    return name


def _networks(ref: Path) -> dict[str, tuple[list[str], list[list[object]]]]:
    networks = _read(ref, "networks/networks.csv")
    members = _read(ref, "networks/network_members.csv")
    imeg = _read(ref, "networks/imeg_members.csv")
    pages: dict[str, str] = {}
    claims = [claim for m in members if m["role"] in ("member", "guest")  # 'not_listed'
              for claim in _network_claims(m, pages)]  # rows record an absence: left out
    imeg_members = []
    for r in imeg:
        founding, _, detail = r["founding_member"].partition(" ")
        note = r["note"] or (f"founding member {detail.strip('()')}" if detail else "")
        imeg_members.append([
            IMEG_UNITS.get(r["member_name"], "organisation:" + slug(r["member_name"])),
            r["member_name"], IMEG_CLASS.get(r["member_type"].split(" (")[0], ""), founding,
            " ".join(_page(u.strip(), pages) for u in r["source_url"].split(" ; ")), note])
    return {
        "networks": (["network", "name", "founded"], [
            [f"network:{n['network_id']}", n["name"], n["founded"]] for n in networks]),
        "network-members": (
            ["network", "member", "member_name", "role", "start", "sources", "note"], claims),
        "imeg-members": (["member", "name", "class", "founding", "sources", "note"],
                         imeg_members),
        "network-sources": (
            ["source", "url", "original_url", "description", "kind", "note_on_copy"],
            [[name, url, "", f"page of {url.split('//')[1].split('/')[0]} listing members",
              "official", ""] for name, url in sorted(pages.items())]),
    }


#: IMeG members that are units of their own; the others become organisations (by their name)
#: (the Bezirksregierung is the authority, not the Regierungsbezirk's territory)
IMEG_UNITS = {"Saarland": "land:10", "Rheinland-Pfalz": "land:07",
              "StädteRegion Aachen": "kreis:05334"}
IMEG_CLASS = {"Zweckverband": "SpecialPurposeAssociation", "Regionalverband": "RegionalAssociation",
              "Bezirksregierung": "PublicBody"}


def _leader(ref: Path) -> tuple[list[str], list[list[object]]]:
    """LEADER regions and members; a verbandsfreie Gemeinde's ars9 resolves to the Gemeinde."""
    verbandsfrei = {g["verband_ars"]: g["ags"] for g in _read(ref, GV.format("gemeinden"))
                    if g["verband_typ"] == "Verbandsfreie Gemeinde"}

    def member(row: dict[str, str]) -> str:
        code = row["code"]
        if row["unit_level"] == "gemeinde":
            return f"gemeinde:{code}"
        if row["unit_level"] == "gemeindeverband":
            return f"gemeinde:{verbandsfrei[code]}" if code in verbandsfrei else f"verband:{code}"
        return ""

    rows = _read(ref, "leader/leader_niedersachsen_partial.csv")
    return ["leader_region", "name", "period", "member", "share", "source", "note"], [
        [f"organisation:leader-{slug(r['leader_region'])}", r["leader_region"], r["period"],
         member(r), r["share"], r["source"], r["note"]] for r in rows]


# ---------------------------------------------------------------- history of the regions

def _history(ref: Path) -> dict[str, tuple[list[str], list[list[object]]]]:
    """The regions' history (``history/metropolregion_events.csv``): one row per dated event
    with what it concerns as a CURIE (``_all`` rows are decisions of the MKRO, ``_ikm``/``_imeg``
    rows concern the networks), and the pages it cites as source ids; the compiler's detail
    stays an English note (the model and its words are in :mod:`.reference_history`).

    A page is cited by its own address (SOURCES.md, B6 and the correction on copies): one read
    through a proxy copy (``https://fanyv88.com:443/https/wn.com/…``) is cited as ``https://wn.com/…``, read
    via the copy; ``de.wikipedia.org.`` (a trailing dot) is Wikipedia itself. A page that the
    membership compilations cite already keeps their id. A claim that rests on a commercial
    page or on an aggregator read through a proxy is of low confidence (the 28.04.2005 date)."""
    from urllib.parse import urlsplit, urlunsplit

    #: what kind of page each host is ("official-ish": a regional body's own or partner page)
    kinds = {"www.wirtschaftsregion-bergstrasse.de": "official-ish", "www.arl-net.de": "reference",
             "www.staedtereisen-magazin.de": "magazine", "maderer-immobilien.com": "commercial",
             "de.wikipedia.org": "wikipedia", "www.m-r-n.com": "official",
             "www.landesentwicklung.sachsen.de": "official", "www.metropolregion.de": "official",
             "metropolregion.de": "official", "www.chemnitz.de": "official",
             "www.volksstimme.de": "press", "kopo.de": "press", "wosonst.eu": "official-ish",
             "wn.com": "aggregator", "www.region-karlsruhe.de": "official",
             "www.metropolitane-grenzregionen.eu": "official",
             "strategieforum-frankfurtrheinmain.de": "official-ish"}
    weak = {"commercial", "aggregator"}
    proxy = re.compile(r"^https?://fanyv88\.com(?::443)?/(https?)/(.+)$")
    regions = {r["region_id"] for r in _read(ref, "metropolregionen/metropolregionen.csv")}
    concerns = {"_all": "organisation:mkro", "_ikm": "network:ikm", "_imeg": "network:imeg"}
    known: dict[str, str] = {}  # cited address → source id of the other compilations
    for _, rows in (_regions(ref)["region-member-sources"], _networks(ref)["network-sources"]):
        for row in rows:
            known.setdefault(row[2] or row[1], row[0])
    pages: dict[str, list[object]] = {}  # cited address → row of region-history-sources
    events = []
    for r in _read(ref, "history/metropolregion_events.csv"):
        if r["region_id"] not in concerns and r["region_id"] not in regions:
            raise DataError(f"history: unknown region {r['region_id']!r}")
        ids, kinds_cited = [], set()
        for url in (u.strip() for u in r["source_url"].split(" ; ")):
            copy = proxy.match(url)
            cited, via = (f"{copy[1]}://{copy[2]}", url) if copy else (url, "")
            parts = urlsplit(cited)
            if parts.hostname and parts.hostname.endswith("."):  # the same host, spelt with a dot
                scheme = "https" if parts.hostname.endswith("wikipedia.org.") else parts.scheme
                cited = urlunsplit((scheme, parts.hostname.rstrip("."), parts.path, parts.query,
                                    parts.fragment))
            host = urlsplit(cited).hostname or ""
            if host not in kinds:
                raise DataError(f"history: no kind of page known for {host!r} ({url})")
            kinds_cited.add(kinds[host])
            if cited in known:
                ids.append(known[cited])
                continue
            if cited not in pages:
                name = "hist-" + slug(host.removeprefix("www.").rsplit(".", 1)[0])
                if any(p[0] == name for p in pages.values()):
                    name += "-" + slug(urlsplit(cited).path.rstrip("/").rsplit("/", 1)[-1])
                pages[cited] = [name, cited, via, kinds[host]]
            ids.append(pages[cited][0])
        low = sorted(kinds_cited & weak)
        events.append([concerns.get(r["region_id"], f"region:{r['region_id']}"), r["date"],
                       r["event"].replace("_", "-"), " ".join(ids), "low" if low else "",
                       " ".join(low), r["detail"]])
    return {
        "region-history": (["concerns", "date", "event", "sources", "confidence", "caveat",
                            "note"], events),
        "region-history-sources": (["source", "url", "read_via", "kind"], list(pages.values())),
    }


# ---------------------------------------------------------------- entry point

def tables(reference_dir: Path) -> Iterator[tuple[str, list[str], list[list[object]]]]:
    ref = Path(reference_dir)
    yield from ((n, *t) for n, t in _admin_tables(ref).items())
    yield ("kreise-figures-2023", *_kreis_figures(ref))
    yield ("zensus2022-gemeinden", *_zensus(ref))
    yield ("wikidata-kreise", *_wikidata(ref))
    yield ("wikidata-gemeinden", *_wikidata_gemeinden(ref))
    yield ("kreis-boundaries", *_boundaries(ref, "kreise_vg5000_wgs84.geojson", "ags", []))
    yield ("land-boundaries",
           *_boundaries(ref, "laender_vg5000_wgs84.geojson", "land", ["nuts1"]))
    yield from ((n, *t) for n, t in _regions(ref).items())
    yield from ((n, *t) for n, t in _networks(ref).items())
    yield ("leader-regions", *_leader(ref))
    yield from ((n, *t) for n, t in _history(ref).items())
    yield from ((f"statistics/{name}", header, rows)
                for name, header, rows in statistics_importer.tables(ref))


def import_reference(reference_dir: Path, data_dir: Path) -> dict[str, int]:
    """Write data/tables/reference/*.csv from the compilation; return rows per table."""
    out = Path(data_dir) / "tables" / "reference"
    return {name: _write(out / f"{name}.csv", header, rows)
            for name, header, rows in tables(Path(reference_dir))}
