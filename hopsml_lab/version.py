"""Hopsworks' ``hops.version``: ``__version__`` is HopsML Lab's own version here, not
hops', as these modules are HopsML Lab's implementations of hops' names."""

from . import __version__

__all__ = ["__version__"]
