"""The few kinds of error every stage raises; each domain error derives from one.

The server maps these bases to HTTP codes once (``server/base.py``), so a new domain's
errors need no new table row. Each message says what to change, and quotes what it was
given only up to a sensible length (``clip``; the server clips every message it answers
or logs with ``clip_message`` in any case).

>>> class UnknownModel(NotFound):
...     "No model with that name."
>>> isinstance(UnknownModel("no model 'churn'"), LookupError)
True
"""

from __future__ import annotations

import re

QUOTE_LIMIT = 200
"""Characters of one piece of input (an id, a path, a value) a message quotes."""

MESSAGE_LIMIT = 1000
"""Characters of a whole message (an HTTP answer, a log line about a request)."""


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


def clip(text: object, limit: int = QUOTE_LIMIT) -> str:
    """``text`` as a message may quote it: its first ``limit`` characters, then how long
    it was.

    >>> clip("a" * 5_000_000, 3)
    'aaa… (5,000,000 characters)'
    >>> clip("50%-off")
    '50%-off'
    """
    text = str(text)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def not_in_project(kind: str, name: object, project: str, known: list[str], first: str) -> str:
    """The message for a ``kind`` the project lacks: the project's ``kind`` names, or
    with none, what to do ``first``.

    >>> not_in_project("job", "trian", "demo", ["train"], "create one first")
    "no job 'trian' in project demo; its jobs are ['train']"
    >>> not_in_project("job", "train", "demo", [], "create one first")
    "no job 'train' in project demo; create one first"
    """
    missing = f"no {kind} {clip(name)!r} in project {project}"
    return f"{missing}; its {kind}s are {known}" if known else f"{missing}; {first}"


# A run of characters that is no space, no quote and no separator: an id, a path, a key.
# ("…" ends a run, so that clipping a clipped message changes nothing.)
_LONG_WORD = re.compile(rf"[^\s'\",:;…]{{{QUOTE_LIMIT + 1},}}")


def clip_message(message: str) -> str:
    """A message fit to answer and to log, whatever input it quotes: every run of more
    than QUOTE_LIMIT characters without a space, quote or separator (an id, a path, a
    key) clipped, and the whole at most MESSAGE_LIMIT characters. Clipping twice is
    clipping once.

    >>> clip_message("no experiment '" + "f" * 60_000 + "': start one")[-35:]
    "ff… (60,000 characters)': start one"
    >>> len(clip_message("a " * 1_000_000))
    1000
    """
    message = _LONG_WORD.sub(lambda word: clip(word.group()), message)
    if len(message) <= MESSAGE_LIMIT:
        return message
    suffix = f"… ({len(message):,} characters)"
    return message[: MESSAGE_LIMIT - len(suffix)] + suffix
