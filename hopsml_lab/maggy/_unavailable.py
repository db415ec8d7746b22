"""The error maggy's names raise where HopsML Lab has no counterpart yet.

Notebooks that import them still import; only using them raises, with a message naming
what to use instead today.
"""

from __future__ import annotations

from ..errors import HopsMLError


class NotInHopsMLLab(HopsMLError, NotImplementedError):
    """A maggy feature HopsML Lab does not have yet; the message says what to use."""


def not_yet(what: str, instead: str) -> NotInHopsMLLab:
    """``maggy's <what> is not available in HopsML Lab yet: <instead>``."""
    return NotInHopsMLLab(f"maggy's {what} is not available in HopsML Lab yet: {instead}")
