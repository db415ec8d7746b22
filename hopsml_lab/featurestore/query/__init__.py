"""Queries over feature groups: one plan (``plan``) run by DuckDB in the kernel (``sql``,
``queries``) or by Spark (``spark_query``)."""
