"""Operators that run a HopsML Lab project's jobs, under the names Hopsworks' Airflow
plugin gave them, so a Hopsworks DAG moves over by its import line.

    from hopsml_lab.airflow import HopsworksLaunchOperator

    train = HopsworksLaunchOperator(task_id="train", job_name="train", job_arguments="epochs=3")

Imports only the stdlib and Airflow 3 (``airflow.sdk``).
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowException

from .command import CommandError, HopsmlCommand, find_cli

# The final states Hopsworks' executions end in; ours end FINISHED or FAILED.
SUCCESS_STATES = frozenset({"FINISHED"})
FAILED_STATES = frozenset(
    {"FAILED", "KILLED", "FRAMEWORK_FAILURE", "APP_MASTER_START_FAILED", "INITIALIZATION_FAILED"}
)
FINAL_STATES = SUCCESS_STATES | FAILED_STATES

# `hopsml-lab job run` exits 0 when the execution succeeded and 1 when it failed; any
# other code (2: unknown job, bad input; see `hopsml-lab job run --help`) means the command
# could not run the job, and fails the task even with ignore_failure.
_RUN_FAILED = 1


def job_params(job_arguments: str | Mapping[str, Any] | None) -> dict[str, str]:
    """The parameters a job runs with: a dict, or Hopsworks' text form ``"k=v k2=v2"``.

    >>> job_params("lr=0.1 'note=two words'")
    {'lr': '0.1', 'note': 'two words'}
    """
    if job_arguments is None:
        return {}
    if isinstance(job_arguments, Mapping):
        return {str(k): str(v) for k, v in job_arguments.items()}
    params: dict[str, str] = {}
    for item in shlex.split(job_arguments):
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(
                f"job_arguments: {item!r} is not key=value; HopsML Lab jobs take named "
                "parameters (job_arguments={'lr': '0.1'} or 'lr=0.1 epochs=3')"
            )
        params[key] = value
    return params


class HopsmlOperatorMixin:
    """What every operator and sensor here shares: which ``hopsml-lab`` runs, and with
    which project settings (``env``: ``HOPSML_PROJECT_ROOT``, ``HOPSML_CATALOG_URL``...)."""

    task_id: str
    hopsml_lab: str | None
    env: Mapping[str, str] | None
    project_name: str | None

    def keep_job_arguments(
        self,
        purpose: str,
        hopsworks_conn_id: str,
        job_name: str | None,
        project_id: int | None,
        project_name: str | None,
        hopsml_lab: str | None,
        env: Mapping[str, str] | None,
    ) -> None:
        """Keep the job and project arguments Hopsworks' job operators and sensors take,
        and HopsML Lab's ``hopsml_lab`` and ``env``; no ``job_name`` is refused, naming
        the ``purpose`` it is for ("run", "watch")."""
        if not job_name:
            raise ValueError(f"{self.task_id}: give job_name, the job of the project to {purpose}")
        self.hopsworks_conn_id = hopsworks_conn_id
        self.job_name = job_name
        self.project_id = project_id
        self.keep_project(project_name, hopsml_lab, env)

    def keep_project(
        self, project_name: str | None, hopsml_lab: str | None, env: Mapping[str, str] | None
    ) -> None:
        """Keep which project (its name, its ``hopsml-lab``, its settings) to ask."""
        self.project_name = project_name
        self.hopsml_lab = hopsml_lab
        self.env = env

    def hopsml_command(self) -> HopsmlCommand:
        env = dict(self.env or {})
        if self.project_name:
            env["HOPSML_PROJECT_NAME"] = self.project_name
        try:
            return HopsmlCommand(find_cli(self.hopsml_lab), env)
        except CommandError as error:
            raise AirflowException(str(error)) from None


class HopsworksLaunchOperator(HopsmlOperatorMixin, BaseOperator):
    """Run a job of the project (``hopsml-lab job run``) and, by default, wait for its end.

    Arguments as Hopsworks' ``HopsworksLaunchOperator`` had them:
    ``job_name``; ``job_arguments`` (a dict, or ``"k=v ..."``: the job's parameters);
    ``wait_for_completion`` (False: start the job and succeed at once; pair it with
    :class:`~hopsml_lab.airflow.sensors.HopsworksJobSuccessSensor`); ``wait_timeout_s``
    (-1: no limit; past it the job is stopped and the task fails); ``ignore_failure``
    (the task succeeds even when the job failed); ``project_name`` (the project's name,
    ``HOPSML_PROJECT_NAME``). ``hopsworks_conn_id``, ``project_id``, ``poke_interval_s``
    and ``wait_for_state`` are accepted so Hopsworks DAGs import unchanged: a local
    project needs no connection or id, and the operator follows the job's own process to
    its end instead of polling its state.

    HopsML Lab's own: ``hopsml_lab`` (the project's ``hopsml-lab`` executable; default
    ``$HOPSML_LAB_CLI``, then ``PATH``), ``env`` (the project's settings), and
    ``inputs`` / ``outputs``: project paths that must exist before the job runs and
    after it ends, or the task fails (a pipeline stage's inputs and outputs).
    Each try of the task is one execution of the job, recorded in the project's catalog.
    """

    template_fields = ("job_name", "job_arguments", "inputs", "outputs")
    ui_color = "#d7ecd9"

    def __init__(
        self,
        hopsworks_conn_id: str = "hopsworks_default",
        job_name: str | None = None,
        project_id: int | None = None,
        project_name: str | None = None,
        wait_for_completion: bool = True,
        poke_interval_s: float = 1,
        wait_timeout_s: float = -1,
        wait_for_state: frozenset[str] | set[str] = FINAL_STATES,
        ignore_failure: bool = False,
        job_arguments: str | Mapping[str, Any] | None = None,
        *,
        hopsml_lab: str | None = None,
        env: Mapping[str, str] | None = None,
        inputs: Sequence[str] = (),
        outputs: Sequence[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.keep_job_arguments(
            "run", hopsworks_conn_id, job_name, project_id, project_name, hopsml_lab, env
        )
        if not (isinstance(job_arguments, str) and "{{" in job_arguments):
            job_params(job_arguments)  # fails when the DAG is parsed (a template: at run)
        self.wait_for_completion = wait_for_completion
        self.poke_interval_s = poke_interval_s if poke_interval_s > 0 else 1
        self.wait_timeout_s = wait_timeout_s
        self.wait_for_state = wait_for_state
        self.ignore_failure = ignore_failure
        self.job_arguments = job_arguments
        self.inputs = list(inputs)
        self.outputs = list(outputs)

    def run_args(self) -> list[str]:
        args = ["job", "run", self.job_name]
        for key, value in job_params(self.job_arguments).items():
            args += ["--param", f"{key}={value}"]
        return args

    def execute(self, context: Any) -> None:
        command = self.hopsml_command()
        self._check_paths(command, self.inputs, "input")
        if not self.wait_for_completion:
            pid = command.start(self.run_args())
            self.log.info("Started job %s (process %d); not waiting for it", self.job_name, pid)
            return
        self.log.info(
            "Running job %s: %s", self.job_name, shlex.join(command.argv(self.run_args()))
        )
        timeout = self.wait_timeout_s if self.wait_timeout_s > -1 else None
        try:
            code = command.follow(self.run_args(), self.log.info, timeout_s=timeout)
        except CommandError as error:
            raise AirflowException(f"Job {self.job_name}: {error}") from None
        if code == 0:
            self._check_paths(command, self.outputs, "output")
            self.log.info("Job %s finished", self.job_name)
            return
        if code == _RUN_FAILED and self.ignore_failure:
            self.log.warning("Job %s failed; going on (ignore_failure=True)", self.job_name)
            return
        what = "failed" if code == _RUN_FAILED else f"could not be run (exit code {code})"
        raise AirflowException(f"Job {self.job_name} {what}: its output is above")

    def _check_paths(self, command: HopsmlCommand, paths: Sequence[str], what: str) -> None:
        for path in paths:
            try:
                there = command.exists(path)
            except CommandError as error:
                raise AirflowException(str(error)) from None
            if not there:
                raise AirflowException(
                    f"Job {self.job_name}: its {what} {path} is not on the project's store"
                )
