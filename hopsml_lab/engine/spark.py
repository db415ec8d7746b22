"""The SparkSession HopsML Lab runs trials on, created once per kernel."""

from __future__ import annotations

import atexit
import logging
import os
import sys
import threading
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from ..settings import Settings
from ..store import Store
from .backends import ClassicSlots, ConnectSlots, SlotBackend
from .environment import ShippedEnvironment
from .slots import SlotPool

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

log = logging.getLogger(__name__)

# nvidia-smi based; Spark runs it where executors (and standalone workers) start.
GPU_DISCOVERY_SCRIPT = Path(__file__).with_name("scripts") / "gpu_discovery.sh"


def with_gpu_discovery(conf: dict[str, str]) -> dict[str, str]:
    """Point executors that ask for GPUs at our discovery script, unless one is given."""
    key = "spark.executor.resource.gpu.discoveryScript"
    if conf.get("spark.executor.resource.gpu.amount") and key not in conf:
        return {**conf, key: str(GPU_DISCOVERY_SCRIPT)}
    return conf


class SparkEngine:
    """Owns one SparkSession built from the settings, made on first use.

    >>> engine = SparkEngine(Settings.from_env())
    >>> engine.session().sparkContext.master  # doctest: +SKIP
    'local[*]'
    """

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self._session: SparkSession | None = None
        self._slots: SlotPool | None = None
        self._lock = threading.Lock()
        self._shipping = ShippedEnvironment(settings.ship_environment, store)
        _engines.add(self)

    @property
    def slots(self) -> SlotPool:
        """The long-running trial slots on this session (made on first use)."""
        if self._shipping.changed():
            # A package installed in the notebook since: the next trials need it too.
            log.info("HopsML: the shipped environment changed; restarting Spark to ship it")
            self.stop()
        with self._lock:
            if self._slots is None:
                self._slots = SlotPool(
                    self.slot_backend(), idle_timeout=self.settings.slot_idle_timeout
                )
            return self._slots

    @property
    def is_connect(self) -> bool:
        """A remote cluster through Spark Connect: no SparkContext in the kernel."""
        return self.settings.spark_master.startswith("sc://")

    def slot_backend(self) -> SlotBackend:
        if self.is_connect:
            return ConnectSlots(self.session, self.settings.driver_host or "127.0.0.1")
        return ClassicSlots(lambda: self.session().sparkContext)

    def parallelism(self) -> int:
        """How many tasks Spark can run at once now."""
        return self.slot_backend().parallelism()

    def session(self) -> SparkSession:
        with self._lock:
            if self._session is None or self._stopped(self._session):
                self._session = self._connect() if self.is_connect else self._build()
            return self._session

    def _stopped(self, session: SparkSession) -> bool:
        if self.is_connect:
            return bool(getattr(session, "is_stopped", False))
        return session.sparkContext._jsc is None

    def _connect(self) -> SparkSession:
        from pyspark.sql import SparkSession

        return SparkSession.builder.remote(self.settings.spark_master).getOrCreate()

    def _build(self) -> SparkSession:
        from pyspark.sql import SparkSession

        # Executors must run the kernel's own interpreter, or they miss its packages.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        master = self.settings.spark_master
        local = master.startswith("local")
        if local:
            # Spark's UI and block manager bind to SPARK_LOCAL_IP (0.0.0.0 otherwise).
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = SparkSession.builder.master(master).appName(
            f"hopsml-lab:{self.settings.project_name}"
        )
        defaults = {
            "spark.ui.showConsoleProgress": "false",
            "spark.python.worker.reuse": "true",
            "spark.sql.execution.arrow.pyspark.enabled": "true",
        }
        if local:
            defaults["spark.driver.host"] = "127.0.0.1"
            defaults["spark.driver.bindAddress"] = "127.0.0.1"
        # Local executors run the kernel's interpreter; a cluster's get the shipped one.
        shipped = {} if local else self._shipping.conf()
        if shipped:  # PySpark takes the workers' interpreter from the environment
            os.environ["PYSPARK_PYTHON"] = shipped["spark.pyspark.python"]
        conf = {**defaults, **shipped, **self.settings.spark_conf}
        for key, value in with_gpu_discovery(conf).items():
            builder = builder.config(key, value)
        return builder.getOrCreate()

    def stop(self) -> None:
        with self._lock:
            pool, self._slots = self._slots, None
        if pool is not None:  # outside the lock: the pool asks for the session while stopping
            pool.shutdown()
        with self._lock:
            if self._session is not None:
                self._session.stop()
                self._session = None


# Every engine, stopped at interpreter exit (LIFO: this runs before the exit handlers of
# modules imported before this one, multiprocessing's among them).
_engines: weakref.WeakSet[SparkEngine] = weakref.WeakSet()


@atexit.register
def _stop_engines_at_exit() -> None:
    """Stop each engine's slots, then its Spark session, while the process still runs.

    Left alone, idle slots would find the driver gone when the interpreter exits, and
    Spark's executors would print their ``EOFError`` tracebacks: a script that ended
    normally must print nothing. Stopped here, each slot gets ``Stop`` and its Spark
    job ends like any other.
    """
    for engine in list(_engines):
        try:
            engine.stop()
        except Exception:  # the process is ending: nothing left to tell
            log.debug("HopsML: stopping Spark at exit failed", exc_info=True)
