"""Transformation functions of feature views: bound, fitted on the train split and
applied at training, batch and online time (``engine``), their statistics (``stats``),
the built-ins as plain Python for single vectors (``fast``) and their error (``errors``).
The project's saved functions are hsfs objects: ``hsfs.core.transformation_registry``."""
