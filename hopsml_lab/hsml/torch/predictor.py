"""hsml's ``torch`` predictor class."""

from .._framework_predictor import FrameworkPredictor
from ..constants import MODEL, PREDICTOR

# hsml 5.2.1 records a torch predictor's framework as PYTHON (served by the Python server).


class Predictor(FrameworkPredictor):
    """Configuration for a predictor running a torch model."""

    _framework = MODEL.FRAMEWORK_PYTHON
    _server = PREDICTOR.MODEL_SERVER_PYTHON
    _script = "required"
    _script_error = "Predictor scripts are required in deployments for Torch models"
