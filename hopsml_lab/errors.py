"""The few kinds of error every stage raises; each domain error derives from one.

The server maps these bases to HTTP codes once (``server/base.py``), so a new domain's
errors need no new table row. Each message says what to change.

>>> class UnknownModel(NotFound):
...     "No model with that name."
>>> isinstance(UnknownModel("no model 'churn'"), LookupError)
True
"""

from __future__ import annotations


class HopsMLError(Exception):
    """Base of every error HopsML Lab raises on purpose."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else type(self).__doc__ or type(self).__name__


class BadInput(HopsMLError, ValueError):
    """What was asked for cannot be done as given (HTTP 400)."""


class NotFound(HopsMLError, LookupError):
    """The thing named does not exist (HTTP 404)."""


class Conflict(HopsMLError):
    """The thing exists but is not in a state that allows this (HTTP 409)."""


class Unavailable(HopsMLError, RuntimeError):
    """A service it depends on (a child server, Spark, the store) did not answer (HTTP 503)."""


class Failed(HopsMLError, RuntimeError):
    """The work ran and failed; the message carries the reason (HTTP 500)."""
