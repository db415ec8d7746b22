"""Job parameters as Hopsworks users write them: a dict, or a string of ``-k v`` /
``--k v`` / ``--k=v`` / ``k=v`` words, or papermill's ``-p k v``.

>>> parse_args("--lr 0.01 -p epochs 3 name=churn --verbose")
{'lr': '0.01', 'epochs': '3', 'name': 'churn', 'verbose': 'true'}
>>> as_argv({"lr": "0.01"})
['--lr', '0.01']
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping

from ..errors import BadInput, clip

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _key(key: str, given: object) -> str:
    if not _KEY.fullmatch(key):
        raise BadInput(
            f"parameter name {clip(key)!r} in {clip(given)!r}: use a Python identifier "
            "(letters, digits, '_'), as the notebook's parameters cell names it"
        )
    return key


def parse_args(args: str | Mapping[str, object] | None) -> dict[str, str]:
    """The parameters in ``args`` as names to strings."""
    if args is None:
        return {}
    if isinstance(args, Mapping):
        return {_key(str(k), args): _text(v) for k, v in args.items()}
    if not isinstance(args, str):
        raise BadInput(f"args {clip(args)!r}: give a string like '--lr 0.01' or a dict")
    try:
        words = shlex.split(args)
    except ValueError as error:
        raise BadInput(f"args {clip(args)!r}: {error}") from None
    found: dict[str, str] = {}
    n = 0
    while n < len(words):
        word = words[n]
        if word in ("-p", "--parameters"):
            if n + 2 >= len(words):
                raise BadInput(f"args {clip(args)!r}: '{word}' takes a name and a value")
            found[_key(words[n + 1], args)] = words[n + 2]
            n += 3
        elif word.startswith("-") and len(word) > 1:
            key, has_value, value = word.lstrip("-").partition("=")
            if not has_value:
                following = words[n + 1] if n + 1 < len(words) else None
                if following is None or _is_flag(following):
                    value = "true"
                else:
                    value, n = following, n + 1
            found[_key(key, args)] = value
            n += 1
        elif "=" in word:
            key, _, value = word.partition("=")
            found[_key(key, args)] = value
            n += 1
        else:
            raise BadInput(
                f"args {clip(args)!r}: {clip(word)!r} has no name; write '--name value' "
                "or 'name=value'"
            )
    return found


def _is_flag(word: str) -> bool:
    """A word that starts the next parameter (a negative number is a value)."""
    if not word.startswith("-") or len(word) == 1:
        return False
    try:
        float(word)
    except ValueError:
        return True
    return False


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or isinstance(value, str | int | float):
        return "" if value is None else str(value)
    raise BadInput(f"parameter value {clip(value)!r}: give a string or a number")


def parse_pairs(pairs: list[str] | None) -> dict[str, str]:
    """``k=v`` words (the command line's ``--param``) as names to strings."""
    found: dict[str, str] = {}
    for pair in pairs or []:
        key, has_value, value = pair.partition("=")
        if not has_value:
            raise BadInput(f"--param {clip(pair)!r}: write name=value, e.g. --param lr=0.01")
        found[_key(key, pair)] = value
    return found


def as_argv(params: Mapping[str, str]) -> list[str]:
    """``--k v`` words for a script's command line."""
    return [word for key, value in params.items() for word in (f"--{key}", value)]


def as_text(params: Mapping[str, str]) -> str:
    """The parameters as one Hopsworks-style args string."""
    return shlex.join(as_argv(params))
