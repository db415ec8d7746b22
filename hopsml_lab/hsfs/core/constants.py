"""hsfs' ``core.constants`` for data validation: whether Great Expectations can be
imported (``HAS_GREAT_EXPECTATIONS``, ``GE_MAJOR``, read from the package's metadata
without importing it) and hsfs' messages. Validation here never needs GE: only
``to_ge_type()`` (and ``ge_type=True`` results) hand out GE's own objects."""

from __future__ import annotations

import importlib.metadata
import importlib.util
from types import ModuleType

HAS_GREAT_EXPECTATIONS: bool = importlib.util.find_spec("great_expectations") is not None
GE_MAJOR: int | None = None
if HAS_GREAT_EXPECTATIONS:
    try:
        GE_MAJOR = int(importlib.metadata.version("great_expectations").split(".")[0])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        GE_MAJOR = None

great_expectations_not_installed_message = (
    "Great Expectations package not found. to_ge_type() and ge_type=True hand out "
    "great_expectations objects: install it (`pip install great-expectations`), or use "
    "ge_type=False / the hsfs objects (validation itself runs without it here)."
)
initialise_expectation_suite_for_single_expectation_api_message = (
    "Initialize Expectation Suite by attaching to a Feature Group to enable single expectation API"
)


def great_expectations() -> ModuleType:
    """The ``great_expectations`` module; ``ModuleNotFoundError`` saying what to do
    when it is not installed."""
    if not HAS_GREAT_EXPECTATIONS:
        raise ModuleNotFoundError(great_expectations_not_installed_message)
    import great_expectations as ge

    return ge


def ge_expectation_configuration() -> type:
    """GE's ``ExpectationConfiguration`` class (its 1.x or 0.18 home)."""
    ge = great_expectations()
    if GE_MAJOR == 1:
        from great_expectations.expectations.expectation_configuration import (
            ExpectationConfiguration,
        )

        return ExpectationConfiguration
    return ge.core.ExpectationConfiguration
