"""Data validation: rules on any Spark or pandas DataFrame (or Arrow, DuckDB), evaluated
in one pass, with a JSON-able report.

>>> from hopsml_lab import validation
>>> rules = validation.Rules().not_null("age").between("age", 0, 120)
>>> report = validation.validate(df, rules)                       # doctest: +SKIP
>>> text = "age: not_null, between(0, 120); churned: balanced(0.2)"
>>> validation.validate(df, text)                                   # doctest: +SKIP
>>> validation.validate(df, validation.Rules.from_ge(suite_json))  # doctest: +SKIP
>>> report = validation.validate(df, rules, overview=True)          # doctest: +SKIP
>>> report.show()                        # rules table + figures      # doctest: +SKIP
>>> validation.figures(report)           # the same figures as JSON   # doctest: +SKIP
>>> validation.overview(df)              # facets-style column stats  # doctest: +SKIP
>>> validation.autoviz(spark_df)         # sparkmagic's widget        # doctest: +SKIP

See docs/design/validation.md.
"""

from __future__ import annotations

from .autoviz import autoviz
from .drift import Profile
from .errors import BadRule, BadSource, BadSuite, RuleSyntaxError, UnsupportedExpectation
from .figures import figures
from .ge import SUPPORTED as SUPPORTED_EXPECTATIONS
from .ge import read_suite, to_suite
from .overview import overview
from .report import Report, RuleResult
from .rule import Rule
from .rules import Rules
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
    "autoviz",
    "figures",
    "overview",
    "parse",
    "profile",
    "read_suite",
    "to_suite",
    "validate",
]
