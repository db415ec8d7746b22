"""hsml's ``version``: ``__version__`` is HopsML Lab's own version here (as ``hops.version``),
not hsml's, as these modules are HopsML Lab's implementations of hsml's names."""

from .. import __version__

__all__ = ["__version__"]
