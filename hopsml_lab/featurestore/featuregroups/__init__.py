"""Feature groups: Delta tables with commits in the catalog (``groups``), what goes in
(``ingest``, ``spark_insert``), the table format (``table``), statistics per commit
(``statistics``) and the online rows (``online``)."""
