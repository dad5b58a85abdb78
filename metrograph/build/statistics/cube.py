"""The statistics tables as W3C RDF Data Cube (``qb:``), one ``qb:DataSet`` per source table.

Each dataset ``statistics:<id>`` (graph ``<id>``) has a ``qb:DataStructureDefinition``
(``statistics:<id>#structure``) with the dimensions ``sdmx-dimension:refArea`` (the Kreis IRI),
``sdmx-dimension:refPeriod`` (an ``xsd:gYear``, or the ``xsd:date`` of a reference day) and
``qb:measureType`` (the indicator; one measure per observation), plus ``mg:ageGroup`` where the
table has it; the unit (``sdmx-attribute:unitMeasure``) is attached to each measure property.
An observation is ``observation:<dataset>.<area>.<indicator>.<period>[.<age group>]`` — its
dimensions are its name, so a second value for the same area, period and indicator is a second
value on the same node, which the build refuses (here, naming the line) and SHACL would too.

The indicators (``indicator:<code>``, ``qb:MeasureProperty``) carry the source's German name,
definition and algorithm in the source's graph; their English names, units and aggregation
rules are the project's (``data/tables/measure-rules.csv``, graph ``vocabulary``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal

import pyoxigraph as ox

from metrograph.build.converters import RDF_TYPE, Context, converter
from metrograph.build.inputs import Table
from metrograph.build.reference_tables import DCT, LABEL, SKOS, XSD, Terms
from metrograph.build.statistics import importer
from metrograph.model.labels import QB, RDF, RDFS, SDMX_ATTRIBUTE, SDMX_DIMENSION

DECIMAL = ox.NamedNode(XSD + "decimal")
REF_AREA, REF_PERIOD = (ox.NamedNode(SDMX_DIMENSION + n) for n in ("refArea", "refPeriod"))
MEASURE_TYPE, DATA_SET = ox.NamedNode(QB + "measureType"), ox.NamedNode(QB + "dataSet")
UNIT_MEASURE = ox.NamedNode(SDMX_ATTRIBUTE + "unitMeasure")
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")

#: The datasets: graph/source id → (German title, English title, has an age-group dimension)
DATASETS: dict[str, tuple[str, str, bool]] = {
    "inkar-2024": ("INKAR 2024: Indikatoren je Kreis", "INKAR 2024: indicators per district", False),
    "inkar-2021": ("INKAR 2021: Pendler und Erreichbarkeit je Kreis",
                   "INKAR 2021: commuting and accessibility per district", False),
    "regio-13211": ("Arbeitslose und Arbeitslosenquoten je Kreis (13211-02-05-4)",
                    "Unemployed persons and unemployment rates per district (13211-02-05-4)", False),
    "regio-12411": ("Bevölkerung nach Altersgruppen je Kreis (12411-02-03-4)",
                    "Population by age group per district (12411-02-03-4)", True),
    "regio-82411": ("Verfügbares Einkommen der privaten Haushalte je Kreis (82411-01-03-4)",
                    "Disposable income of private households per district (82411-01-03-4)", False),
    "inkar-2024-regions": ("INKAR 2024: Indikatoren je Metropolregion (Aggregate des BBSR)",
                           "INKAR 2024: indicators per metropolitan region (BBSR's aggregates)",
                           False),
}
#: Kreise the sources still list that GV 2024 no longer has: (label, class)
FORMER_KREISE = {"16056": ("Eisenach, Stadt (kreisfrei bis 30.06.2021)", "FormerDistrict")}


#: how a component of a structure is named: (German, English) by its part of the IRI
COMPONENT_NAMES = {"area": ("Dimension Gebiet", "dimension area"),
                   "period": ("Dimension Zeitraum", "dimension period"),
                   "measure-type": ("Dimension Kennzahl", "dimension measure"),
                   "age-group": ("Dimension Altersgruppe", "dimension age group"),
                   "unit": ("Attribut Einheit", "attribute unit")}


def component_labels(name: str) -> tuple[str, str]:
    """(German, English) label of the component ``name`` (``measure-q-bip-ew``: its code)."""
    if name.startswith("measure-") and name != "measure-type":
        code = name.removeprefix("measure-")
        return f"Kennzahl {code}", f"measure {code}"
    return COMPONENT_NAMES[name]


def decimal_literal(text: str) -> ox.Literal:
    """An xsd:decimal in its canonical form (``158.70`` → ``158.7``, ``5.0`` → ``5``), as the
    store keeps it: the dumps and the store then hold the same literal."""
    value = Decimal(text)
    lexical = "0" if value == 0 else format(value.normalize(), "f")
    return ox.Literal(lexical, datatype=DECIMAL)


def indicator_slug(code: str) -> str:
    """``q_bip_ew`` → ``q-bip-ew``; ``q_übern_bev`` → ``q-uebern-bev`` (the IRI's last part)."""
    return importer.slug(code)


def age_group_slug(label: str) -> str:
    """``3 bis unter 6 Jahre`` → ``3-6``, ``unter 3 Jahre`` → ``0-3``, ``75 Jahre und mehr`` →
    ``75-plus``, ``Insgesamt`` → ``total``."""
    numbers = re.findall(r"\d+", label)
    if label == "Insgesamt":
        return "total"
    if label.startswith("unter"):
        return f"0-{numbers[0]}"
    if "mehr" in label:
        return f"{numbers[0]}-plus"
    return f"{numbers[0]}-{numbers[1]}"


def age_group_english(label: str) -> str:
    slug = age_group_slug(label)
    if slug == "total":
        return "total"
    low, high = slug.split("-")
    return f"{low} years and over" if high == "plus" else f"{low} to under {high} years"


def _period(value: str, ctx: Context) -> ox.Literal:
    if re.fullmatch(r"\d{4}", value):
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "gYear"))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
    raise ctx.fail(f"period {value!r} is neither a year nor a day (YYYY-MM-DD)")


@converter("reference/statistics/measures")
def measures(table: Table, base: str) -> Iterator[ox.Quad]:
    """The indicators as ``qb:MeasureProperty`` in their dataset's graph, and the datasets
    with their structure."""
    by_dataset: dict[str, list[ox.NamedNode]] = {}
    for line, row in table.rows():
        ctx = Context(base, table, line)
        if row["dataset"] not in DATASETS:
            raise ctx.fail(f"unknown dataset {row['dataset']!r}; known: {sorted(DATASETS)}")
        t = Terms(table, base, row["dataset"])
        prop = ctx.iri("indicator:" + indicator_slug(row["measure"]))
        by_dataset.setdefault(row["dataset"], []).append(prop)
        yield ox.Quad(prop, RDF_TYPE, ox.NamedNode(QB + "MeasureProperty"), t.graph)
        yield ox.Quad(prop, RDF_TYPE, ox.NamedNode(RDF + "Property"), t.graph)
        yield t.label(prop, row["label"])
        yield t.q(prop, SKOS + "notation", ox.Literal(row["measure"]))
        yield t.q(prop, SKOS + "definition", ox.Literal(row["definition"], language="de"))
        if row["algorithm"]:
            yield t.q(prop, t.m("algorithm"), ox.Literal(row["algorithm"], language="de"))
        if row["basis"]:
            yield t.q(prop, t.m("statisticalBasis"), ox.Literal(row["basis"], language="de"))
        yield t.q(prop, RDFS + "range", DECIMAL)
    # the INKAR region aggregates use the INKAR 2024 indicators
    by_dataset["inkar-2024-regions"] = by_dataset.get("inkar-2024", [])
    for dataset, props in sorted(by_dataset.items()):
        yield from _dataset(Terms(table, base, dataset), dataset, props)


def _dataset(t: Terms, dataset: str, props: list[ox.NamedNode]) -> Iterator[ox.Quad]:
    title_de, title_en, has_age = DATASETS[dataset]
    return structure_quads(t.q, t.iri("statistics:" + dataset), (title_de, title_en), props,
                           t.m("ageGroup") if has_age else None)


Quad = Callable[[ox.NamedNode, ox.NamedNode | str, ox.NamedNode | ox.Literal], ox.Quad]


def structure_quads(q: Quad, node: ox.NamedNode, titles: tuple[str, str],
                    props: list[ox.NamedNode], age_group: ox.NamedNode | None) -> Iterator[ox.Quad]:
    """A ``qb:DataSet`` ``node`` with its German and English titles and its structure
    ``<node>#structure``: the dimensions (area, period, indicator, the age group where given),
    one measure per property in ``props``, the unit attached to the measures. ``q`` makes a
    quad in the dataset's graph."""
    title_de, title_en = titles
    structure = ox.NamedNode(node.value + "#structure")
    yield q(node, RDF_TYPE, ox.NamedNode(QB + "DataSet"))
    yield q(node, LABEL, ox.Literal(title_de, language="de"))
    yield q(node, LABEL, ox.Literal(title_en, language="en"))
    yield q(node, QB + "structure", structure)
    yield q(structure, RDF_TYPE, ox.NamedNode(QB + "DataStructureDefinition"))
    yield q(structure, LABEL, ox.Literal(f"Struktur: {title_de}", language="de"))
    yield q(structure, LABEL, ox.Literal(f"Structure: {title_en}", language="en"))
    components = [("area", "dimension", REF_AREA), ("period", "dimension", REF_PERIOD),
                  ("measure-type", "dimension", MEASURE_TYPE)]
    if age_group is not None:
        components.append(("age-group", "dimension", age_group))
    components += [(f"measure-{p.value.rsplit('/', 1)[1]}", "measure", p) for p in props]
    components.append(("unit", "attribute", UNIT_MEASURE))
    for order, (name, kind, prop) in enumerate(components, 1):
        spec = ox.NamedNode(f"{structure.value}-{name}")
        yield q(structure, QB + "component", spec)
        yield q(spec, RDF_TYPE, ox.NamedNode(QB + "ComponentSpecification"))
        yield q(spec, QB + kind, prop)
        label_de, label_en = component_labels(name)
        yield q(spec, LABEL, ox.Literal(label_de, language="de"))
        yield q(spec, LABEL, ox.Literal(label_en, language="en"))
        if kind == "dimension":
            yield q(spec, QB + "order", ox.Literal(str(order), datatype=ox.NamedNode(XSD + "integer")))
        if kind == "attribute":
            yield q(spec, QB + "componentAttachment", ox.NamedNode(QB + "MeasureProperty"))
            yield q(spec, QB + "componentRequired",
                    ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")))


def observations(table: Table, base: str, dataset: str) -> Iterator[ox.Quad]:
    """The rows of one observations table as ``qb:Observation``\\ s of ``dataset``."""
    t = Terms(table, base, dataset)
    node_of_set = t.iri("statistics:" + dataset)
    seen: dict[str, int] = {}
    age_groups: set[str] = set()
    areas: set[str] = set()
    for line, row in table.rows():
        ctx = Context(base, table, line)
        if not _NUMBER.match(row["value"]):
            raise ctx.fail(f"value {row['value']!r} is not a number")
        area = row["area"]
        code = area.partition(":")[2]
        prop = ctx.iri("indicator:" + indicator_slug(row["measure"]))
        key = [dataset, code, indicator_slug(row["measure"]), row["period"]]
        age = row.get("age_group")
        if age:
            key.append(age_group_slug(age))
        local = ".".join(key)
        if local in seen:
            raise ctx.fail(f"a second value for area, indicator and period of line {seen[local]}")
        seen[local] = line
        node = ctx.iri("observation:" + local)
        yield ox.Quad(node, RDF_TYPE, ox.NamedNode(QB + "Observation"), t.graph)
        yield t.q(node, DATA_SET, node_of_set)
        yield t.q(node, REF_AREA, ctx.iri(area))
        yield t.q(node, REF_PERIOD, _period(row["period"], ctx))
        yield t.q(node, MEASURE_TYPE, prop)
        yield t.q(node, prop, decimal_literal(row["value"]))
        if age:
            group = ctx.iri("code:age-group-" + age_group_slug(age))
            yield t.q(node, t.m("ageGroup"), group)
            age_groups.add(age)
        areas.add(code)
    for age in sorted(age_groups):
        group = t.iri("code:age-group-" + age_group_slug(age))
        yield ox.Quad(group, RDF_TYPE, ox.NamedNode(SKOS + "Concept"), t.graph)
        yield t.q(group, SKOS + "inScheme", t.iri("code:age-groups"))
        yield t.label(group, age)
        yield t.label(group, age_group_english(age), "en")
    if age_groups:
        scheme = t.iri("code:age-groups")
        yield ox.Quad(scheme, RDF_TYPE, ox.NamedNode(SKOS + "ConceptScheme"), t.graph)
        yield t.label(scheme, "Altersgruppen der Bevölkerungsstatistik")
        yield t.label(scheme, "Age groups of the population statistics", "en")
    for code in sorted(areas & set(FORMER_KREISE)):
        label, cls = FORMER_KREISE[code]
        kreis = t.iri("kreis:" + code)
        yield t.typed(kreis, cls)
        yield ox.Quad(kreis, LABEL, ox.Literal(label, language="de"), t.graph)
        yield t.q(kreis, DCT + "description", ox.Literal(
            "Von der Quelle noch geführt; im Gemeindeverzeichnis 2024 nicht mehr enthalten.",
            language="de"))


def _register(dataset: str) -> None:
    @converter(f"reference/statistics/observations-{dataset}")
    def convert(table: Table, base: str) -> Iterator[ox.Quad]:
        return observations(table, base, dataset)


for _dataset_id in ("inkar-2024", "inkar-2021", "regio-13211", "regio-12411", "regio-82411"):
    _register(_dataset_id)


@converter("reference/statistics/inkar-2024-regions")
def inkar_regions(table: Table, base: str) -> Iterator[ox.Quad]:
    """INKAR's own aggregates for the metropolitan regions (its delimitation, not ours)."""
    return observations(table, base, "inkar-2024-regions")
