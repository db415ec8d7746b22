"""Domain errors map to HTTP codes by their base class, once; messages quote input only
up to a sensible length."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from hopsml_lab.catalog import BadQueryError, UnknownExperimentError
from hopsml_lab.errors import (
    MESSAGE_LIMIT,
    BadInput,
    Conflict,
    Failed,
    HopsMLError,
    NotFound,
    Unavailable,
    clip,
    clip_message,
)
from hopsml_lab.experiments.reproduce import NoSnapshotError
from hopsml_lab.experiments.run import ExperimentError
from hopsml_lab.processes import ProcessError
from hopsml_lab.server.base import error_message, http_error, status_for
from hopsml_lab.settings import SettingsError
from hopsml_lab.store import StoreNotFoundError, StorePathError


class UnknownFeatureGroup(UnknownExperimentError):
    """A subclass of a mapped error, as a new domain would write it: no table row."""


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (UnknownExperimentError("no experiment 'x'"), 404),
        (UnknownFeatureGroup("no feature group 'customers'"), 404),
        (BadQueryError("limit=0"), 400),
        (ExperimentError("no trials"), 400),
        (SettingsError("HOPSML_SPARK_MASTER=x"), 400),
        (NoSnapshotError("no notebook"), 409),
        (ProcessError("TensorBoard exited"), 503),
        (StoreNotFoundError("Models/x"), 404),
        (StorePathError("../x"), 400),
        (Failed("training diverged"), 500),
    ],
)
def test_a_domain_error_maps_by_its_base(error: Exception, code: int) -> None:
    assert status_for(error) == code
    assert isinstance(error, HopsMLError)


def test_a_validation_error_is_bad_input_and_a_bug_is_not_mapped() -> None:
    class Body(BaseModel):
        n: int

    with pytest.raises(ValidationError) as caught:
        Body.model_validate({"n": "x"})
    assert status_for(caught.value) == 400
    assert status_for(KeyError("bug")) is None  # a 500 with the traceback, as a bug should be


def test_the_bases_stay_what_python_code_catches() -> None:
    assert issubclass(BadInput, ValueError) and issubclass(NotFound, LookupError)
    assert issubclass(Unavailable, RuntimeError) and not issubclass(Conflict, ValueError)
    assert issubclass(StoreNotFoundError, FileNotFoundError)


def test_a_message_quotes_a_long_input_clipped_once() -> None:
    message = error_message(UnknownExperimentError(f"no experiment {'f' * 5_000_000!r}: look"))
    assert message == f"no experiment '{'f' * 200}… (5,000,000 characters)': look"
    assert clip_message(message) == message  # clipping twice is clipping once
    assert clip("short") == "short" and clip("x" * 201).endswith("x… (201 characters)")
    spaced = clip_message("a " * 1_000_000)  # no long word, a long message
    assert len(spaced) == MESSAGE_LIMIT and spaced.endswith("… (2,000,000 characters)")


def test_a_percent_stays_one_percent_in_the_answer_and_the_log() -> None:
    error = http_error(404, "no experiment '50%-off'")
    assert error.get_message() == "no experiment '50%-off'"
    assert str(error) == "HTTP 404: Not Found (no experiment '50%-off')"


def test_many_validation_problems_are_counted_not_listed() -> None:
    class Body(BaseModel):
        n: list[int]

    with pytest.raises(ValidationError) as caught:
        Body.model_validate({"n": ["x"] * 50})
    message = error_message(caught.value)
    assert message.startswith("n.0: Input should be a valid integer")
    assert message.count(";") == 4 and message.endswith("(and 45 more problems)")
