"""``from hopsworks_plugin.sensors.hopsworks_sensor import HopsworksJobSuccessSensor``,
with HopsML Lab's sensors (see :mod:`hopsml_lab.airflow.sensors`)."""

from __future__ import annotations

from ...sensors import HopsworksJobFinishSensor, HopsworksJobSuccessSensor

__all__ = ["HopsworksJobFinishSensor", "HopsworksJobSuccessSensor"]
