"""The feature store as the sidebar browses it: search, detail, preview, figures, and
the REST answers' shapes."""
