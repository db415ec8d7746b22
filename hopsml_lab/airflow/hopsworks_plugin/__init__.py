"""Hopsworks Airflow plugin's module paths, so a DAG moves over by its import line."""
