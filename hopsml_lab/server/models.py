"""Request and response bodies of the REST routes that are not catalog records."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ReproduceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    trial: str = Field(min_length=1, description="Key of the trial to reproduce, e.g. trial_3.")


class ReproduceResult(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    path: str = Field(description="The new notebook's path in the Jupyter server's contents.")


class TensorBoardRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    experiments: list[str] = Field(
        min_length=1,
        max_length=100,
        description="Ids of the experiments to show together; each trial is a run named by "
        "its hyperparameters.",
    )


class TensorBoardRecord(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    id: str = Field(description="The same id for the same set of experiments.")
    url: str = Field(description="Where the server proxies it, ending in '/'.")
    experiments: list[str]
    pid: int = Field(description="The TensorBoard process, bound to 127.0.0.1 only.")
    started_at: float = Field(description="Seconds since the epoch (UTC).")
    last_activity: float = Field(description="The last request through the proxy.")


class TensorBoardList(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    tensorboards: list[TensorBoardRecord]
