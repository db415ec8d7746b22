"""The short text form of rules.

::

    age: not_null, between(0, 120); churned: balanced(0.2);
    country: in_set(SE, NO, DK, mostly=0.99); email: matches("^[^@]+@[^@]+$");
    row_count(1000); schema(age=int64, country=string, exact=false)

Clauses are separated by ``;``. A clause ``column: rule, rule, ...`` holds column rules
(a column name with other characters is quoted: ``"first name": not_null``); a clause
without ``column:`` holds table rules (``row_count``, ``schema``, ``columns``). A rule
is its name with arguments as the Python builder takes them (``Rules().between``):
numbers, quoted strings, bare words (strings, except ``true``, ``false`` and ``null``),
``[lists]`` and ``name=value``. ``schema(col=type, ...)`` names columns and types
(``ordered=`` and ``exact=`` with a boolean are its options); ``columns(a, b, c)``
names columns only.

A malformed rule is a ``RuleSyntaxError`` naming the token and its column offset.
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .builder import RuleBuilder
from .errors import BadRule, RuleSyntaxError
from .rule import Rule

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<number>[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?))
    |(?P<word>[A-Za-z_][A-Za-z0-9_.\-]*)
    |(?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    |(?P<punct>[()\[\]{},;:=])
    """,
    re.VERBOSE,
)

COLUMN_RULES = {
    "not_null": "not_null",
    "null": "null",
    "between": "between",
    "in_set": "in_set",
    "not_in_set": "not_in_set",
    "matches": "matches",
    "not_matches": "not_matches",
    "unique": "unique",
    "completeness": "completeness",
    "mean_between": "mean_between",
    "stddev_between": "stddev_between",
    "min_between": "min_between",
    "max_between": "max_between",
    "sum_between": "sum_between",
    "type": "column_type",
    "exists": "exists",
    "balanced": "balanced",
    "drift": "drift",
}
TABLE_RULES = {"row_count": "row_count", "schema": "schema", "columns": "schema"}
_VARARGS = {"in_set", "not_in_set"}
_WORDS = {"true": True, "false": False, "null": None, "none": None}


@dataclass
class _Token:
    kind: str  # number, word, string, punct, end
    text: str
    value: Any
    offset: int


def _tokens(text: str) -> list[_Token]:
    out = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise RuleSyntaxError(f"unexpected character {text[position]!r}", text, position)
        kind = match.lastgroup
        token = match.group()
        if kind == "number":
            value: Any = float(token) if re.search(r"[.eE]", token) else int(token)
            out.append(_Token("number", token, value, position))
        elif kind == "word":
            out.append(_Token("word", token, token, position))
        elif kind == "string":
            body = token[1:-1]
            value = re.sub(r"\\(.)", r"\1", body)
            out.append(_Token("string", token, value, position))
        elif kind == "punct":
            out.append(_Token("punct", token, token, position))
        position = match.end()
    out.append(_Token("end", "end of text", None, len(text)))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.i = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.i]

    def fail(self, message: str, token: _Token | None = None) -> RuleSyntaxError:
        token = token or self.token
        return RuleSyntaxError(message, self.text, token.offset)

    def take(self, text: str) -> _Token:
        token = self.token
        if token.kind != "punct" or token.text != text:
            raise self.fail(f"expected {text!r}, found {_shown(token)}")
        self.i += 1
        return token

    def at(self, text: str) -> bool:
        return self.token.kind == "punct" and self.token.text == text

    def rules(self) -> Iterator[Rule]:
        while self.token.kind != "end":
            if self.at(";"):
                self.i += 1
                continue
            yield from self.clause()
            if self.token.kind != "end":
                self.take(";")

    def clause(self) -> Iterator[Rule]:
        column = None
        following = self.tokens[self.i + 1]
        if self.token.kind in ("word", "string") and following.text == ":":
            column = self.token.value
            self.i += 2
        while True:
            yield self.call(column)
            if not self.at(","):
                break
            self.i += 1

    def call(self, column: str | None) -> Rule:
        name_token = self.token
        if name_token.kind != "word":
            raise self.fail(f"expected a rule name, found {_shown(name_token)}")
        name = name_token.text
        self.i += 1
        known = COLUMN_RULES if column is not None else TABLE_RULES
        if name not in known:
            other = TABLE_RULES if column is not None else COLUMN_RULES
            if name in other:
                where = (
                    f"a table rule: write it in a clause of its own (`{name}(...)`)"
                    if column is not None
                    else f"a column rule: write `column: {name}(...)`"
                )
                raise self.fail(f"{name!r} is {where}", name_token)
            guess = difflib.get_close_matches(name, list(known), n=1)
            hint = f"; did you mean {guess[0]!r}?" if guess else f" (rules: {', '.join(known)})"
            raise self.fail(f"unknown rule {name!r}{hint}", name_token)
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        if self.at("("):
            self.i += 1
            while not self.at(")"):
                if self.token.kind == "word" and self.tokens[self.i + 1].text == "=":
                    key = self.token.text
                    if key in kwargs:
                        raise self.fail(f"{key}= given twice")
                    self.i += 2
                    kwargs[key] = self.value()
                else:
                    if kwargs and name != "schema":
                        raise self.fail("a positional argument after name=value")
                    args.append(self.value())
                if not self.at(")"):
                    self.take(",")
            self.i += 1
        return self.build(name, name_token, column, args, kwargs)

    def value(self) -> Any:
        token = self.token
        if token.kind in ("number", "string"):
            self.i += 1
            return token.value
        if token.kind == "word":
            self.i += 1
            return _WORDS.get(token.text.lower(), token.text)
        if self.at("["):
            self.i += 1
            items = []
            while not self.at("]"):
                items.append(self.value())
                if not self.at("]"):
                    self.take(",")
            self.i += 1
            return items
        raise self.fail(f"expected a value, found {_shown(token)}")

    def build(
        self,
        name: str,
        token: _Token,
        column: str | None,
        args: list[Any],
        kwargs: dict[str, Any],
    ) -> Rule:
        builder = RuleBuilder()
        method = getattr(builder, (COLUMN_RULES if column is not None else TABLE_RULES)[name])
        if name in _VARARGS and not (len(args) == 1 and isinstance(args[0], list)):
            args = [args]
        if name == "drift" and args and isinstance(args[0], str):  # drift(psi, 0.2)
            kwargs.setdefault("method", args.pop(0))
        if name == "schema":
            options = {
                k: kwargs.pop(k) for k in ("ordered", "exact") if isinstance(kwargs.get(k), bool)
            }
            if args:
                raise self.fail(
                    "schema takes column=type pairs (see columns(...) for names)", token
                )
            args, kwargs = [kwargs], options
        elif name == "columns":
            args = [args[0] if len(args) == 1 and isinstance(args[0], list) else args]
        call_args = ([column] if column is not None else []) + args
        try:
            inspect.signature(method).bind(*call_args, **kwargs)
        except TypeError as error:
            signature = _signature(method, column is not None)
            raise self.fail(f"{name}: {error}; it takes {name}{signature}", token) from None
        try:
            method(*call_args, **kwargs)
        except BadRule as error:
            raise self.fail(str(error), token) from None
        rule = builder[0]
        rule.source = {
            "text": self.text[token.offset : self.token.offset].strip(),
            "offset": token.offset,
        }
        return rule


def _signature(method: Any, drop_column: bool) -> str:
    parameters = list(inspect.signature(method).parameters.values())
    if drop_column:
        parameters = parameters[1:]
    return "(" + ", ".join(str(p) for p in parameters) + ")"


def _shown(token: _Token) -> str:
    return token.text if token.kind == "end" else repr(token.text)


def parse(text: str) -> list[Rule]:
    """The rules of ``text``; a ``RuleSyntaxError`` naming the token and its offset
    when it does not parse."""
    if not isinstance(text, str):
        raise BadRule(f"rules text: give a string, not {type(text).__name__}")
    return list(_Parser(text).rules())
