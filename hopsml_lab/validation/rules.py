"""The rules: what each one checks, built in Python, from text or from a Great
Expectations suite, all into the same ``Rule`` records.

>>> rules = Rules().not_null("age").between("age", 0, 120).balanced("churned", 0.2)
>>> [r.describe() for r in rules]
['not_null(age)', 'between(age, 0, 120)', 'balanced(churned, 0.2)']

A rule is plain data (``to_dict`` / ``from_dict``, JSON-able), so a set of rules can be
stored, sent and read back; nothing in it holds a DataFrame (a drift rule's reference
data is given when validating).

Semantics (those of Great Expectations where it has the rule): the row rules (not_null,
null, between, in_set, not_in_set, matches, not_matches, unique) count failing rows;
all but not_null and null ignore missing values, and ``mostly`` is the share of the
rows they consider (non-missing ones) that must pass. A rule over no rows passes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .builder import RuleBuilder
from .ge import read_suite
from .report import Report
from .rule import DEFAULT_DRIFT, DRIFT_METHODS, KINDS, ROW_KINDS, STATS, Rule
from .text import parse
from .validate import validate

__all__ = ["DEFAULT_DRIFT", "DRIFT_METHODS", "KINDS", "ROW_KINDS", "STATS", "Rule", "Rules"]


class Rules(RuleBuilder):
    """An ordered set of rules, built by chaining (each method adds one rule and returns
    the same ``Rules``), parsed from text (``Rules("age: not_null, between(0, 120)")``)
    or read from a Great Expectations suite (``Rules.from_ge(suite)``)."""

    def __init__(
        self,
        rules: str | Mapping[str, Any] | Iterable[Rule | Mapping[str, Any]] | None = None,
    ) -> None:
        if isinstance(rules, str):
            rules = parse(rules)
        elif isinstance(rules, Mapping):  # a Great Expectations suite
            rules = read_suite(rules)
        super().__init__(rules)

    # -- reading ----------------------------------------------------------------------

    @classmethod
    def from_text(cls, text: str) -> Rules:
        """Rules from the text form: ``"age: not_null, between(0, 120); churned:
        balanced(0.2); row_count(1000)"``."""
        return cls(text)

    @classmethod
    def from_ge(cls, suite: Any) -> Rules:
        """Rules from a Great Expectations suite: GE 1.x JSON (``name``, ``expectations:
        [{type, kwargs, meta}]``), the 0.18 form feature groups carry
        (``expectation_suite_name``, ``expectation_type``), as a dict, JSON text, a path
        or a GE suite object. An unsupported expectation is refused, naming it."""
        return cls(read_suite(suite))

    def validate(self, data: Any, **options: Any) -> Report:
        """``validation.validate(data, self, **options)``."""
        return validate(data, self, **options)
