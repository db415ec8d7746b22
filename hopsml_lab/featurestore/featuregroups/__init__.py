"""Feature groups, bottom up: what a group is told and the names it stores (``spec``),
the table format (``table``), reading groups and their commits (``reader``), what goes
in (``sources``, ``spark_insert``, picked by ``ingest``), checks, validation on insert
(``expectations``), statistics per commit (``statistics``), the online rows
(``online``), and writing, on top of them all (``groups``)."""
