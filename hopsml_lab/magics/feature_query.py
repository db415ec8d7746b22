"""The small query language of ``%%featurestore query``, read into an hsfs ``Query``.

One clause a line; ``#`` starts a comment::

    transactions:1 [id, amount, city]      # a feature group (version 1 if left out),
                                           # the features to select (all if left out)
    join profiles:1 [age] on id            # Query.join; 'on a, b' or 'on cust = id'
    inner join cities on city prefix c_    # join type (left by default) and prefix
    where amount > 100 and city in ('oslo', 'rome')
    where c_size >= 2 or city like 'r%'    # where lines are ANDed
    as of 2024-01-01 12:00                 # Query.as_of

A comparison is ``feature OP value`` (OP one of ``> >= < <= = == != <>``), ``feature in
(v, ...)`` or ``feature like 'pattern'``; ``and`` binds before ``or``; parentheses group.
A feature is named as the group has it, as ``group.feature``, or with its join's prefix.
Values are numbers, quoted strings, ``true`` and ``false``.

Everything is done by the hsfs API (``select``, ``join``, ``filter``, ``as_of``); this
module only reads the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from IPython.core.error import UsageError

from ..errors import clip


class QuerySyntaxError(UsageError):
    """The query text cannot be read; the message names the line and what to write."""


_GROUP = r"(?P<name>[A-Za-z_][\w-]*)(?::(?P<version>\d+))?"
_FEATURES = r"(?:\s*\[(?P<features>[^\]]*)\])?"
HEAD = re.compile(rf"^{_GROUP}{_FEATURES}$")
JOIN = re.compile(
    rf"^(?:(?P<type>inner|left|right|full|outer|cross)\s+)?join\s+{_GROUP}{_FEATURES}"
    r"(?:\s+on\s+(?P<on>.+?))?(?:\s+prefix\s+(?P<prefix>\w+))?$",
    re.IGNORECASE,
)
WHERE = re.compile(r"^where\s+(?P<condition>.+)$", re.IGNORECASE)
AS_OF = re.compile(r"^as\s+of\s+(?P<time>.+)$", re.IGNORECASE)
SQL = re.compile(r"^\s*(select|with)\b", re.IGNORECASE)

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^']|'')*'|"(?:[^"]|"")*")
      | (?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.]))
      | (?P<op>==|!=|<>|>=|<=|=|<|>|\(|\)|,)
      | (?P<word>[A-Za-z_][\w.]*)
    )""",
    re.VERBOSE,
)
_OPERATORS = {
    ">": "__gt__",
    ">=": "__ge__",
    "<": "__lt__",
    "<=": "__le__",
    "=": "__eq__",
    "==": "__eq__",
    "!=": "__ne__",
    "<>": "__ne__",
}
EXAMPLE = "transactions:1 [amount, city] / join profiles:1 on id / where amount > 100"


def is_sql(text: str) -> bool:
    """Whether the body is SQL for ``fs.sql`` (it starts with SELECT or WITH)."""
    return bool(SQL.match(without_comments(text)))


def strip_comment(line: str) -> str:
    """The line up to a ``#`` that is not inside quotes, without surrounding spaces."""
    quote = ""
    for at, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#":
            return line[:at].strip()
    return line.strip()


def without_comments(text: str) -> str:
    """The text's lines without comments, blank lines left out."""
    lines = (strip_comment(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _names(text: str | None) -> list[str]:
    return [n.strip().strip("'\"") for n in (text or "").split(",") if n.strip()]


@dataclass
class _Source:
    """A feature group of the query, with the prefix its join gives its features."""

    group: Any
    prefix: str = ""


def build_query(fs: Any, text: str) -> Any:
    """The hsfs ``Query`` the text describes, built with the feature store ``fs``."""
    lines = [(n, strip_comment(line)) for n, line in enumerate(text.splitlines(), 1)]
    lines = [(n, line) for n, line in lines if line]
    if not lines:
        raise QuerySyntaxError(f"the cell holds no query: write e.g. {EXAMPLE}")
    number, head = lines[0]
    matched = HEAD.match(head)
    if not matched:
        raise QuerySyntaxError(
            f"line {number} {clip(head)!r}: start with a feature group, as "
            "'transactions:1' or 'transactions:1 [amount, city]'"
        )
    query = _select(fs, matched, number)
    sources = [_Source(query._left_feature_group)]
    conditions: list[Any] = []
    as_of: Any = None
    for number, line in lines[1:]:
        if joined := JOIN.match(line):
            sub = _select(fs, joined, number)
            on = joined["on"] or ""
            pairs = [p.split("=") for p in _names(on)]
            if on and all(len(p) == 2 and p[0].strip() and p[1].strip() for p in pairs):
                left_on = [p[0].strip() for p in pairs]
                right_on = [p[1].strip() for p in pairs]
                query.join(sub, left_on=left_on, right_on=right_on, **_join_options(joined))
            elif any("=" in p for p in _names(on)):
                raise QuerySyntaxError(
                    f"line {number} {clip(line)!r}: write 'on a, b' (the same names) or "
                    "'on left = right, ...' (every pair with '=')"
                )
            else:
                query.join(sub, on=_names(on) or None, **_join_options(joined))
            sources.append(_Source(sub._left_feature_group, joined["prefix"] or ""))
        elif where := WHERE.match(line):
            conditions.append(_Condition(where["condition"], sources, number).parse())
        elif timed := AS_OF.match(line):
            time = timed["time"].strip().strip("'\"")
            as_of = int(time) if time.isdigit() else time
        else:
            raise QuerySyntaxError(
                f"line {number} {clip(line)!r}: a line after the first is "
                "'[inner|left|right|full] join group:version [features] [on a, b] "
                "[prefix p_]', 'where <condition>' or 'as of <time>'"
            )
    for condition in conditions:
        query.filter(condition)
    if as_of is not None:  # every group, wherever the line stands
        query.as_of(as_of)
    return query


def _join_options(matched: re.Match[str]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if matched["type"]:
        options["join_type"] = matched["type"].lower()
    if matched["prefix"]:
        options["prefix"] = matched["prefix"]
    return options


def _select(fs: Any, matched: re.Match[str], number: int) -> Any:
    name, version = matched["name"], int(matched["version"] or 1)
    group = fs.get_feature_group(name, version=version)
    if group is None:
        known = ", ".join(f"{g.name}:{g.version}" for g in fs.get_feature_groups()) or "none yet"
        raise QuerySyntaxError(
            f"line {number}: no feature group {name}:{version} (the feature groups: {known})"
        )
    features = _names(matched["features"])
    return group.select(features) if features else group.select_all()


class _Condition:
    """``where`` text read by recursive descent into hsfs filters (``&``, ``|``)."""

    def __init__(self, text: str, sources: list[_Source], number: int) -> None:
        self.text, self.sources, self.number = text, sources, number
        self.tokens: list[tuple[str, str]] = []
        position = 0
        while position < len(text):
            found = _TOKEN.match(text, position)
            if not found or found.end() == position:
                if not text[position:].strip():
                    break
                self._fail(f"cannot read {clip(text[position:].strip(), 40)!r}")
            assert found is not None
            kind = found.lastgroup or ""
            self.tokens.append((kind, found[kind]))
            position = found.end()
        self.at = 0

    def _fail(self, why: str) -> None:
        raise QuerySyntaxError(
            f"line {self.number} 'where {clip(self.text)}': {why} (conditions look like "
            "amount > 100 and city in ('oslo', 'rome'))"
        )

    def _peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "")

    def _next(self) -> tuple[str, str]:
        token = self._peek()
        self.at += 1
        return token

    def _keyword(self, word: str) -> bool:
        kind, text = self._peek()
        if kind == "word" and text.lower() == word:
            self.at += 1
            return True
        return False

    def parse(self) -> Any:
        condition = self._or()
        if self._peek()[0] != "end":
            self._fail(f"unexpected {self._peek()[1]!r}")
        return condition

    def _or(self) -> Any:
        condition = self._and()
        while self._keyword("or"):
            condition = condition | self._and()
        return condition

    def _and(self) -> Any:
        condition = self._factor()
        while self._keyword("and"):
            condition = condition & self._factor()
        return condition

    def _factor(self) -> Any:
        if self._peek() == ("op", "("):
            self._next()
            condition = self._or()
            if self._next() != ("op", ")"):
                self._fail("a '(' is not closed")
            return condition
        kind, name = self._next()
        if kind != "word":
            self._fail(f"a feature name where {repr(name) if name else 'the end'} is")
        feature = self._feature(name)
        if self._keyword("in"):
            if self._next() != ("op", "("):
                self._fail(f"'{name} in' takes a list in parentheses: {name} in (1, 2)")
            values = [self._value()]
            while self._peek() == ("op", ","):
                self._next()
                values.append(self._value())
            if self._next() != ("op", ")"):
                self._fail("the list after 'in' is not closed with ')'")
            return feature.isin(values)
        if self._keyword("like"):
            pattern = self._value()
            if not isinstance(pattern, str):
                self._fail(f"'like' takes a quoted pattern, as {name} like 'r%'")
            return feature.like(pattern)
        kind, op = self._next()
        if kind != "op" or op not in _OPERATORS:
            self._fail(f"a comparison after {name!r}: one of > >= < <= = != in like")
        return getattr(feature, _OPERATORS[op])(self._value())

    def _value(self) -> Any:
        kind, text = self._next()
        if kind == "string":
            quote = text[0]
            return text[1:-1].replace(quote * 2, quote)
        if kind == "number":
            number = float(text)
            return int(number) if re.fullmatch(r"[-+]?\d+", text) else number
        if kind == "word" and text.lower() in ("true", "false"):
            return text.lower() == "true"
        where = repr(text) if text else "the end"
        self._fail(f"a value (a number, a 'quoted string', true or false) where {where} is")
        raise AssertionError("unreachable")

    def _feature(self, name: str) -> Any:
        lowered = name.lower()
        group_name, _, feature = lowered.rpartition(".")
        for source in self.sources:
            group = source.group
            if group_name and group_name not in (group.name, f"{group.name}_{group.version}"):
                continue
            candidates = [feature]
            if source.prefix and feature.startswith(source.prefix.lower()):
                candidates.append(feature[len(source.prefix) :])
            for candidate in candidates:
                found = group.get_feature(candidate) if candidate else None
                if found is not None:
                    return found
        known = [f"{s.prefix}{f.name}" for s in self.sources for f in s.group.features]
        self._fail(f"no feature {name!r} in the query's groups (their features: {known})")
        raise AssertionError("unreachable")
