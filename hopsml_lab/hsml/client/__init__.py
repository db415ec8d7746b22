"""hsml's ``client`` package: only its exceptions module is offered here."""
