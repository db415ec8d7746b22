"""hsml's ``tensorflow`` model class."""

from ..constants import MODEL
from ..model import Model as BaseModel


class Model(BaseModel):
    """Metadata object representing a TensorFlow model in the Model Registry."""

    _default_framework = MODEL.FRAMEWORK_TENSORFLOW
