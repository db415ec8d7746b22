"""Feature views: a saved query (``views``, ``view_spec``), its training data
(``training``, ``splits``, the files ``td_files``/``tfdata``, hsfs 3.x ``datasets``; what
their pandas and Spark paths share: ``training_parts``, ``dataset_parts``),
its transformations (``view_transforms``) and its feature vectors (``serving``)."""
