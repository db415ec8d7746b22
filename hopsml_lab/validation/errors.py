"""Validation's errors: each names what to fix (the rule, the expectation and its field,
or the token and where it is)."""

from __future__ import annotations

from ..errors import BadInput


class BadRule(BadInput):
    """A rule cannot be built as given (a wrong argument, a bound of the wrong type)."""


class RuleSyntaxError(BadRule):
    """The text form of the rules does not parse; the message names the token and its
    column offset."""

    def __init__(self, message: str, text: str, offset: int) -> None:
        line = text.replace("\n", " ")
        start = max(0, offset - 60)
        shown = line[start : offset + 60]
        caret = " " * (offset - start) + "^"
        super().__init__(f"{message} (at column {offset})\n  {shown}\n  {caret}")
        self.text = text
        self.offset = offset


class BadSuite(BadRule):
    """A Great Expectations suite is malformed: the message names the expectation and the
    field."""


class UnsupportedExpectation(BadSuite):
    """A Great Expectations suite asks for an expectation this engine does not evaluate;
    nothing ran."""


class BadSource(BadInput):
    """What was given to validate is not a DataFrame this engine reads."""
