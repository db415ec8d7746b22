"""Feature views: a saved query (``views``, ``view_spec``), its training data
(``training``, ``splits``, the files ``td_files``/``tfdata``, hsfs 3.x ``datasets``),
its transformations (``view_transforms``) and its feature vectors (``serving``)."""
