"""Official statistics per Kreis as RDF Data Cube, and the regions' figures computed from them.

* :mod:`.importer` writes ``data/tables/reference/statistics/`` from the reference compilation
  (BBSR INKAR, the Regionaldatenbank, the BBSR Raumtypen);
* :mod:`.cube` turns those tables into ``qb:DataSet``\\ s and ``qb:Observation``\\ s;
* :mod:`.aggregates` computes each metropolitan region's figure per indicator and year from its
  member Kreise, by the aggregation rule of the indicator (``data/tables/measure-rules.csv``).
"""
