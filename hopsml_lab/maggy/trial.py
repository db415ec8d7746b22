"""maggy's ``Trial``: one hyperparameter configuration, its status and metric history.

HopsML Lab's search records trials in its catalog; this class is kept for notebooks and
helpers that build or read maggy ``Trial`` objects (e.g. for ``earlystop_check``).
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any


def _plain(value: Any) -> Any:
    """JSON for numpy numbers and arrays."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class Trial:
    PENDING = "PENDING"
    SCHEDULED = "SCHEDULED"
    RUNNING = "RUNNING"
    ERROR = "ERROR"
    FINALIZED = "FINALIZED"

    def __init__(
        self,
        params: dict[str, Any],
        trial_type: str = "optimization",
        info_dict: dict[str, Any] | None = None,
    ) -> None:
        self.trial_type = trial_type
        if trial_type == "ablation":
            keys = ("ablated_feature", "ablated_layer")
            self.trial_id = Trial._generate_id({k: params.get(k) for k in keys})
        else:
            self.trial_id = Trial._generate_id(params)
        self.params = params
        self.status = Trial.PENDING
        self.early_stop = False
        self.final_metric: float | None = None
        self.metric_history: list[float] = []
        self.step_history: list[int] = []
        self.metric_dict: dict[int, float] = {}
        self.start: float | None = None
        self.duration: float | None = None
        self.lock = threading.RLock()
        self.info_dict = info_dict or {}

    @staticmethod
    def _generate_id(params: dict[str, Any]) -> str:
        """A 16-character md5 of the parameters, stable across processes."""
        if not isinstance(params, dict):
            raise ValueError("Hyperparameters need to be a dictionary.")
        if not all(isinstance(k, str) for k in params):
            raise ValueError("All hyperparameter names have to be strings.")
        text = json.dumps(params, sort_keys=True, default=_plain)
        return hashlib.md5(text.encode("utf-8")).hexdigest()[:16]

    def get_early_stop(self) -> bool:
        with self.lock:
            return self.early_stop

    def set_early_stop(self) -> None:
        with self.lock:
            self.early_stop = True

    def append_metric(self, metric_data: dict[str, Any]) -> int | None:
        """Add ``{"step", "value"}`` once per step; the step when it was new, else None."""
        with self.lock:
            step, value = metric_data["step"], metric_data["value"]
            if step in self.metric_dict or value is None:
                return None
            self.metric_dict[step] = value
            self.metric_history.append(value)
            self.step_history.append(step)
            return step  # type: ignore[no-any-return]

    def to_dict(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items() if k not in ("lock", "start")}
        return {"__class__": type(self).__name__, **state}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), default=_plain)

    @classmethod
    def from_json(cls, json_str: str) -> Trial:
        data = json.loads(json_str)
        if data.get("__class__") != "Trial" or data.get("params") is None:
            raise ValueError("json_str is not a Trial object.")
        trial = cls(data["params"])
        for key in ("trial_id", "status", "final_metric", "metric_history", "duration"):
            setattr(trial, key, data[key])
        trial.early_stop = data.get("early_stop", False)
        return trial
