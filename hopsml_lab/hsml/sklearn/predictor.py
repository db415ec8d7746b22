"""hsml's ``sklearn`` predictor class."""

from .._framework_predictor import FrameworkPredictor
from ..constants import MODEL, PREDICTOR


class Predictor(FrameworkPredictor):
    """Configuration for a predictor running a sklearn model."""

    _framework = MODEL.FRAMEWORK_SKLEARN
    _server = PREDICTOR.MODEL_SERVER_PYTHON
