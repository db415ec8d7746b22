"""maggy's ``version`` module: ``__version__`` is HopsML Lab's own version here, not
maggy's, as these are HopsML Lab's implementations of maggy's names."""

from .. import __version__

__all__ = ["__version__"]
