"""Each metropolitan region's figures, computed from its member Kreise (graph
``region-statistics``, the project's own).

For a region, an indicator and a year the figure is made by the indicator's rule
(:mod:`.rules`, read back from the graph): the **sum** of the members' values, or their
**weighted mean** with the weight the definition asks for, or nothing (the rule says why). The
members are the Kreise whose membership stands on 31 December of the year by the one membership
rule (:mod:`metrograph.model.memberships`): ``valid`` and ``attested`` ones, and ``undated``
ones — no source says anything about that year — which count as *assumed* members and are
named as such; exits and claims outside their interval do not count. A figure is made only when
every member has a value and a weight for the year.

The weights are figures of their own (dataset ``statistics:kreis-weights``), each with how it
was computed: inhabitants (the Regionaldatenbank's count on 31.12. where there is one, else
INKAR's density × the Destatis area of 31.12.2023), employed persons (GDP per inhabitant ×
inhabitants / GDP per employed person), gross value added (per employed person × employed
persons), the area, and a labour force (unemployed persons / unemployment rate).

Every figure is a ``qb:Observation`` and an ``mg:ComputedObservation``: its aggregation and
weight, its member set (``<region>#kreise-<year>``, members and assumed members) and the
datasets it rests on (``prov:wasDerivedFrom``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from metrograph.build.reference_tables import LABEL, XSD
from metrograph.build.statistics import cube
from metrograph.model import memberships
from metrograph.model import namespaces as ns

GRAPH = "region-statistics"
FIGURES, WEIGHTS = "region-figures", "kreis-weights"
KREIS_DATASETS = ("inkar-2024", "inkar-2021", "regio-13211", "regio-12411", "regio-82411")
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
TIME = "http://www.w3.org/2006/time#"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
KREIS_CLASSES = ("RuralDistrict", "DistrictFreeCity")
TOTAL = "total"
#: the weights, by the individual naming them: (measure slug, German and English name, unit)
WEIGHT_MEASURES = {
    "PopulationWeight": ("weight-population", "Einwohner (Gewicht)", "inhabitants (weight)",
                         "persons"),
    "EmployedPersonsWeight": ("weight-employed", "Erwerbstätige (Gewicht)",
                              "employed persons (weight)", "persons"),
    "ValueAddedWeight": ("weight-value-added", "Bruttowertschöpfung (Gewicht)",
                         "gross value added (weight)", "thousand-eur"),
    "AreaWeight": ("weight-area", "Fläche (Gewicht)", "area (weight)", "km2"),
    "LabourForceWeight": ("weight-labour-force", "Zivile Erwerbspersonen (Gewicht)",
                          "civilian labour force (weight)", "persons"),
}


@dataclass
class Inputs:
    """What the computation reads from the graph."""

    base: str
    #: (indicator slug, Kreis code, year, age group) → value
    values: dict[tuple[str, str, str, str], float] = field(default_factory=dict)
    #: the dataset each indicator's Kreis values come from
    dataset_of: dict[str, str] = field(default_factory=dict)
    #: indicator slug → (aggregation, weight, the count a labour-force weight rests on)
    rules: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    #: Kreis code → area in km² (Destatis, 31.12.2023)
    area: dict[str, float] = field(default_factory=dict)
    #: indicator slug → period datatype ("gYear" or "date")
    period_kind: dict[str, str] = field(default_factory=dict)


def read_inputs(quads: Iterable[ox.Quad], base: str) -> Inputs:
    inputs = Inputs(base)
    graph_prefix, mg = base + "graph/", base + "ontology#"
    indicator_prefix = base + ns.OWN_PREFIXES["indicator"]
    kreis_prefix = base + ns.OWN_PREFIXES["kreis"]
    datasets = {graph_prefix + d: d for d in KREIS_DATASETS}
    observations: dict[str, dict[str, object]] = defaultdict(dict)
    rule_parts: dict[str, dict[str, str]] = defaultdict(dict)
    area_nodes: dict[str, str] = {}
    area_values: dict[str, float] = {}
    for q in quads:
        graph, p = q.graph_name.value, q.predicate.value
        if graph in datasets and q.subject.value.startswith(base + "id/observation/"):
            obs = observations[q.subject.value]
            obs["dataset"] = datasets[graph]
            if p == cube.REF_AREA.value:
                obs["area"] = q.object.value.removeprefix(kreis_prefix)
            elif p == cube.REF_PERIOD.value:
                obs["period"] = q.object.value
                obs["kind"] = q.object.datatype.value.removeprefix(XSD)
            elif p == mg + "ageGroup":
                obs["age"] = q.object.value.rsplit("age-group-", 1)[1]
            elif p.startswith(indicator_prefix):
                obs["measure"] = p.removeprefix(indicator_prefix)
                obs["value"] = float(q.object.value)
        elif graph == graph_prefix + "vocabulary" and q.subject.value.startswith(indicator_prefix):
            slug = q.subject.value.removeprefix(indicator_prefix)
            for name in ("aggregation", "aggregationWeight", "weightCount"):
                if p == mg + name:
                    rule_parts[slug][name] = q.object.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        elif graph == graph_prefix + "destatis-kreise-2023":
            if p == mg + "area":
                area_nodes[q.object.value] = q.subject.value.removeprefix(kreis_prefix)
            elif p == mg + "value" and "#area-" in q.subject.value:
                area_values[q.subject.value] = float(q.object.value)
    for obs in observations.values():
        key = (str(obs["measure"]), str(obs["area"]), str(obs["period"])[:4], str(obs.get("age", TOTAL)))
        inputs.values[key] = float(obs["value"])  # type: ignore[arg-type]
        inputs.dataset_of[key[0]] = str(obs["dataset"])
        inputs.period_kind[key[0]] = str(obs["kind"])
    for slug, parts in rule_parts.items():
        inputs.rules[slug] = (parts.get("aggregation", ""), parts.get("aggregationWeight", ""),
                              parts.get("weightCount", ""))
    inputs.area = {area_nodes[node]: value for node, value in area_values.items()
                   if node in area_nodes}
    return inputs


def member_sets(quads: Iterable[ox.Quad], base: str,
                years: Iterable[str]) -> dict[tuple[str, str], tuple[list[str], list[str]]]:
    """(region slug, year) → (members, assumed members): Kreis codes by the membership rule on
    31 December of the year."""
    mg, kreis_prefix = base + "ontology#", base + ns.OWN_PREFIXES["kreis"]
    region_prefix = base + ns.OWN_PREFIXES["region"]
    store = ox.Store()
    store.extend(q for q in quads if q.predicate.value.startswith((ORG, TIME))
                 or q.predicate.value in (DCT + "source", DCT + "issued", mg + "membershipStatus")
                 or (q.predicate == RDF_TYPE and q.object.value in (
                     *(mg + c for c in KREIS_CLASSES), mg + "MetropolitanRegion",
                     ORG + "Membership")))
    query = ns.sparql_prologue(base) + "SELECT * WHERE {\n" + memberships.CLAIM_PATTERN + """
      ?organisation a mg:MetropolitanRegion . FILTER (?role = role:member)
      { ?member a mg:RuralDistrict } UNION { ?member a mg:DistrictFreeCity } }"""
    rows: dict[str, dict[str, object]] = {}
    for row in store.query(query, use_default_graph_as_union=True):
        claim = rows.setdefault(row["m"].value, {
            "organisation": row["organisation"].value, "member": row["member"].value,
            "start": row["start"].value if row["start"] else None,
            "end": row["end"].value if row["end"] else None,
            "exit": row["exit"].value == "true", "sources": set()})
        claim["sources"].add((row["source"].value,  # type: ignore[union-attr]
                              row["sourceDate"].value if row["sourceDate"] else None))
    claims = [memberships.Claim(iri, c["organisation"], c["member"], "member", c["start"], c["end"],
                                c["exit"], tuple(sorted(c["sources"])))  # type: ignore[arg-type]
              for iri, c in sorted(rows.items())]
    sets: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    grouped = memberships.statements(claims)
    for year in sorted(set(years)):
        day = f"{year}-12-31"
        for statement in grouped:
            region = statement.organisation.removeprefix(region_prefix)
            members, assumed = sets.setdefault((region, year), ([], []))
            standing = statement.standing(day)
            code = statement.member.removeprefix(kreis_prefix)
            if standing in memberships.MEMBER_STANDINGS:
                members.append(code)
            elif standing == "undated":
                assumed.append(code)
    return sets


class Weights:
    """The weight of a Kreis in a year, by the rules in the module's doc (None: unknown)."""

    def __init__(self, inputs: Inputs) -> None:
        self.i = inputs
        self.used: dict[tuple[str, str, str, str], float] = {}

    def value(self, name: str, count: str, kreis: str, year: str) -> float | None:
        v = self.i.values.get
        if name == "PopulationWeight":
            counted = v(("bevoelkerung", kreis, year, TOTAL))
            density, area = v(("q-bev-fl", kreis, year, TOTAL)), self.i.area.get(kreis)
            result = counted if counted is not None else (
                density * area if density is not None and area is not None else None)
        elif name == "AreaWeight":
            result = self.i.area.get(kreis)
        elif name == "EmployedPersonsWeight":
            per_ew, per_et = v(("q-bip-ew", kreis, year, TOTAL)), v(("q-bip-et", kreis, year, TOTAL))
            people = self.value("PopulationWeight", "", kreis, year)
            result = per_ew * people / per_et if None not in (per_ew, per_et, people) and per_et else None
        elif name == "ValueAddedWeight":
            per_et = v(("q-bws-et", kreis, year, TOTAL))
            employed = self.value("EmployedPersonsWeight", "", kreis, year)
            result = per_et * employed if per_et is not None and employed is not None else None
        elif name == "LabourForceWeight":
            unemployed = v((count, kreis, year, TOTAL))
            rate = v((_rate_of(self.i, count), kreis, year, TOTAL))
            result = unemployed / (rate / 100) if unemployed is not None and rate else None
        else:
            raise ValueError(f"unknown weight {name}")
        if result is not None:
            self.used[(name, count, kreis, year)] = result
        return result


def _rate_of(inputs: Inputs, count: str) -> str:
    """The rate whose labour-force weight rests on ``count``."""
    return next(slug for slug, (_, weight, c) in inputs.rules.items()
                if weight == "LabourForceWeight" and c == count)


def compute(inputs: Inputs, sets: dict[tuple[str, str], tuple[list[str], list[str]]]
            ) -> tuple[dict[tuple[str, str, str, str], float], Weights]:
    """(region, indicator, year, age group) → the region's figure; and the weights used."""
    weights = Weights(inputs)
    keys = defaultdict(set)
    for measure, _kreis, year, age in inputs.values:
        keys[measure].add((year, age))
    figures: dict[tuple[str, str, str, str], float] = {}
    for measure, (aggregation, weight, count) in sorted(inputs.rules.items()):
        if aggregation not in ("Sum", "WeightedMean"):
            continue
        for year, age in sorted(keys.get(measure, ())):
            for (region, set_year), (members, assumed) in sorted(sets.items()):
                kreise = members + assumed
                if set_year != year or not kreise:
                    continue
                values = [inputs.values.get((measure, k, year, age)) for k in kreise]
                if any(x is None for x in values):
                    continue
                if aggregation == "Sum":
                    figures[(region, measure, year, age)] = sum(values)  # type: ignore[arg-type]
                    continue
                ws = [weights.value(weight, count, k, year) for k in kreise]
                if any(w is None for w in ws) or not sum(ws):  # type: ignore[arg-type]
                    continue
                figures[(region, measure, year, age)] = (
                    sum(x * w for x, w in zip(values, ws, strict=True))  # type: ignore[operator]
                    / sum(ws))  # type: ignore[arg-type]
    return figures, weights


def region_figures(quads: list[ox.Quad], base: str) -> list[ox.Quad]:
    """The quads of graph ``region-statistics``: the regions' figures, their member sets and the
    Kreise's weights."""
    inputs = read_inputs(quads, base)
    years = {year for _, _, year, _ in inputs.values}
    sets = member_sets(quads, base, years)
    figures, weights = compute(inputs, sets)
    return list(_quads(base, inputs, sets, figures, weights)) if figures else []


def _decimal(value: float) -> ox.Literal:
    return cube.decimal_literal(f"{value:.3f}")


def _quads(base: str, inputs: Inputs, sets, figures, weights: Weights) -> Iterator[ox.Quad]:
    g = ox.NamedNode(str(ns.graph_iri(base, GRAPH)))
    mg = base + "ontology#"

    def q(s: ox.NamedNode, p: str | ox.NamedNode, o: ox.Term) -> ox.Quad:
        return ox.Quad(s, p if isinstance(p, ox.NamedNode) else ox.NamedNode(p), o, g)

    def iri(curie: str) -> ox.NamedNode:
        prefix, _, local = curie.partition(":")
        return ox.NamedNode(base + ns.OWN_PREFIXES[prefix] + local)

    used_sets = {(region, year) for region, _, year, _ in figures}
    for (region, year) in sorted(used_sets):
        members, assumed = sets[(region, year)]
        node = ox.NamedNode(f"{base}id/region/{region}#kreise-{year}")
        yield q(node, RDF_TYPE, ox.NamedNode(mg + "MemberSet"))
        yield q(node, LABEL, ox.Literal(f"Mitgliedskreise am 31.12.{year}", language="de"))
        yield q(node, LABEL, ox.Literal(f"Member districts on 31 Dec {year}", language="en"))
        yield q(node, mg + "onDay", ox.Literal(f"{year}-12-31", datatype=ox.NamedNode(XSD + "date")))
        yield q(node, mg + "setOf", iri("region:" + region))
        for code in members:
            yield q(node, mg + "includesArea", iri("kreis:" + code))
        for code in assumed:
            yield q(node, mg + "assumedArea", iri("kreis:" + code))
    figure_set = iri("statistics:" + FIGURES)
    for (region, measure, year, age), value in sorted(figures.items()):
        aggregation, weight, _count = inputs.rules[measure]
        local = ".".join([FIGURES, region, measure, year] + ([age] if age != TOTAL else []))
        node = iri("observation:" + local)
        prop = iri("indicator:" + measure)
        period = f"{year}-12-31" if inputs.period_kind[measure] == "date" else year
        kind = "date" if inputs.period_kind[measure] == "date" else "gYear"
        yield q(node, RDF_TYPE, ox.NamedNode(cube.QB + "Observation"))
        yield q(node, RDF_TYPE, ox.NamedNode(mg + "ComputedObservation"))
        yield q(node, cube.DATA_SET, figure_set)
        yield q(node, cube.REF_AREA, iri("region:" + region))
        yield q(node, cube.REF_PERIOD, ox.Literal(period, datatype=ox.NamedNode(XSD + kind)))
        yield q(node, cube.MEASURE_TYPE, prop)
        yield q(node, prop, _decimal(value))
        if age != TOTAL:
            yield q(node, mg + "ageGroup", iri("code:age-group-" + age))
        yield q(node, mg + "aggregation", ox.NamedNode(mg + aggregation))
        if weight:
            yield q(node, mg + "aggregationWeight", ox.NamedNode(mg + weight))
        yield q(node, mg + "memberSet", ox.NamedNode(f"{base}id/region/{region}#kreise-{year}"))
        yield q(node, PROV + "wasDerivedFrom", iri("statistics:" + inputs.dataset_of[measure]))
        if weight:
            yield q(node, PROV + "wasDerivedFrom", iri("statistics:" + WEIGHTS))
    weight_set = iri("statistics:" + WEIGHTS)
    for (name, count, kreis, year), value in sorted(weights.used.items()):
        slug = WEIGHT_MEASURES[name][0] + (f"-{count}" if count else "")
        node = iri(f"observation:{WEIGHTS}.{kreis}.{slug}.{year}")
        prop = iri("indicator:" + slug)
        yield q(node, RDF_TYPE, ox.NamedNode(cube.QB + "Observation"))
        yield q(node, RDF_TYPE, ox.NamedNode(mg + "ComputedObservation"))
        yield q(node, cube.DATA_SET, weight_set)
        yield q(node, cube.REF_AREA, iri("kreis:" + kreis))
        yield q(node, cube.REF_PERIOD, ox.Literal(year, datatype=ox.NamedNode(XSD + "gYear")))
        yield q(node, cube.MEASURE_TYPE, prop)
        yield q(node, prop, _decimal(value))
    yield from _weight_measures(base, q, iri, weights)
    yield from _datasets(base, q, iri, inputs, figures, weights)


def _weight_measures(base, q, iri, weights: Weights) -> Iterator[ox.Quad]:
    mg = base + "ontology#"
    rules = {
        "PopulationWeight": ("Bevölkerung am 31.12. laut Regionaldatenbank, wo sie vorliegt, sonst "
                             "Einwohnerdichte (INKAR, q_bev_fl) × Fläche (Destatis, 31.12.2023)",
                             "population on 31 Dec from the Regionaldatenbank where given, else "
                             "INKAR's density (q_bev_fl) × the Destatis area of 31 Dec 2023"),
        "EmployedPersonsWeight": ("BIP je Einwohner × Einwohner / BIP je Erwerbstätigen",
                                  "GDP per inhabitant × inhabitants / GDP per employed person"),
        "ValueAddedWeight": ("Bruttowertschöpfung je Erwerbstätigen × Erwerbstätige",
                             "gross value added per employed person × employed persons"),
        "AreaWeight": ("Fläche laut Destatis am 31.12.2023", "area per Destatis on 31 Dec 2023"),
        "LabourForceWeight": ("Arbeitslose / Arbeitslosenquote × 100",
                              "unemployed persons / unemployment rate × 100"),
    }
    for name, count in sorted({(n, c) for n, c, _, _ in weights.used}):
        slug, label_de, label_en, unit = WEIGHT_MEASURES[name]
        prop = iri("indicator:" + slug + (f"-{count}" if count else ""))
        suffix_de = f" zu {count}" if count else ""
        yield q(prop, RDF_TYPE, ox.NamedNode(cube.QB + "MeasureProperty"))
        yield q(prop, LABEL, ox.Literal(label_de + suffix_de, language="de"))
        yield q(prop, LABEL, ox.Literal(label_en + (f" for {count}" if count else ""), language="en"))
        yield q(prop, "http://www.w3.org/2004/02/skos/core#definition",
                ox.Literal(rules[name][0], language="de"))
        yield q(prop, "http://www.w3.org/2004/02/skos/core#definition",
                ox.Literal(rules[name][1], language="en"))
        yield q(prop, cube.UNIT_MEASURE, iri("unit:" + unit))
        yield q(prop, mg + "weightKind", ox.NamedNode(mg + name))


def _datasets(base, q, iri, inputs: Inputs, figures, weights: Weights) -> Iterator[ox.Quad]:
    measures = sorted({m for _, m, _, _ in figures})
    weight_props = sorted({WEIGHT_MEASURES[n][0] + (f"-{c}" if c else "") for n, c, _, _ in weights.used})
    for dataset, props, titles in (
            (FIGURES, measures, ("Kennzahlen der Metropolregionen, aus ihren Kreisen berechnet",
                                 "Figures of the metropolitan regions, computed from their districts")),
            (WEIGHTS, weight_props, ("Gewichte der Kreise für die Kennzahlen der Regionen",
                                     "Weights of the districts for the regions' figures"))):
        age = ox.NamedNode(base + "ontology#ageGroup") if dataset == FIGURES else None
        yield from cube.structure_quads(q, iri("statistics:" + dataset), titles,
                                        [iri("indicator:" + p) for p in props], age)
