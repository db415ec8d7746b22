"""Domain errors map to HTTP codes by their base class, once."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from hopsml_lab.catalog import BadQueryError, UnknownExperimentError
from hopsml_lab.errors import BadInput, Conflict, Failed, HopsMLError, NotFound, Unavailable
from hopsml_lab.experiments.reproduce import NoSnapshotError
from hopsml_lab.experiments.run import ExperimentError
from hopsml_lab.processes import ProcessError
from hopsml_lab.server.base import status_for
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
