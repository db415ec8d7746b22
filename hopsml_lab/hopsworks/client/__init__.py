"""hopsworks' ``client`` package: its exceptions (``hopsworks.client.exceptions``)."""
