"""hopsworks' ``Job``: a notebook or script of the project registered by name, run here
in a subprocess of this environment.

>>> job = project.get_job_api().get_job("train")                  # doctest: +SKIP
>>> execution = job.run(args="--lr 0.01")                          # doctest: +SKIP
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from ..catalog.jobs import JobRecord
from ..pipelines.arguments import parse_args
from ..pipelines.jobs import CONFIG_TYPES, JobService
from .client.exceptions import JobException
from .execution import Execution, raise_if_failed


class Job:
    """A job of the project; ``run`` starts an execution."""

    def __init__(self, record: JobRecord, service: JobService) -> None:
        self._record = record
        self._service = service
        self._config = dict(record.config)

    @property
    def id(self) -> int:
        """Id of the job."""
        return self._record.id

    @property
    def name(self) -> str:
        """Name of the job."""
        return self._record.name

    @property
    def creation_time(self) -> str:
        """When the job was created (ISO 8601, UTC)."""
        return datetime.fromtimestamp(self._record.created_at, UTC).isoformat()

    @property
    def config(self) -> dict[str, Any]:
        """Configuration for the job (``appPath``, ``defaultArgs``, ...)."""
        return self._config

    @config.setter
    def config(self, config: dict[str, Any]) -> None:
        self._config = config

    @property
    def description(self) -> str | None:
        return self._config.get("description")

    @description.setter
    def description(self, description: str) -> None:
        self._config["description"] = description

    @property
    def job_type(self) -> str:
        """``PYTHON`` (a notebook or a script); ``PYSPARK`` when so configured."""
        kind = self._config.get("type", CONFIG_TYPES["PYTHON"])
        return "PYSPARK" if kind == CONFIG_TYPES["PYSPARK"] else "PYTHON"

    @property
    def creator(self) -> None:
        """No users here: None."""
        return None

    @property
    def job_schedule(self) -> None:
        """No schedule here (a pipeline exported to Airflow carries one): None."""
        return None

    @property
    def executions(self) -> list[Execution]:
        """The job's executions, newest first."""
        return self.get_executions()

    @property
    def href(self) -> None:
        return None

    def run(
        self,
        args: str | dict[str, Any] | None = None,
        await_termination: bool = True,
        *,
        start_time: datetime | None = None,
        end_time: datetime | None = None,
        logical_date: datetime | None = None,
        env_vars: dict[str, str] | None = None,
    ) -> Execution:
        """Run the job with ``args`` over its default arguments: a ``"--k v"`` string
        (also ``-p k v`` or ``k=v``) or a dict. A notebook gets them injected after its
        cell tagged ``parameters``; a script gets ``--k v`` arguments, and both get each
        as an environment variable. With ``await_termination`` it waits and raises
        JobExecutionException when the run failed. ``start_time``/``end_time`` set
        ``HOPS_START_TIME``/``HOPS_END_TIME`` in the job's environment as Hopsworks does,
        ``logical_date`` sets ``HOPS_LOGICAL_DATE``, ``env_vars`` add variables."""
        env = dict(env_vars or {})
        for variable, moment in (
            ("HOPS_START_TIME", start_time),
            ("HOPS_END_TIME", end_time),
            ("HOPS_LOGICAL_DATE", logical_date),
        ):
            if moment is not None:
                env.setdefault(variable, moment.isoformat())
        print(f"Launching job: {self.name}")
        record = self._service.run(self.name, parse_args(args), wait=False, env=env)
        execution = Execution(record, self, self._service)
        print(f"Job started successfully, its logs are in {execution.get_url()}")
        if await_termination:
            record = self._service.await_execution(record.id)
            execution = Execution(record, self, self._service)
            raise_if_failed(record)
        return execution

    def _last(self) -> Any:
        executions = self._service.executions(self.name)
        if not executions:
            raise JobException("No executions found for job")
        return executions[0]

    def get_state(
        self,
    ) -> Literal["INITIALIZING", "RUNNING", "FINISHED", "FAILED", "KILLED"]:
        """The state of the job's last execution (JobException when it has none)."""
        return self._last().state

    def get_final_state(self) -> Literal["UNDEFINED", "FINISHED", "FAILED", "KILLED"]:
        """The final state of the last execution; ``UNDEFINED`` while it runs."""
        state = self._last().state
        return state if state in ("FINISHED", "FAILED", "KILLED") else "UNDEFINED"

    def get_executions(self) -> list[Execution]:
        """The job's executions, newest first (as Hopsworks sorts them)."""
        return [Execution(r, self, self._service) for r in self._service.executions(self.name)]

    def save(self) -> Job:
        """Save the changed ``config`` (e.g. a new ``appPath``)."""
        self._record = self._service.create(self.name, self._config)
        self._config = dict(self._record.config)
        return self

    def delete(self) -> None:
        """Delete the job and forget its executions (their log files stay)."""
        self._service.delete(self.name)

    def get_url(self) -> str:
        """Where its logs are: a folder in the project (no Hopsworks UI here)."""
        return f"Logs/{self.name}"

    @property
    def default_args(self) -> dict[str, str]:
        """The parameters every run starts from (HopsML Lab's addition)."""
        return parse_args(self._config.get("defaultArgs"))

    def __repr__(self) -> str:
        return f"Job({self.name!r}, {self.job_type!r})"
