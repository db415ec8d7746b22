"""maggy's ``core`` package: only ``core.reporter`` and ``core.exceptions`` are mirrored,
the names a training function meets; maggy's drivers and RPC are HopsML Lab's own here."""
