"""hsfs' query constructor: ``Query``, ``Join``, ``Filter`` and ``Logic``."""
