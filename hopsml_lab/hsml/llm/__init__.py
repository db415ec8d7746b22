"""hsml's ``llm`` framework module (``mr.llm``)."""
