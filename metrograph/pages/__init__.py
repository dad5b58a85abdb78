"""What the pages show, without a web framework: entity pages, their RDF and schema.org
descriptions, lists, search, and (:mod:`.planner`) the data of the planner's views."""
