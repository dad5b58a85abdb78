"""The build: the project's inputs (ontology/, data/, shapes/, queries/) become a release.

:mod:`.pipeline` runs the steps; :mod:`.inputs` is the only reader of the inputs; the tables are
turned into RDF by :mod:`.rdfize` with :mod:`.curated_tables` and :mod:`.reference_tables`;
:mod:`.shacl_gate` validates; :mod:`.search_index`, :mod:`.dumps` and :mod:`.self_description`
write what a release carries besides its store. :mod:`.reference_import` makes the reference
tables from the shared compilation.
"""
