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
    path = reference_dir / name
    if not path.exists():
        raise DataError(f"reference data: {name} not found in {reference_dir}")
    with path.open(newline="", encoding="utf-8") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


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


def slug(text: str) -> str:
    """``Aller-Leine-Tal`` → ``aller-leine-tal``; ``Börde Oste-Wörpe`` → ``boerde-oste-woerpe``."""
    text = text.lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


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

def _regions(ref: Path) -> dict[str, tuple[list[str], list[list[object]]]]:
    regions = _read(ref, "metropolregionen/metropolregionen.csv")
    members = _read(ref, "metropolregionen/metropolregion_members.csv")
    sources = _read(ref, "metropolregionen/metropolregion_member_sources.csv")

    def member(row: dict[str, str]) -> str:
        return ("kreis:" if row["level"] == "kreis" else "gemeinde:") + row["ags"]

    return {
        "regions": (["region", "name", "short_name"], [
            [f"region:{r['region_id']}", r["name"], r["short_name"]] for r in regions]),
        "region-members": (["region", "member", "status", "confidence", "sources", "note"], [
            [f"region:{m['region_id']}", member(m), STATUS[m["membership"]], m["confidence"],
             " ".join("mr-" + slug(s) for s in m["source_ids"].split()), m["note"]]
            for m in members]),
        "region-member-sources": (["source", "url", "description", "kind"], [
            ["mr-" + slug(s["source_id"]), s["url"], s["description"], s["kind"]]
            for s in sources]),
    }


def _networks(ref: Path) -> dict[str, tuple[list[str], list[list[object]]]]:
    networks = _read(ref, "networks/networks.csv")
    members = _read(ref, "networks/network_members.csv")

    def curie(name: str) -> str:
        return GUESTS.get(name, f"region:{name}")

    return {
        "networks": (["network", "name", "founded"], [
            [f"network:{n['network_id']}", n["name"], n["founded"]] for n in networks]),
        # 'not_listed' rows record an absence, not a membership: left out.
        "network-members": (["network", "member", "member_name", "role", "note"], [
            [f"network:{m['network_id']}", curie(m["member"]),
             m["member"] if m["member"] in GUESTS else "", f"role:{m['role']}", m["source_note"]]
            for m in members if m["role"] in ("member", "guest")]),
    }


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


# ---------------------------------------------------------------- entry point

def tables(reference_dir: Path) -> Iterator[tuple[str, list[str], list[list[object]]]]:
    ref = Path(reference_dir)
    yield from ((n, *t) for n, t in _admin_tables(ref).items())
    yield ("kreise-figures-2023", *_kreis_figures(ref))
    yield ("zensus2022-gemeinden", *_zensus(ref))
    yield ("wikidata-kreise", *_wikidata(ref))
    yield ("kreis-boundaries", *_boundaries(ref, "kreise_vg5000_wgs84.geojson", "ags", []))
    yield ("land-boundaries",
           *_boundaries(ref, "laender_vg5000_wgs84.geojson", "land", ["nuts1"]))
    yield from ((n, *t) for n, t in _regions(ref).items())
    yield from ((n, *t) for n, t in _networks(ref).items())
    yield ("leader-regions", *_leader(ref))


def import_reference(reference_dir: Path, data_dir: Path) -> dict[str, int]:
    """Write data/tables/reference/*.csv from the compilation; return rows per table."""
    out = Path(data_dir) / "tables" / "reference"
    return {name: _write(out / f"{name}.csv", header, rows)
            for name, header, rows in tables(Path(reference_dir))}
