"""How trial slots reach Spark: a classic SparkContext in the kernel, or a remote
cluster through Spark Connect (``sc://``), where the kernel holds only a thin client."""

from __future__ import annotations

import os
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from typing import Any

from .resources import task_resource_profile

SlotTask = Callable[[], Iterator[int]]
SlotEnd = Callable[[str, bool], None]  # (reason, failed)


class SlotBackend(ABC):
    """Starts and cancels the one-task Spark jobs that slots are."""

    @abstractmethod
    def parallelism(self) -> int:
        """How many tasks Spark can run at once now."""

    @abstractmethod
    def driver_host(self) -> str:
        """The kernel's address as executors reach it."""

    @abstractmethod
    def start(self, group: str, label: str, gpus: int, task: SlotTask, on_end: SlotEnd) -> None:
        """Run ``task`` as a one-task job tagged ``group`` in the background; call
        ``on_end`` when the job ends."""

    @abstractmethod
    def cancel(self, group: str) -> None: ...

    def kill_timeout(self) -> float:
        """Seconds Spark waits before it kills a cancelled task's Python worker."""
        return 2.0

    def others_running(self, groups: list[str]) -> bool:
        """Whether Spark runs a job that is not one of these slots."""
        return False


class ClassicSlots(SlotBackend):
    """Slots on the kernel's own SparkContext (local, standalone, YARN, Kubernetes)."""

    def __init__(self, context: Callable[[], Any]) -> None:
        self._context = context

    def parallelism(self) -> int:
        return int(self._context().defaultParallelism)

    def driver_host(self) -> str:
        return str(self._context().getConf().get("spark.driver.host", "127.0.0.1"))

    def start(self, group: str, label: str, gpus: int, task: SlotTask, on_end: SlotEnd) -> None:
        from pyspark import InheritableThread

        context = self._context()

        def run_job() -> None:
            reason, failed = "the slot's Spark job finished", False
            try:
                context.setJobGroup(group, label, True)
                rdd = context.parallelize([0], 1)
                if gpus:
                    rdd = rdd.withResources(task_resource_profile(gpus))
                rdd.mapPartitions(lambda _: task()).collect()
            except Exception as failure:  # the task died: killed worker, cancelled job
                reason, failed = spark_reason(failure), True
            finally:
                on_end(reason, failed)

        InheritableThread(target=run_job, name=f"hopsml-{group}", daemon=True).start()

    def cancel(self, group: str) -> None:
        self._context().cancelJobGroup(group)

    def kill_timeout(self) -> float:
        conf = self._context().getConf()
        return spark_seconds(conf.get("spark.python.task.killTimeout", "2s"))

    def others_running(self, groups: list[str]) -> bool:
        try:
            tracker = self._context().statusTracker()
            ours = {job for group in groups for job in tracker.getJobIdsForGroup(group)}
            return bool(set(tracker.getActiveJobsIds()) - ours)
        except Exception:  # Spark is stopping
            return True


class ConnectSlots(SlotBackend):
    """Slots on a remote cluster through Spark Connect: each slot is a one-partition
    ``mapInArrow`` query, tagged so that it can be interrupted. The cluster's Python
    workers must have hopsml_lab, and its executors must reach the kernel at
    ``driver_host`` (HOPSML_DRIVER_HOST)."""

    def __init__(self, session: Callable[[], Any], host: str) -> None:
        self._session = session
        self._host = host

    def parallelism(self) -> int:
        conf = self._session().conf
        explicit = conf.get("spark.default.parallelism", None)
        if explicit:
            return int(explicit)
        cores = re.fullmatch(r"local\[(\d+|\*)\]", conf.get("spark.master", None) or "")
        if cores:
            return os.cpu_count() or 2 if cores.group(1) == "*" else int(cores.group(1))
        executors = conf.get("spark.executor.instances", None)
        per_executor = conf.get("spark.executor.cores", None)
        if executors and per_executor:
            return int(executors) * int(per_executor)
        return 2

    def driver_host(self) -> str:
        return self._host

    def start(self, group: str, label: str, gpus: int, task: SlotTask, on_end: SlotEnd) -> None:
        if gpus:
            raise NotImplementedError(
                "GPUs per trial need the kernel's own SparkContext (stage-level "
                "scheduling); Spark Connect does not offer it to the client yet"
            )
        spark = self._session()

        def arrow_slot(batches: Iterator[Any]) -> Iterator[Any]:
            import pyarrow as pa

            for _ in batches:
                pass
            for slot in task():
                yield pa.RecordBatch.from_pydict({"slot": [slot]})

        def run_job() -> None:
            reason, failed = "the slot's Spark job finished", False
            spark.addTag(group)  # tags belong to this thread
            try:
                spark.range(0, 1, numPartitions=1).mapInArrow(arrow_slot, "slot long").collect()
            except Exception as failure:
                reason, failed = spark_reason(failure), True
            finally:
                spark.removeTag(group)
                on_end(reason, failed)

        threading.Thread(target=run_job, name=f"hopsml-{group}", daemon=True).start()

    def cancel(self, group: str) -> None:
        self._session().interruptTag(group)


def spark_seconds(value: str) -> float:
    """Spark's durations: '2s', '500ms', '1min' or a bare number of seconds."""
    text = value.strip().lower()
    for suffix, factor in (("ms", 0.001), ("min", 60.0), ("s", 1.0), ("m", 60.0)):
        if text.endswith(suffix):
            try:
                return float(text[: -len(suffix)]) * factor
            except ValueError:
                return 2.0
    try:
        return float(text)
    except ValueError:
        return 2.0


def spark_reason(failure: BaseException) -> str:
    """One line on why a Spark job failed."""
    text = str(failure)
    for marker in ("Python worker exited unexpectedly", "cancelled", "killed", "interrupted"):
        if marker in text:
            line = next(ln for ln in text.splitlines() if marker in ln)
            return line.strip()[:500]
    # A Python error on the executor: its last line says what (e.g. a missing module).
    python_error = re.findall(r"^(\w+(?:Error|Exception): .+)$", text, re.M)
    if python_error:
        return python_error[-1].strip()[:500]
    return text.strip().splitlines()[0][:500] if text.strip() else type(failure).__name__
