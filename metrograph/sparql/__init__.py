"""SPARQL: the protocol and its safety rules (:mod:`.protocol`, :mod:`.lexer`, :mod:`.parse_check`),
the result formats and content negotiation, the engine with its query processes, and the
documented query catalogue."""
