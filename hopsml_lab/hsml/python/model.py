"""hsml's ``python`` model class."""

from ..constants import MODEL
from ..model import Model as BaseModel


class Model(BaseModel):
    """Metadata object representing a generic python model in the Model Registry."""

    _default_framework = MODEL.FRAMEWORK_PYTHON
