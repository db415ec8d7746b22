"""hsfs' ``core`` package: here only ``feature_descriptive_statistics``."""
