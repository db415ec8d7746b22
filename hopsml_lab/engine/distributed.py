"""One training across several Spark tasks: a barrier stage whose tasks form one
TensorFlow cluster, ``TF_CONFIG`` built from the barrier's task addresses.

Each task runs the function in a fresh child process: TensorFlow's collective runtime
can be set up once per process, and Spark reuses its Python workers. A worker that
fails or dies fails its task, and Spark then ends the whole barrier stage, so the
other workers never wait for it in an all-reduce.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import signal
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from ..errors import Failed
from ..store import Store
from . import trial_env
from .trial import TrialOutcome, TrialSpec, run_trial

MARKER = "HopsML distributed worker"


class DistributedFailure(Failed):
    """The distributed training failed; the message names the worker and why."""


@dataclass(frozen=True)
class Cluster:
    """The training's tasks, as the barrier stage starts them."""

    workers: int  # all tasks
    evaluator: bool = False  # the last task evaluates instead of training
    ps: int = 0  # parameter servers: then task 0 is the chief, the others serve

    def runs_function(self, rank: int) -> bool:
        """Every task trains with all-reduce; with parameter servers only the chief does."""
        return self.ps == 0 or rank == 0

    def tf_config(self, peers: list[str], rank: int) -> dict[str, Any]:
        """``TF_CONFIG`` for the task of ``rank``: MultiWorkerMirroredStrategy's, or
        ParameterServerStrategy's (chief, workers, ps) with parameter servers."""
        if self.ps:
            jobs = {
                "chief": peers[:1],
                "worker": peers[1 : len(peers) - self.ps],
                "ps": peers[len(peers) - self.ps :],
            }
            offsets = {"chief": 0, "worker": 1, "ps": len(peers) - self.ps}
            kind = "chief" if rank == 0 else "ps" if rank >= offsets["ps"] else "worker"
            return {"cluster": jobs, "task": {"type": kind, "index": rank - offsets[kind]}}
        training = peers[:-1] if self.evaluator else peers
        if self.evaluator and rank == len(peers) - 1:
            task = {"type": "evaluator", "index": 0}
        else:
            task = {"type": "worker", "index": rank}
        return {"cluster": {"worker": training}, "task": task}

    @staticmethod
    def spec(rank: int, logdir: str) -> TrialSpec:
        """The chief is the trial itself; the other workers keep their files beside it."""
        if rank == 0:
            return TrialSpec(key="trial_0", params={}, logdir=logdir)
        return TrialSpec(key=f"worker_{rank}", params={}, logdir=f"{logdir}/worker_{rank}")


def run_distributed(
    context: Any,
    fn: Callable[..., Any],
    cluster: Cluster,
    store: Store,
    experiment_id: str,
    logdir: str,
) -> list[TrialOutcome]:
    """Run ``fn`` on ``cluster.workers`` tasks at once; outcomes in rank order."""
    from pyspark import cloudpickle

    fn_bytes = cloudpickle.dumps(fn)
    env = trial_env.capture()

    def task(_rows: Iterator[int]) -> Iterator[TrialOutcome]:
        yield _barrier_task(fn_bytes, cluster, store, experiment_id, logdir, env)

    rdd = context.parallelize(range(cluster.workers), cluster.workers).barrier()
    try:
        return rdd.mapPartitions(task).collect()
    except Exception as failure:
        raise DistributedFailure(_reason(failure)) from failure


def _barrier_task(
    fn_bytes: bytes,
    cluster: Cluster,
    store: Store,
    experiment_id: str,
    logdir: str,
    env: dict[str, str],
) -> TrialOutcome:
    from pyspark import BarrierTaskContext

    barrier = BarrierTaskContext.get()
    rank = barrier.partitionId()
    host = barrier.getTaskInfos()[rank].address.rsplit(":", 1)[0]
    with socket.socket() as probe:  # TensorFlow binds it a moment later
        probe.bind((host, 0))
        port = probe.getsockname()[1]
    peers = barrier.allGather(f"{host}:{port}")
    env = {**env, "TF_CONFIG": json.dumps(cluster.tf_config(peers, rank))}
    if cluster.ps:
        env["GRPC_FAIL_FAST"] = "use_caller"  # as TensorFlow's parameter-server guide says
    spec = Cluster.spec(rank, logdir)
    if not cluster.runs_function(rank):
        return _serve_until_done(barrier, spec, env)
    outcome = _run_in_child(fn_bytes, spec, store, experiment_id, env)
    if not outcome.ok:
        # Failing the task ends the barrier stage: the other workers stop too.
        raise RuntimeError(f"{MARKER} {rank} failed: {outcome.error}")
    if cluster.ps:
        barrier.barrier()  # the chief is done: the servers may stop
    return outcome


def _serve_until_done(barrier: Any, spec: TrialSpec, env: dict[str, str]) -> TrialOutcome:
    """A worker or parameter server: a TensorFlow server until the chief is done."""
    spawn = multiprocessing.get_context("spawn")
    server = spawn.Process(target=_server_main, args=(os.getpid(), env), daemon=True)
    server.start()
    try:
        barrier.barrier()
    finally:
        server.kill()
        server.join(5)
    return TrialOutcome(key=spec.key, ok=True)


def _run_in_child(
    fn_bytes: bytes, spec: TrialSpec, store: Store, experiment_id: str, env: dict[str, str]
) -> TrialOutcome:
    spawn = multiprocessing.get_context("spawn")
    receiver, sender = spawn.Pipe(duplex=False)
    child = spawn.Process(
        target=_child_main,
        args=(sender, os.getpid(), fn_bytes, spec, store, experiment_id, env),
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        return receiver.recv()
    except EOFError:
        child.join(5)
        return TrialOutcome(
            key=spec.key,
            ok=False,
            error=f"its Python process died (exit code {child.exitcode}) before it finished",
        )
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)


def _child_main(
    sender: Connection,
    parent: int,
    fn_bytes: bytes,
    spec: TrialSpec,
    store: Store,
    experiment_id: str,
    env: dict[str, str],
) -> None:  # pragma: no cover - runs in the spawned child
    _die_with(parent)
    os.environ.update(env)
    from pyspark import cloudpickle

    outcome = run_trial(cloudpickle.loads(fn_bytes), spec, store, experiment_id)
    sender.send(outcome)
    sender.close()


def _server_main(parent: int, env: dict[str, str]) -> None:  # pragma: no cover - child
    _die_with(parent)
    os.environ.update(env)
    import tensorflow as tf

    resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
    tf.distribute.Server(
        resolver.cluster_spec(),
        job_name=resolver.task_type,
        task_index=resolver.task_id,
        protocol=resolver.rpc_layer or "grpc",
        start=True,
    ).join()


def _die_with(parent: int) -> None:
    """A killed Spark task must not leave its training behind (Linux)."""
    import ctypes

    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


def _reason(failure: BaseException) -> str:
    text = str(failure)
    if MARKER in text:
        start = text.index(MARKER)
        tail = text[start:].split("\n\tat ", 1)[0]  # before the JVM's stack
        return tail.strip()[:4000]
    for marker in ("Python worker exited unexpectedly", "Barrier execution mode", "killed"):
        line = next((ln for ln in text.splitlines() if marker in ln), None)
        if line:
            return line.strip()[:1000]
    return text.strip().splitlines()[0][:1000] if text.strip() else type(failure).__name__
