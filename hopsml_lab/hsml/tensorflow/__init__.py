"""hsml's ``tensorflow`` framework module (``mr.tensorflow``)."""
