"""The importer: re-running it on the reference data compilation reproduces our tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrograph.build import reference_import

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / reference_import.DEFAULT_REFERENCE_DIR
TABLES = ROOT / "data" / "tables" / "reference"

needs_reference = pytest.mark.skipif(not REFERENCE.is_dir(),
                                     reason="reference data compilation not available")


@needs_reference
def test_reimport_reproduces_committed_tables_exactly(tmp_path: Path) -> None:
    rows = reference_import.import_reference(REFERENCE, tmp_path)
    written = sorted(p.name for p in (tmp_path / "tables" / "reference").glob("*.csv"))
    committed = sorted(p.name for p in TABLES.glob("*.csv"))
    assert written == committed
    for name in written:
        fresh = (tmp_path / "tables" / "reference" / name).read_bytes()
        assert fresh == (TABLES / name).read_bytes(), f"{name} differs from a fresh import"
    assert rows["kreise"] == 400 and rows["laender"] == 16


def test_committed_tables_use_our_columns() -> None:
    header = (TABLES / "gemeinden.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == ("gemeinde,ars,name,type_code,type,land,kreis,verband,area_km2,population,"
                      "lon,lat")


def test_slug_folds_umlauts() -> None:
    assert reference_import.slug("Börde Oste-Wörpe") == "boerde-oste-woerpe"
    assert reference_import.slug("Grünes Band im Landkreis Helmstedt") == (
        "gruenes-band-im-landkreis-helmstedt")


def test_wkt_keeps_lon_lat_order_and_rings() -> None:
    square = [[[9.0, 52.0], [10.0, 52.0], [10.0, 53.0], [9.0, 52.0]]]
    assert reference_import.wkt({"type": "Polygon", "coordinates": square}) == (
        "POLYGON((9.0 52.0, 10.0 52.0, 10.0 53.0, 9.0 52.0))")
    multi = reference_import.wkt({"type": "MultiPolygon", "coordinates": [square, square]})
    assert multi.startswith("MULTIPOLYGON(((9.0 52.0") and multi.count("((") == 2
