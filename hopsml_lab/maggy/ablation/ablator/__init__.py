"""maggy's ablators (``AbstractAblator``, ``loco.LOCO``): not in HopsML Lab yet."""

from . import abstractablator
from .abstractablator import AbstractAblator

__all__ = ["AbstractAblator", "abstractablator"]
