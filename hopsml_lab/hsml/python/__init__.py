"""hsml's ``python`` framework module (``mr.python``)."""
