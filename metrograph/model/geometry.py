"""WKT geometry literals (CRS84) drawn for the pages.

An inline SVG for an entity page (:func:`wkt_to_svg`), and GeoJSON polygons simplified for the
planner's map (:func:`parse_wkt`, :func:`simplify`).
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["COORD_DECIMALS", "SIMPLIFY_TOLERANCE", "parse_wkt", "simplify", "simplify_ring",
           "wkt_to_svg"]

# --- SVG for entity pages ------------------------------------------------------------------------

_NUMBER_PAIR = re.compile(r"(-?\d+(?:\.\d+)?(?:[eE]-?\d+)?)\s+(-?\d+(?:\.\d+)?(?:[eE]-?\d+)?)")


def _wkt_rings(wkt: str) -> tuple[str, list[list[tuple[float, float]]]]:
    text = wkt.strip()
    if text.startswith("<"):  # GeoSPARQL: an optional CRS IRI first (we only mint CRS84)
        text = text.split(">", 1)[1].strip()
    kind = text.split("(", 1)[0].strip().upper()
    rings: list[list[tuple[float, float]]] = []
    for ring in re.findall(r"\(([^()]*)\)", text):
        points = [(float(x), float(y)) for x, y in _NUMBER_PAIR.findall(ring)]
        if points:
            rings.append(points)
    return kind, rings


def wkt_to_svg(wkt: str, width: int = 320, title: str = "") -> str | None:
    """An inline SVG drawing of a CRS84 WKT geometry (POINT, POLYGON, MULTIPOLYGON, lines).

    Equirectangular projection scaled by cos(latitude) at the centre; no tiles, no scripts. The
    caller escapes nothing: only numbers and the escaped title go into the markup.
    """
    import html
    import math

    try:
        kind, rings = _wkt_rings(wkt)
    except (ValueError, IndexError):
        return None
    if not rings:
        return None
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    lat0 = (min(ys) + max(ys)) / 2
    k = math.cos(math.radians(lat0)) or 1.0
    min_x, max_x = min(xs) * k, max(xs) * k
    min_y, max_y = min(ys), max(ys)
    span = max(max_x - min_x, max_y - min_y, 1e-6)
    scale = (width - 20) / span
    w = (max_x - min_x) * scale + 20
    h = (max_y - min_y) * scale + 20

    def pt(x: float, y: float) -> str:
        return f"{(x * k - min_x) * scale + 10:.1f},{(max_y - y) * scale + 10:.1f}"

    label = f"<title>{html.escape(title)}</title>" if title else ""
    if kind == "POINT":
        w, h = max(w, 40), max(h, 40)
        body = f'<circle cx="{w / 2:.1f}" cy="{h / 2:.1f}" r="6" class="geom-point"/>'
    elif kind in {"LINESTRING", "MULTILINESTRING"}:
        body = "".join(
            f'<polyline class="geom-line" points="{" ".join(pt(x, y) for x, y in ring)}"/>'
            for ring in rings)
    else:
        d = " ".join("M" + " L".join(pt(x, y) for x, y in ring) + " Z" for ring in rings)
        body = f'<path class="geom-area" fill-rule="evenodd" d="{d}"/>'
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="map" role="img" '
            f'viewBox="0 0 {w:.0f} {h:.0f}" width="{w:.0f}" height="{h:.0f}">{label}{body}</svg>')


# --- simplified GeoJSON for the map --------------------------------------------------------------

COORD_DECIMALS = 3
SIMPLIFY_TOLERANCE = 0.002  # degrees (~150-200 m): invisible at the scale of Germany
_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_PAIR = re.compile(rf"({_NUMBER})\s+({_NUMBER})")


def parse_wkt(wkt: str) -> dict[str, Any] | None:
    """GeoJSON geometry of a (CRS84) POLYGON or MULTIPOLYGON WKT literal; None for others."""
    text = wkt.strip()
    if text.startswith("<"):
        text = text.split(">", 1)[1].strip()
    match = re.match(r"^(MULTIPOLYGON|POLYGON)\s*(\(.*\))\s*$", text, re.IGNORECASE | re.DOTALL)
    if not match:
        return None
    kind, body = match.groups()
    body = _PAIR.sub(r"[\1,\2]", body).replace("(", "[").replace(")", "]")
    try:
        coordinates = json.loads(body)
    except ValueError:
        return None
    return {"type": "MultiPolygon" if kind.upper() == "MULTIPOLYGON" else "Polygon",
            "coordinates": coordinates}


def _perpendicular(p: list[float], a: list[float], b: list[float]) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return abs(p[0] - a[0]) + abs(p[1] - a[1])
    return abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / (dx * dx + dy * dy) ** 0.5


def _douglas_peucker(points: list[list[float]], tolerance: float) -> list[list[float]]:
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, -1
        for i in range(first + 1, last):
            d = _perpendicular(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index >= 0 and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring: list[list[float]], decimals: int = COORD_DECIMALS,
                  tolerance: float = SIMPLIFY_TOLERANCE) -> list[list[float]] | None:
    """Round, drop repeated points, Douglas-Peucker; None when too little is left."""
    rounded: list[list[float]] = []
    for x, y in ring:
        point = [round(x, decimals), round(y, decimals)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    if len(rounded) < 4:
        return None
    simplified = _douglas_peucker(rounded, tolerance)
    if simplified[0] != simplified[-1]:
        simplified.append(simplified[0])
    return simplified if len(simplified) >= 4 else None


def simplify(geometry: dict[str, Any]) -> dict[str, Any] | None:
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    out = []
    for polygon in polygons:
        rings = [simplify_ring(ring) for ring in polygon]
        if rings and rings[0] is not None:
            out.append([r for r in rings if r is not None])
    if not out:
        return None
    return {"type": "MultiPolygon", "coordinates": out}
