"""hsml's ``torch`` framework module (``mr.torch``)."""
