"""What hsml's ``<framework>/predictor.py`` classes share: a ``Predictor`` whose framework
and model server are fixed, and whose predictor script is required, refused or optional."""

from __future__ import annotations

from typing import Any, ClassVar

from .predictor import Predictor


class FrameworkPredictor(Predictor):
    """A predictor of one framework; subclasses set the class attributes."""

    _framework: ClassVar[str]
    _server: ClassVar[str]
    _script: ClassVar[str] = "optional"  # or "required", "refused"
    _script_error: ClassVar[str] = ""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["model_framework"] = self._framework
        kwargs["model_server"] = self._server
        script = kwargs.get("script_file")
        if self._script == "required" and script is None and not kwargs.get("default_predictor"):
            raise ValueError(self._script_error)
        if self._script == "refused" and script is not None:
            raise ValueError(self._script_error)
        super().__init__(**kwargs)
