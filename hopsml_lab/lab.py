"""The one object a process holds: settings, store, catalog and Spark, wired once."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from functools import cached_property
from typing import Generic, TypeVar

from .catalog import (
    Database,
    ExperimentQueries,
    ExperimentRecorder,
    FeatureGroupCatalog,
    FeatureViewCatalog,
    Liveness,
    ModelCatalog,
)
from .engine.runner import SparkTrialRunner
from .engine.spark import SparkEngine
from .settings import Settings
from .store import Store, open_store

T = TypeVar("T")


class Lab:
    """Everything the Python API needs, made from one Settings object.

    >>> lab = Lab(Settings.from_env())            # doctest: +SKIP
    >>> lab.queries.list_experiments(...)         # doctest: +SKIP
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def store(self) -> Store:
        return open_store(self.settings)

    @cached_property
    def db(self) -> Database:
        if not self.settings.is_remote_store:
            self.store  # noqa: B018 - the default SQLite file lives in the project folder
        return Database(self.settings.resolved_catalog_url())

    @cached_property
    def recorder(self) -> ExperimentRecorder:
        return ExperimentRecorder(self.db)

    @cached_property
    def liveness(self) -> Liveness:
        """This process's heartbeat for the experiments it runs; reaps those of the dead."""
        return Liveness(self.db, self.recorder)

    @cached_property
    def queries(self) -> ExperimentQueries:
        return ExperimentQueries(self.db, before_read=self.liveness.reap_if_due)

    @cached_property
    def models(self) -> ModelCatalog:
        return ModelCatalog(self.db)

    @cached_property
    def feature_groups(self) -> FeatureGroupCatalog:
        return FeatureGroupCatalog(self.db)

    @cached_property
    def feature_views(self) -> FeatureViewCatalog:
        return FeatureViewCatalog(self.db)

    @cached_property
    def project_id(self) -> int:
        return self.recorder.ensure_project(self.settings.project_name, self.store.url())

    @cached_property
    def spark(self) -> SparkEngine:
        return SparkEngine(self.settings, self.store)

    @cached_property
    def runner(self) -> SparkTrialRunner:
        return SparkTrialRunner(self.spark)


_lab: Lab | None = None
_lock = threading.Lock()


def get_lab() -> Lab:
    """The process's Lab, made from the environment on first use."""
    global _lab
    with _lock:
        if _lab is None:
            _lab = Lab(Settings.from_env())
        return _lab


def set_lab(lab: Lab | None) -> None:
    """Use another Lab from now on (a notebook switching projects, tests)."""
    global _lab
    with _lock:
        _lab = lab


class PerLab(Generic[T]):
    """One object per Lab (a service of the project), made on first use and dropped with
    its Lab."""

    def __init__(self) -> None:
        self._made: weakref.WeakKeyDictionary[Lab, T] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def here(self, make: Callable[[Lab], T]) -> T:
        """The object of this process's Lab (``get_lab()``), made by ``make(lab)`` the
        first time it is asked for."""
        lab = get_lab()
        with self._lock:
            made = self._made.get(lab)
            if made is None:
                made = self._made[lab] = make(lab)
            return made
