"""hsml's ``sklearn`` framework module (``mr.sklearn``)."""
