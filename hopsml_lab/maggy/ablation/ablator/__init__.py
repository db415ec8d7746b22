"""maggy's ablators: ``AbstractAblator``; ``loco.LOCO`` (leave one component out)."""

from . import abstractablator
from .abstractablator import AbstractAblator

__all__ = ["AbstractAblator", "abstractablator"]
