"""hsml's ``tensorflow`` predictor class."""

from .._framework_predictor import FrameworkPredictor
from ..constants import MODEL, PREDICTOR


class Predictor(FrameworkPredictor):
    """Configuration for a predictor running a tensorflow model."""

    _framework = MODEL.FRAMEWORK_TENSORFLOW
    _server = PREDICTOR.MODEL_SERVER_TF_SERVING
    _script = "refused"
    _script_error = "Predictor scripts are not supported in deployments for Tensorflow models"
