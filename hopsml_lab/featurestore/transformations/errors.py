"""The error of transformation functions (hsfs' ``TransformationFunctionException``)."""

from __future__ import annotations

from ..errors import BadFeatureInput


class TransformationFunctionException(BadFeatureInput):
    """A transformation function cannot be defined, bound or applied as given; the message
    says what to change. A ``FeatureStoreException`` (and a ``ValueError``), so notebooks
    catching either keep working."""

    def __init__(
        self,
        message: str,
        missing_features: set[str] | None = None,
        transformation_function_name: str | None = None,
        transformation_type: str | None = None,
    ) -> None:
        super().__init__(message)
        self.missing_features = missing_features
        self.transformation_function_name = transformation_function_name
        self.transformation_type = transformation_type
