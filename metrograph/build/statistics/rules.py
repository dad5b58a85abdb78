"""The project's rules for the indicators (``data/tables/measure-rules.csv``, graph
``vocabulary``): each indicator's English name, its unit, and how a region's figure is made
from its member Kreise — summed (counts), a weighted mean (rates, shares, densities; the weight
the definition asks for) or not at all (the weight is not in the graph; the reason is given).

:mod:`metrograph.build.statistics.aggregates` reads these rules back from the graph, so the
table is the one place they are written.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from metrograph.build.converters import Context, converter
from metrograph.build.inputs import Table
from metrograph.build.reference_tables import COMMENT, Terms
from metrograph.build.statistics.cube import UNIT_MEASURE, indicator_slug

AGGREGATIONS = {"sum": "Sum", "weighted-mean": "WeightedMean", "none": "NotAggregated"}
#: weight → the individual naming it (labour-force weights name the count they rest on)
WEIGHTS = {"population": "PopulationWeight", "employed": "EmployedPersonsWeight",
           "value-added": "ValueAddedWeight", "area": "AreaWeight",
           "labour-force": "LabourForceWeight"}
COLUMNS = ("measure", "label_en", "unit", "aggregation", "weight", "note_de", "note_en")


@converter("measure-rules")
def measure_rules(table: Table, base: str) -> Iterator[ox.Quad]:
    t = Terms(table, base, "vocabulary")
    for line, row in table.rows():
        ctx = Context(base, table, line)
        if set(row) != set(COLUMNS):
            raise ctx.fail(f"expected the columns {COLUMNS}")
        prop = ctx.iri("indicator:" + indicator_slug(row["measure"]))
        aggregation = AGGREGATIONS.get(row["aggregation"])
        if aggregation is None:
            raise ctx.fail(f"aggregation {row['aggregation']!r} is not one of {sorted(AGGREGATIONS)}")
        weight, _, count = row["weight"].partition(":")
        if (aggregation == "WeightedMean") != bool(weight):
            raise ctx.fail("a weighted mean needs a weight, and only a weighted mean has one")
        if weight and weight not in WEIGHTS:
            raise ctx.fail(f"weight {weight!r} is not one of {sorted(WEIGHTS)}")
        if (weight == "labour-force") != bool(count):
            raise ctx.fail("a labour-force weight names its count: 'labour-force:<indicator>'")
        if aggregation == "NotAggregated" and not (row["note_de"] and row["note_en"]):
            raise ctx.fail("say in note_de and note_en why the indicator is not aggregated")
        yield t.label(prop, row["label_en"], "en")
        yield t.q(prop, UNIT_MEASURE, ctx.iri("unit:" + row["unit"]))
        yield t.q(prop, t.m("aggregation"), t.m(aggregation))
        if weight:
            yield t.q(prop, t.m("aggregationWeight"), t.m(WEIGHTS[weight]))
        if count:
            yield t.q(prop, t.m("weightCount"), ctx.iri("indicator:" + indicator_slug(count)))
        for lang in ("de", "en"):
            if row[f"note_{lang}"]:
                yield t.q(prop, COMMENT, ox.Literal(row[f"note_{lang}"], language=lang))
