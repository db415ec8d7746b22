"""Data validation: rules on any Spark or pandas DataFrame (or Arrow, DuckDB), evaluated
in one pass, with a JSON-able report.

>>> from hopsml_lab import validation
>>> rules = validation.Rules().not_null("age").between("age", 0, 120)
>>> report = validation.validate(df, rules)                       # doctest: +SKIP
>>> text = "age: not_null, between(0, 120); churned: balanced(0.2)"
>>> validation.validate(df, text)                                   # doctest: +SKIP
>>> validation.validate(df, validation.Rules.from_ge(suite_json))  # doctest: +SKIP

See docs/design/validation.md.
"""

from __future__ import annotations

from .drift import Profile
from .errors import BadRule, BadSource, BadSuite, RuleSyntaxError, UnsupportedExpectation
from .ge import SUPPORTED as SUPPORTED_EXPECTATIONS
from .ge import read_suite, to_suite
from .report import Report, RuleResult
from .rules import Rule, Rules
from .text import parse
from .validate import profile, validate

__all__ = [
    "SUPPORTED_EXPECTATIONS",
    "BadRule",
    "BadSource",
    "BadSuite",
    "Profile",
    "Report",
    "Rule",
    "RuleResult",
    "RuleSyntaxError",
    "Rules",
    "UnsupportedExpectation",
    "parse",
    "profile",
    "read_suite",
    "to_suite",
    "validate",
]
