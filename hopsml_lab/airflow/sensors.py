"""Sensors on a HopsML Lab project: a job's latest execution, under the names Hopsworks'
Airflow plugin gave them, and a ``_SUCCESS`` file on the project's store.

Imports only the stdlib and Airflow 3 (``airflow.sdk``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from airflow.sdk import BaseSensorOperator
from airflow.sdk.exceptions import AirflowException

from .command import CommandError
from .operators import FAILED_STATES, FINAL_STATES, SUCCESS_STATES, HopsmlOperatorMixin

SUCCESS_FILE = "_SUCCESS"


class _JobSensor(HopsmlOperatorMixin, BaseSensorOperator):
    template_fields = ("job_name",)

    def __init__(
        self,
        hopsworks_conn_id: str = "hopsworks_default",
        job_name: str | None = None,
        project_id: int | None = None,
        project_name: str | None = None,
        *,
        hopsml_lab: str | None = None,
        env: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.keep_job_arguments(
            "watch", hopsworks_conn_id, job_name, project_id, project_name, hopsml_lab, env
        )

    def latest_state(self) -> str | None:
        """The state of the job's latest execution (``FINISHED``, ``FAILED``, a running
        state), or None before its first; logged."""
        state = self._ask_state()
        self.log.info("Job %s: latest execution %s", self.job_name, state or "none yet")
        return state

    def _ask_state(self) -> str | None:
        code, output = self.hopsml_command().check(["job", "status", self.job_name])
        if code == 1 and not output.lstrip().startswith("{"):
            return None  # no execution yet: `job status` names none and exits 1
        try:
            status = json.loads(output.strip().splitlines()[-1])
        except (ValueError, IndexError):
            raise AirflowException(
                f"`hopsml-lab job status {self.job_name}` answered (exit code {code}): {output}"
            ) from None
        if status.get("success") is True:
            return "FINISHED"
        if status.get("success") is False:
            state = str(status.get("state") or "FAILED").upper()
            return state if state in FAILED_STATES else "FAILED"
        return str(status.get("state") or "RUNNING").upper()


class HopsworksJobSuccessSensor(_JobSensor):
    """Wait until the job's latest execution has succeeded; fail if it failed.

    Arguments as Hopsworks' sensor had them (``job_name``, ``project_name``, ``poke_interval``
    10 s, ``timeout`` 3600 s; ``hopsworks_conn_id`` and ``project_id`` are accepted and
    not needed), plus ``hopsml_lab`` and ``env`` as for
    :class:`~hopsml_lab.airflow.operators.HopsworksLaunchOperator`.
    """

    def __init__(
        self,
        hopsworks_conn_id: str = "hopsworks_default",
        job_name: str | None = None,
        project_id: int | None = None,
        project_name: str | None = None,
        poke_interval: float = 10,
        timeout: float = 3600,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            hopsworks_conn_id=hopsworks_conn_id,
            job_name=job_name,
            project_id=project_id,
            project_name=project_name,
            poke_interval=poke_interval,
            timeout=timeout,
            **kwargs,
        )

    def poke(self, context: Any) -> bool:
        state = self.latest_state()
        if state in FAILED_STATES:
            raise AirflowException(f"Hopsworks job failed: {self.job_name} ended {state}")
        return state in SUCCESS_STATES


class HopsworksJobFinishSensor(_JobSensor):
    """Wait until the job's latest execution has ended, however it ended; or until
    ``response_check(state)`` is true when one is given."""

    def __init__(
        self,
        hopsworks_conn_id: str = "hopsworks_default",
        job_name: str | None = None,
        project_id: int | None = None,
        project_name: str | None = None,
        response_check: Callable[[str], bool] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            hopsworks_conn_id=hopsworks_conn_id,
            job_name=job_name,
            project_id=project_id,
            project_name=project_name,
            **kwargs,
        )
        self.response_check = response_check

    def poke(self, context: Any) -> bool:
        state = self.latest_state()
        if state is None:
            return False
        if self.response_check is not None:
            return bool(self.response_check(state))
        return state in FINAL_STATES


class HopsmlSuccessFileSensor(HopsmlOperatorMixin, BaseSensorOperator):
    """Wait for ``<path>/_SUCCESS`` on the project's store (its folder, or HDFS), the
    mark a data producer leaves when a folder is complete.

    ``path`` is relative to the project root (``Resources/transactions``); ``file_name``
    names another mark file. Asks ``hopsml-lab store exists``, so the store is whichever
    the project's settings (``env``) name.
    """

    template_fields = ("path",)

    def __init__(
        self,
        *,
        path: str,
        file_name: str = SUCCESS_FILE,
        project_name: str | None = None,
        hopsml_lab: str | None = None,
        env: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not path or not file_name or "/" in file_name:
            raise ValueError(
                f"{self.task_id}: give path (a project folder) and file_name (a file's name "
                f"in it, default {SUCCESS_FILE!r}); got path={path!r}, file_name={file_name!r}"
            )
        self.path = path
        self.file_name = file_name
        self.keep_project(project_name, hopsml_lab, env)

    def target(self) -> str:
        return f"{self.path.rstrip('/')}/{self.file_name}"

    def poke(self, context: Any) -> bool:
        try:
            there = self.hopsml_command().exists(self.target())
        except CommandError as error:
            raise AirflowException(str(error)) from None
        self.log.info("%s %s", self.target(), "is there" if there else "is not there yet")
        return there
