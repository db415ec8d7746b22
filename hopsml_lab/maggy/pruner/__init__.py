"""maggy's pruners (``from maggy.pruner import Hyperband``): not in HopsML Lab yet.

Importing works; constructing one raises, naming ``optimizer='asha'`` instead.
"""

from . import abstractpruner, hyperband
from .abstractpruner import AbstractPruner
from .hyperband import Hyperband

__all__ = ["AbstractPruner", "Hyperband", "abstractpruner", "hyperband"]
