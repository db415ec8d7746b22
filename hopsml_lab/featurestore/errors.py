"""The feature store's errors and warnings. ``FeatureStoreException`` keeps hsfs' name
(``hsfs.client.exceptions`` re-exports it) so notebooks catching it keep working."""

from __future__ import annotations

from ..errors import BadInput, Conflict, HopsMLError, NotFound


class FeatureStoreException(HopsMLError):
    """A feature store operation cannot be done as asked; the message says what to fix."""


class BadFeatureInput(FeatureStoreException, BadInput):
    """The frame, names or options given do not fit the feature group."""


class SchemaMismatch(BadFeatureInput):
    """The frame's columns differ from the feature group version's schema."""


class UnknownFeatureGroup(FeatureStoreException, NotFound):
    """No feature group with that name and version."""


class FeatureGroupExists(FeatureStoreException, Conflict):
    """A feature group with that name and version exists already."""


class BadTime(BadInput):
    """A time given to the feature store cannot be read as a point in time."""


class VersionWarning(Warning):
    """No version was given; one was chosen (hsfs' ``hsfs.util.VersionWarning``)."""


class FeatureGroupWarning(Warning):
    """A name or value was changed to fit the feature store (hsfs' name)."""
