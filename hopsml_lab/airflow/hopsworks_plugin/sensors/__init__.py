"""``hopsworks_plugin.sensors``: see :mod:`hopsml_lab.airflow.sensors`."""
