"""``hopsworks_plugin.operators``: see :mod:`hopsml_lab.airflow.operators`."""
