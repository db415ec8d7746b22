"""Trial slots: long-running Spark tasks that pull trials from the driver (real local[2])."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from hopsml_lab import experiment
from hopsml_lab.catalog import ExperimentQuery
from hopsml_lab.engine.slots import DispatchError, SlotPool
from hopsml_lab.engine.spark import SparkEngine
from hopsml_lab.lab import Lab


def _pid_and_window(seconds: float = 0.0):
    def train(i: int) -> dict[str, float]:
        import os
        import time

        start = time.time()
        time.sleep(seconds)
        return {"pid": os.getpid(), "start": start, "end": time.time(), "i": i}

    return train


def test_slots_take_more_trials_than_cores_and_never_overlap_beyond_them(lab: Lab) -> None:
    result = experiment.run(_pid_and_window(0.2), {"i": list(range(6))}, name="queue")
    assert [t.status for t in result.trials] == ["finished"] * 6
    windows = sorted((t.results["start"], t.results["end"]) for t in result.trials)
    for i, (start, _end) in enumerate(windows):
        running = sum(1 for s, e in windows[:i] if e > start)
        assert running < 2, "more trials ran at once than local[2] has cores"
    assert len({t.results["pid"] for t in result.trials}) <= 2


def test_slots_stay_warm_between_experiments(lab: Lab) -> None:
    first = experiment.run(_pid_and_window(), {"i": [0, 1]}, name="warm-1")
    second = experiment.run(_pid_and_window(), {"i": [0, 1]}, name="warm-2")
    pids = lambda r: {t.results["pid"] for t in r.trials}  # noqa: E731
    assert pids(second) <= pids(first)  # the same Python workers, no new Spark job
    started = time.perf_counter()
    experiment.run(_pid_and_window(), {"i": [0]}, name="warm-3")
    assert time.perf_counter() - started < 1.0


def test_a_dying_python_worker_fails_only_its_trial(lab: Lab) -> None:
    def train(i: int) -> float:
        import os

        if i == 1:
            os._exit(3)  # the Python worker dies mid-trial
        return float(i)

    result = experiment.run(train, {"i": [0, 1, 2, 3]}, name="worker-death")
    statuses = {t.params["i"]: t.status for t in result.trials}
    assert statuses == {0: "finished", 1: "failed", 2: "finished", 3: "finished"}
    error = next(t.error for t in result.trials if t.params["i"] == 1) or ""
    assert "ended before the trial did" in error
    after = experiment.run(lambda: 1.0, name="after-death")  # the pool recovered
    assert after.status == "finished"


def test_idle_slots_free_their_cores_for_other_spark_jobs(lab: Lab) -> None:
    experiment.run(_pid_and_window(), {"i": [0, 1]}, name="before-a-dataframe")
    spark = lab.spark.session()
    started = time.perf_counter()
    assert spark.range(1000).count() == 1000
    assert time.perf_counter() - started < 5  # not the 60 s idle timeout


def test_idle_slots_end_after_the_idle_timeout(spark_engine: SparkEngine, lab: Lab) -> None:
    pool = SlotPool(spark_engine.slot_backend(), idle_timeout=0.5)
    batch = pool.submit(lambda: {"ok": 1}, [_spec("t0")], lab.store, "exp")
    assert batch.outcomes.get(timeout=60).ok
    deadline = time.time() + 10
    while pool.slot_count and time.time() < deadline:
        time.sleep(0.1)
    assert pool.slot_count == 0
    pool.shutdown()


def test_a_failing_metrics_handler_does_not_stall_the_trial(lab: Lab) -> None:
    from hopsml_lab.engine.trial import TrialSpec

    def train(reporter) -> float:
        for step in range(5):
            reporter.broadcast(step)
        return 1.0

    def broken(key, points):
        raise RuntimeError("the catalog went away")

    spec = TrialSpec(key="t0", params={}, logdir="Experiments/broken/t0")
    batch = lab.spark.slots.submit(train, [spec], lab.store, "broken", on_metrics=broken)
    outcome = batch.outcomes.get(timeout=60)
    assert outcome.ok and outcome.results == {"metric": 1.0}
    # The slot that ran it still takes trials.
    assert experiment.run(_pid_and_window(), {"i": [1, 2]}).trials[0].status == "finished"


def test_a_function_spark_cannot_ship_is_refused_before_running(lab: Lab) -> None:
    lock = threading.Lock()

    def train() -> float:
        with lock:
            return 1.0

    with pytest.raises(DispatchError, match="cannot be sent to Spark executors"):
        experiment.run(train, name="unpicklable")
    assert lab.queries.list_experiments("demo", ExperimentQuery()).experiments[0].status == (
        "failed"
    )


def test_interrupting_the_kernel_kills_the_experiment_and_keeps_what_finished(lab: Lab) -> None:
    def train(i: int) -> float:
        import time

        time.sleep(0 if i == 0 else 60)
        return float(i)

    # what Jupyter's interrupt button sends the kernel
    timer = threading.Timer(3.0, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    started = time.perf_counter()
    result = experiment.run(train, {"i": [0, 1]}, name="interrupted")
    timer.cancel()
    assert time.perf_counter() - started < 30
    assert result.status == "killed"
    statuses = {t.params["i"]: t.status for t in result.trials}
    assert statuses == {0: "finished", 1: "stopped"}
    detail = lab.queries.get_experiment(result.id)
    assert detail.status == "killed" and detail.trials[0].results == {"metric": 0.0}
    tracker = lab.spark.session().sparkContext.statusTracker()
    deadline = time.time() + 15  # the slot running the 60 s trial is killed, not left
    while len(tracker.getActiveJobsIds()) > 1 and time.time() < deadline:
        time.sleep(0.2)
    assert len(tracker.getActiveJobsIds()) <= 1
    after = experiment.run(lambda: 2.0, name="after-interrupt")
    assert after.status == "finished", after.trials[0].error


def _spec(key: str):
    from hopsml_lab.engine.trial import TrialSpec

    return TrialSpec(key=key, params={}, logdir=f"Experiments/exp/{key}")
