"""hopsworks' ``JobApi`` (``project.get_job_api()``): creates and finds the project's
jobs, notebooks and scripts run here in a subprocess.

>>> job_api = hopsworks.login().get_job_api()                      # doctest: +SKIP
>>> config = job_api.get_configuration("PYTHON")                   # doctest: +SKIP
>>> config["appPath"] = "Jobs/train.ipynb"                         # doctest: +SKIP
>>> job = job_api.create_job("train", config)                      # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any, Literal

from ...pipelines.jobs import JobService
from ..job import Job


class JobApi:
    """The project's jobs."""

    def __init__(self, service: JobService | None = None) -> None:
        self._service = service or JobService.here()

    def create_job(self, name: str, config: dict[str, Any]) -> Job:
        """Create job ``name`` (or update it): ``config['appPath']`` is a ``.ipynb`` or
        ``.py`` of the project (``Jobs/x.ipynb``, ``/Projects/<p>/Jobs/x.ipynb`` or an
        ``hdfs://`` path of it); ``config['defaultArgs']`` its default arguments. Cluster
        settings (``resourceConfig``, spark's cores and memory, ``environmentName``,
        ``files``) are kept in the config and unused: the job runs in this machine's
        environment."""
        job = Job(self._service.create(name, config), self._service)
        print(f"Job created successfully, its logs will be in {job.get_url()}")
        return job

    def get_job(self, name: str) -> Job | None:
        """Job ``name``, or None when the project has none by that name."""
        if not self._service.exists(name):
            return None
        return Job(self._service.get(name), self._service)

    def get_jobs(self) -> list[Job]:
        """All the project's jobs, by name."""
        return [Job(record, self._service) for record in self._service.list()]

    def exists(self, name: str) -> bool:
        """Whether the project has job ``name``."""
        return self._service.exists(name)

    def get_configuration(
        self, type: Literal["SPARK", "PYSPARK", "PYTHON", "PYTHON_APP", "DOCKER", "AGENT"]
    ) -> dict[str, Any]:
        """The default configuration of a job type, without ``appPath``: set it, then
        ``create_job``. ``PYTHON`` (notebooks and scripts) and ``PYSPARK`` run here;
        other types raise BadInput."""
        return self._service.configuration(type)

    def launch(self, name: str, args: str | None = None) -> None:
        """Start job ``name`` without waiting."""
        self._service.run(name, args, wait=False)

    def get(self, name: str) -> Job:
        """Job ``name`` (NotFound when absent)."""
        return Job(self._service.get(name), self._service)

    def last_execution(self, job: Job) -> list[Any]:
        """The job's latest execution, in a list (empty when it never ran)."""
        return job.get_executions()[:1]


JobsApi = JobApi

__all__ = ["JobApi", "JobsApi"]
