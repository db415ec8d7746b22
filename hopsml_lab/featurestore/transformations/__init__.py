"""Transformation functions of feature views: bound, fitted on the train split and
applied at training, batch and online time (``engine``), their statistics (``stats``),
the built-ins as plain Python for single vectors (``fast``), the project's saved
functions (``registry``) and their error (``errors``)."""
