"""``from hopsworks_plugin.operators.hopsworks_operator import HopsworksLaunchOperator``,
with HopsML Lab's operator (see :mod:`hopsml_lab.airflow.operators`)."""

from __future__ import annotations

from ...operators import HopsworksLaunchOperator

__all__ = ["HopsworksLaunchOperator"]
