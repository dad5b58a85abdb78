"""The indicator section of a Kreis or region page: for each indicator the latest value, its
rank among the areas with a value in the same dataset and year (1 = the highest), its course
over the years (a small SVG line drawn here), and the dataset's source.

A Kreis shows the official values (INKAR, Regionaldatenbank); a region its figures computed
from its members (graph ``region-statistics``) and, beside them, INKAR's own where it has one.
The observations themselves are then not listed among the page's incoming links.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from metrograph.i18n.collation import sort_key
from metrograph.model.labels import DCT, QB, SDMX_ATTRIBUTE, SDMX_DIMENSION, XSD, pick
from metrograph.model.terms import SourceRef, Term
from metrograph.store.lookups import StoreLookups, nn

__all__ = ["INDICATOR_INCOMING", "REGION_TABLE_INCOMING", "SPARK_HEIGHT", "SPARK_WIDTH",
           "IndicatorRow", "Indicators", "RegionTable", "polyline_points"]

#: the box of the course line, in SVG user units (the template sizes it)
SPARK_WIDTH, SPARK_HEIGHT = 120, 28

#: Relations shown in the indicator section rather than among the incoming links.
INDICATOR_INCOMING = (SDMX_DIMENSION + "refArea",)
#: Relations an indicator page shows as its table of the regions rather than as incoming links.
REGION_TABLE_INCOMING = (QB + "measureType",)
#: the sources the regions' computed figures rest on (values, and areas for the weights)
COMPUTED_FROM = ("inkar-2024", "inkar-2021", "regio-13211", "regio-12411", "regio-82411",
                 "destatis-kreise-2023")
#: the datasets whose observations are not indicators of the area (the weights behind figures)
HIDDEN_DATASETS = ("kreis-weights",)

#: every observation of the area but those of one age group (``?this`` bound to the area)
AREA_QUERY = """
SELECT ?dataset ?indicator ?period ?value WHERE {
  ?o sdmx-dimension:refArea ?this ; qb:dataSet ?dataset ; qb:measureType ?indicator ;
     sdmx-dimension:refPeriod ?period ; ?indicator ?value .
  FILTER NOT EXISTS { ?o mg:ageGroup ?group }
}"""
#: the values of every area for one dataset, indicator and period (bound: the three keys)
VALUES_QUERY = """
SELECT ?v WHERE {
  ?o qb:measureType ?indicator ; sdmx-dimension:refPeriod ?period ; qb:dataSet ?dataset ;
     ?indicator ?v .
}"""


#: the regions' computed figures of one indicator (``?this``), every year
REGION_FIGURES_QUERY = """
SELECT ?region ?year ?value WHERE {
  ?f qb:dataSet statistics:region-figures ; qb:measureType ?this ;
     sdmx-dimension:refArea ?region ; sdmx-dimension:refPeriod ?year ; ?this ?value .
  FILTER NOT EXISTS { ?f mg:ageGroup ?group }
}"""


@dataclass
class RegionTable:
    """An indicator's figures for every region and year, the regions by their latest value."""

    years: list[str]
    rows: list[tuple[Term, dict[str, str]]]  #: (region, value by year)
    unit: str


@dataclass
class IndicatorRow:
    indicator: Term
    value: str  #: the lexical value (pages format it)
    period: str
    unit: str
    rank: int
    areas: int
    series: list[tuple[str, float]] = field(default_factory=list)  #: (period, value), oldest first
    sources: list[SourceRef] = field(default_factory=list)
    computed: bool = False  #: the project's figure from the members (a region's)

    @property
    def points(self) -> str:
        return polyline_points(self.series)


def polyline_points(series: list[tuple[str, float]], width: int = SPARK_WIDTH,
                    height: int = SPARK_HEIGHT) -> str:
    """The points of a line through the values, scaled to the box ("" for fewer than two)."""
    if len(series) < 2:
        return ""
    values = [v for _, v in series]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (width - 4) / (len(values) - 1)
    return " ".join(f"{2 + i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}"
                    for i, v in enumerate(values))


class Indicators(StoreLookups):
    """The rows of the indicator section."""

    def _indicator_rows(self, iri: str, lang: str,
                        all_sources: dict[str, SourceRef]) -> list[IndicatorRow]:
        series: dict[tuple[str, str], list[tuple[str, str]]] = {}
        statistics = self.base + "id/statistics/"
        for row in self._select(AREA_QUERY, this=nn(iri)):
            dataset = row["dataset"].value
            if dataset.removeprefix(statistics) in HIDDEN_DATASETS:
                continue
            series.setdefault((dataset, row["indicator"].value), []).append(
                (row["period"].value, row["value"].value))
        rows = []
        for (dataset, indicator), values in series.items():
            values.sort()
            period, value = values[-1]
            ranking = self._ranking(dataset, indicator, period)
            above = sum(1 for v in ranking if v > float(value))
            unit = next(self._quads(nn(indicator), nn(SDMX_ATTRIBUTE + "unitMeasure")), None)
            refs = [self.source_ref(q.object.value, lang)
                    for q in self._quads(nn(dataset), nn(DCT + "source"))]
            for ref in refs:
                all_sources.setdefault(ref.iri, ref)
            rows.append(IndicatorRow(
                self.term(nn(indicator), lang), value, period,
                self.label(unit.object.value, lang) if unit else "",
                above + 1, len(ranking),
                [(p, float(v)) for p, v in values], refs,
                computed=dataset.endswith("/region-figures")))
        rows.sort(key=lambda r: (not r.computed, sort_key(r.indicator.label)))
        return rows

    def _credit_lines(self, rows: list[IndicatorRow], lang: str) -> list[tuple[str, str]]:
        """(text, language) of the credit line (``dct:rights``) of each source the rows show —
        for the regions' computed figures those of the datasets they are computed from — as
        the sources' licences ask."""
        sources = {ref.iri for row in rows for ref in row.sources}
        if any(row.computed for row in rows):
            sources |= {f"{self.base}source/{s}" for s in COMPUTED_FROM}
        lines: list[tuple[str, str]] = []
        for source in sorted(sources):
            chosen = pick([q.object for q in self._quads(nn(source), nn(DCT + "rights"))], lang)
            if chosen is not None and (chosen.value, chosen.language or "") not in lines:
                lines.append((chosen.value, chosen.language or ""))
        return lines

    def _region_table(self, iri: str, lang: str) -> RegionTable | None:
        """The regions' figures of the indicator ``iri`` over the years (None without any)."""
        values: dict[str, dict[str, str]] = {}
        for row in self._select(REGION_FIGURES_QUERY, this=nn(iri)):
            values.setdefault(row["region"].value, {})[row["year"].value] = row["value"].value
        if not values:
            return None
        years = sorted({year for by_year in values.values() for year in by_year})
        latest = years[-1]
        order = sorted(values, key=lambda r: (latest not in values[r],
                                              -float(values[r].get(latest, 0)),
                                              sort_key(self.label(r, lang))))
        unit = next(self._quads(nn(iri), nn(SDMX_ATTRIBUTE + "unitMeasure")), None)
        return RegionTable(years, [(self.term(nn(r), lang), values[r]) for r in order],
                           self.label(unit.object.value, lang) if unit else "")

    def _ranking(self, dataset: str, indicator: str, period: str) -> list[float]:
        """Every area's value for the dataset, indicator and period (cached per process)."""
        def make() -> list[float]:
            return [float(r["v"].value) for r in self._select(
                VALUES_QUERY, dataset=nn(dataset), indicator=nn(indicator), period=_period(period))]
        return self._cached(("ranking", dataset, indicator, period), make)


def _period(period: str) -> ox.Literal:
    """The period as the observations hold it: a day (YYYY-MM-DD) or a year."""
    return ox.Literal(period, datatype=ox.NamedNode(XSD + ("date" if len(period) == 10 else "gYear")))
