"""Request and response bodies of the REST routes that are not catalog records."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ReproduceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    trial: str = Field(min_length=1, description="Key of the trial to reproduce, e.g. trial_3.")


class ReproduceResult(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    path: str = Field(description="The new notebook's path in the Jupyter server's contents.")
