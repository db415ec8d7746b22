"""hsml's ``python`` predictor class."""

from .._framework_predictor import FrameworkPredictor
from ..constants import MODEL, PREDICTOR


class Predictor(FrameworkPredictor):
    """Configuration for a predictor running a python model."""

    _framework = MODEL.FRAMEWORK_PYTHON
    _server = PREDICTOR.MODEL_SERVER_PYTHON
    _script = "required"
    _script_error = "Predictor scripts are required in deployments for custom Python models"
