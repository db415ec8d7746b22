"""hopsworks' ``core`` package: the APIs a project hands out (``job_api``)."""
