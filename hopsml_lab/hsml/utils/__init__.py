"""hsml's ``utils`` package (``utils.schema``)."""
