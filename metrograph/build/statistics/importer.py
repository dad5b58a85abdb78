"""Writes ``data/tables/reference/statistics/*.csv`` from the reference compilation.

The tables hold the facts in the project's form (areas as CURIEs, one observation per row,
indicator codes as the sources write them); :mod:`metrograph.build.statistics.cube` reads them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from metrograph.errors import DataError

INDICATORS = "indicators"
Table = tuple[str, list[str], list[list[object]]]

#: The Regionaldatenbank columns taken over, one per line: table | column | the project's
#: indicator code | the table's German label | its German definition with the unit.
_REGIO_COLUMNS = """
13211 | arbeitslose | arbeitslose | Arbeitslose |
    Arbeitslose insgesamt (Jahresdurchschnitt), Personen
13211 | arbeitslose_auslaendisch | arbeitslose_auslaender | Arbeitslose Ausländer |
    Arbeitslose Ausländer (Jahresdurchschnitt), Personen
13211 | arbeitslose_schwerbehindert | arbeitslose_schwerbehindert | Arbeitslose Schwerbehinderte |
    Arbeitslose schwerbehinderte Menschen (Jahresdurchschnitt), Personen
13211 | arbeitslose_15_20 | arbeitslose_15_20 | Arbeitslose von 15 bis unter 20 Jahren |
    Arbeitslose von 15 bis unter 20 Jahren (Jahresdurchschnitt), Personen
13211 | arbeitslose_15_25 | arbeitslose_15_25 | Arbeitslose von 15 bis unter 25 Jahren |
    Arbeitslose von 15 bis unter 25 Jahren (Jahresdurchschnitt), Personen
13211 | arbeitslose_55_65 | arbeitslose_55_65 | Arbeitslose von 55 bis unter 65 Jahren |
    Arbeitslose von 55 bis unter 65 Jahren (Jahresdurchschnitt), Personen
13211 | langzeitarbeitslose | langzeitarbeitslose | Langzeitarbeitslose |
    Langzeitarbeitslose (Jahresdurchschnitt), Personen
13211 | alq_abh_ziv_erwerbspers_pct | alq_abhaengige | Arbeitslosenquote (abhängige zivile Erwerbspersonen) |
    Arbeitslose in % der abhängigen zivilen Erwerbspersonen (Jahresdurchschnitt)
13211 | alq_alle_ziv_erwerbspers_pct | alq_alle | Arbeitslosenquote (alle zivilen Erwerbspersonen) |
    Arbeitslose in % aller zivilen Erwerbspersonen (Jahresdurchschnitt)
13211 | alq_maenner_pct | alq_maenner | Arbeitslosenquote der Männer |
    Arbeitslose Männer in % aller männlichen zivilen Erwerbspersonen
13211 | alq_frauen_pct | alq_frauen | Arbeitslosenquote der Frauen |
    Arbeitslose Frauen in % aller weiblichen zivilen Erwerbspersonen
13211 | alq_auslaender_pct | alq_auslaender | Arbeitslosenquote der Ausländer |
    Arbeitslose Ausländer in % aller ausländischen zivilen Erwerbspersonen
13211 | alq_15_25_pct | alq_15_25 | Arbeitslosenquote der 15- bis unter 25-Jährigen |
    Arbeitslose von 15 bis unter 25 Jahren in % der zivilen Erwerbspersonen dieses Alters
82411 | verfuegbares_einkommen_tsd_eur | verfuegbares_einkommen |
    Verfügbares Einkommen der privaten Haushalte |
    Verfügbares Einkommen der privaten Haushalte einschließlich privater Organisationen
    ohne Erwerbszweck, in 1.000 €
82411 | verfuegbares_einkommen_je_ew_eur | verfuegbares_einkommen_je_ew | Verfügbares Einkommen je Einwohner |
    Verfügbares Einkommen der privaten Haushalte je Einwohner, in €
12411 | insgesamt | bevoelkerung | Bevölkerung |
    Bevölkerung am 31.12. nach Altersgruppen, Personen (Fortschreibung auf Grundlage des
    Zensus 2022)
"""


def _regio_measures(text: str) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(table, column) → (indicator code, German label, German definition)."""
    entries = re.split(r"\n(?=\d{5} \|)", text.strip())
    result = {}
    for entry in entries:
        table, column, code, label, definition = (" ".join(part.split())
                                                  for part in entry.split("|"))
        result[(table, column)] = (code, label, definition)
    return result


REGIO_MEASURES = _regio_measures(_REGIO_COLUMNS)
REGIO_FILES = {"13211": "regio_13211-02-05-4_arbeitslose_kreise_2023_2025.csv",
               "82411": "regio_82411-01-03-4_verfuegbares_einkommen_kreise_2021.csv",
               "12411": "regio_12411-02-03-4_bevoelkerung_altersgruppen_kreise_2023_2024.csv"}
INKAR_FILES = {"inkar-2024": "inkar2024_kreise_indicators_long.csv",
               "inkar-2021": "inkar2021_kreise_pendler_erreichbarkeit_long.csv"}
#: Kreise the sources list that GV 2024 no longer has (INKAR 2021 and the 2021 income table)
FORMER_KREISE = {"16056"}
FIRST_YEAR = 2010


def slug(text: str) -> str:
    """``Aller-Leine-Tal`` → ``aller-leine-tal``; ``q_übern_bev`` → ``q-uebern-bev``."""
    text = text.lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise DataError(f"reference data: {path} not found")
    with path.open(newline="", encoding="utf-8") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _measures(ref: Path) -> Table:
    rows: list[list[object]] = []
    for m in read(ref / INDICATORS / "inkar_indicator_meta.csv"):
        dataset = "inkar-2021" if m["inkr_table"].startswith("verkehr") else "inkar-2024"
        rows.append([m["indicator"], dataset, m["kurzname"], m["definition_with_unit"],
                     m["algorithmus"], m["statistische_grundlagen"]])
    for (table, _column), (code, label, definition) in REGIO_MEASURES.items():
        rows.append([code, f"regio-{table}", label, definition, "", "Regionaldatenbank Deutschland"])
    return "measures", ["measure", "dataset", "label", "definition", "algorithm", "basis"], rows


def _area(kreis: str) -> str:
    if len(kreis) != 5 or not kreis.isdigit():
        raise DataError(f"reference data: {kreis!r} is not a five-digit Kreis code")
    return "kreis:" + kreis


def _inkar(ref: Path) -> Iterator[Table]:
    for dataset, name in INKAR_FILES.items():
        rows = [[_area(r["kreis"]), r["indicator"], r["year"], r["value"]]
                for r in read(ref / INDICATORS / name)
                if r["value"] and int(r["year"]) >= FIRST_YEAR]
        yield f"observations-{dataset}", ["area", "measure", "period", "value"], rows


def _regio(ref: Path) -> Iterator[Table]:
    for table, name in REGIO_FILES.items():
        columns = [(c, code) for (t, c), (code, _, _) in REGIO_MEASURES.items() if t == table]
        header = ["area", "measure", "period", "value"] + (["age_group"] if table == "12411" else [])
        rows: list[list[object]] = []
        for r in read(ref / INDICATORS / name):
            year = r.get("year") or r["stichtag_year"]
            period = f"{year}-12-31" if table == "12411" else year
            for column, code in columns:
                if r[column]:
                    extra = [r["altersgruppe"]] if table == "12411" else []
                    rows.append([_area(r["kreis"]), code, period, r[column], *extra])
        yield f"observations-regio-{table}", header, rows


def _inkar_regions(ref: Path) -> Table:
    codes = {r["inkar_mr_code"]: r for r in read(ref / INDICATORS / "inkar_metropolregion_codes.csv")}
    region_of = {"100": "rhein-ruhr"}  # the former MKRO region, Rheinland and Ruhr together
    rows = []
    for r in read(ref / INDICATORS / "inkar2024_metropolregionen_indicators_long.csv"):
        code = codes[r["inkar_mr_code"]]
        region = code["region_id_metrograph"] or region_of.get(r["inkar_mr_code"], "")
        if region and r["value"] and int(r["year"]) >= FIRST_YEAR:
            rows.append(["region:" + region, r["indicator"], r["year"], r["value"],
                         r["inkar_mr_code"], r["name_inkar"]])
    return ("inkar-2024-regions", ["area", "measure", "period", "value", "inkar_code", "inkar_name"],
            rows)


def _raumtypen(ref: Path) -> Iterator[Table]:
    kreise = [[_area(r["kreis"]), r["name_bbsr"], r["kreistyp_code"], r["kreistyp"],
               r["stadt_land_code"], r["stadt_land"], r["ror_code"], r["ror_name"],
               r["regionstyp_code"], r["regionstyp"]]
              for r in read(ref / "raumtypen" / "bbsr_kreisreferenz_2017.csv")]
    yield ("raumtypen-kreise-2017",
           ["area", "name", "kreistyp_code", "kreistyp", "stadt_land_code", "stadt_land",
            "ror_code", "ror_name", "regionstyp_code", "regionstyp"], kreise)
    gemeinden = [["gemeinde:" + r["ags"], r["name_bbsr"], r["zentralort4_code"], r["zentralort4"],
                  r["stadt_gemeindetyp_code"], r["stadt_gemeindetyp"]]
                 for r in read(ref / "raumtypen" / "bbsr_gemeindereferenz_2017.csv")
                 if r["in_gv_2024"] == "yes"]
    yield ("raumtypen-gemeinden-2017",
           ["area", "name", "zentralort_code", "zentralort", "gemeindetyp_code", "gemeindetyp"],
           gemeinden)


def tables(reference_dir: Path) -> Iterator[Table]:
    """Every statistics table, as (name, header, rows)."""
    ref = Path(reference_dir)
    yield _measures(ref)
    yield from _inkar(ref)
    yield from _regio(ref)
    yield _inkar_regions(ref)
    yield from _raumtypen(ref)
