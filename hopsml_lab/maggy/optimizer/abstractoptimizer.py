"""maggy's ``AbstractOptimizer``: the base of maggy's optimizers.

Here maggy's own optimizers are descriptions that ``lagom`` turns into HopsML Lab's
asynchronous searches; a notebook's own subclass (or a ``pruner``) raises, naming what to
use instead.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from .._unavailable import not_yet

_OURS = __name__.rsplit(".", 2)[0] + "."  # "hopsml_lab.maggy."


class AbstractOptimizer(ABC):
    def __init__(self, pruner: Any = None, pruner_kwargs: dict[str, Any] | None = None) -> None:
        if not type(self).__module__.startswith(_OURS):
            raise not_yet(
                "custom optimizer (an AbstractOptimizer subclass)",
                "use optimizer='randomsearch', 'gridsearch' or 'asha', or pass an object "
                "with initial(slots) and on_result(params, metric) methods as the optimizer",
            )
        if pruner is not None:
            raise not_yet("Hyperband pruner", "use optimizer='asha' (successive halving)")
        self.pruner = None
        self.pruner_kwargs = pruner_kwargs

    @abstractmethod
    def initialize(self) -> None: ...

    @abstractmethod
    def get_suggestion(self, trial: Any = None) -> Any: ...

    @abstractmethod
    def finalize_experiment(self, trials: Any) -> None: ...

    def name(self) -> str:
        return type(self).__name__


class DrivenByLagom(AbstractOptimizer):
    """maggy's optimizers here: ``lagom`` asks :meth:`proposals` for HopsML Lab's
    optimizer, which proposes trials as slots free up; maggy's driver calls are refused."""

    def proposals(self, config: Any) -> Any:
        """HopsML Lab's optimizer (``initial``/``on_result``) for the configuration."""
        raise NotImplementedError

    def _driven(self) -> NotImplementedError:
        return NotImplementedError(
            f"{self.name()} is run by experiment.lagom: pass it as "
            "HyperparameterOptConfig(optimizer=...) rather than calling it"
        )

    def initialize(self) -> None:
        raise self._driven()

    def get_suggestion(self, trial: Any = None) -> Any:
        raise self._driven()

    def finalize_experiment(self, trials: Any) -> None:
        raise self._driven()
