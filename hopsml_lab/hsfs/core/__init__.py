"""hsfs' ``core`` package: ``feature_descriptive_statistics``, ``constants`` (whether
Great Expectations is installed) and the feature group's validation methods."""
