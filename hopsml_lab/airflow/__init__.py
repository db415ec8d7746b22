"""HopsML Lab in Airflow: operators and sensors that run a project's jobs.

Imported by Airflow's interpreter, so this package uses only the stdlib and Airflow 3,
never the rest of ``hopsml_lab`` (whose dependencies Airflow's environment lacks).

    from hopsml_lab.airflow import HopsworksLaunchOperator, HopsworksJobSuccessSensor

Hopsworks DAGs keep their names through the plugin's module paths too:
``hopsml_lab.airflow.hopsworks_plugin.operators.hopsworks_operator`` and
``hopsml_lab.airflow.hopsworks_plugin.sensors.hopsworks_sensor``.
"""

from __future__ import annotations

from .callbacks import failure_message, report_failure, report_retry
from .command import ENV_CLI, HopsmlCommand, find_cli
from .operators import HopsworksLaunchOperator, job_params
from .sensors import HopsmlSuccessFileSensor, HopsworksJobFinishSensor, HopsworksJobSuccessSensor

__all__ = [
    "ENV_CLI",
    "HopsmlCommand",
    "HopsmlSuccessFileSensor",
    "HopsworksJobFinishSensor",
    "HopsworksJobSuccessSensor",
    "HopsworksLaunchOperator",
    "failure_message",
    "find_cli",
    "job_params",
    "report_failure",
    "report_retry",
]
