"""Reading a release: lookups over the embedded store, point lookups, the label search index,
and the remote backend (a SPARQL 1.1 store behind the same interface, the query rewriting it
needs, and publishing a release to it)."""
