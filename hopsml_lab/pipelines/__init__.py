"""Jobs and pipelines: notebooks and scripts of the project run as named jobs (each run
recorded with its logs), chained into pipelines that run locally in dependency order or
export to an Airflow DAG.

``definition`` holds the pipeline's shape (stages, dependencies, inputs and outputs);
``arguments`` reads job parameters as Hopsworks writes them; ``execute`` runs one job in
a subprocess (``notebook_runner`` is that subprocess for a notebook); ``jobs`` the job
service; ``pipelines`` the pipeline service; ``commands`` the ``hopsml-lab job`` and
``pipeline`` commands; ``dag_export`` writes a pipeline as an Airflow DAG.
"""
