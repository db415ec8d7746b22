"""maggy's ``Reporter``: what a trial reports its metric through.

A training function with a ``reporter`` argument gets HopsML Lab's reporter, which has
maggy's ``broadcast(metric, step=None)`` and ``log(message)``; it is not built by hand.
"""

from ...engine.reporter import Reporter

__all__ = ["Reporter"]
