"""maggy's ``lagom`` with a ``TorchDistributedConfig``: one PyTorch module trained on two
Spark tasks of a barrier stage forming one ``torch.distributed`` process group (real
PyTorch, gloo, local[2]), train_fn getting maggy's ``module``, ``dataset``, ``hparams`` and
``reporter``. PyTorch is optional: these tests run where it is installed; without it, only
the test of the error naming what to install runs."""

from __future__ import annotations

import importlib.util
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from hopsml_lab.catalog import ExperimentQuery
from hopsml_lab.lab import Lab

HAS_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is not installed")


@pytest.mark.skipif(HAS_TORCH, reason="PyTorch is installed here")
def test_without_torch_the_config_says_what_to_install() -> None:
    import hopsml_lab.maggy  # importing maggy's names needs no PyTorch
    from hopsml_lab.maggy.config import TorchDistributedConfig
    from hopsml_lab.maggy.core.optional_packages import MissingPackage

    assert hopsml_lab.maggy is not None
    with pytest.raises(ImportError, match=r"needs the torch package.*pip install torch") as e:
        TorchDistributedConfig(module=object)
    assert isinstance(e.value, MissingPackage)


def _linear_module() -> type:
    """Defined on the fly so that cloudpickle ships the class itself to the workers."""
    import torch

    class Linear(torch.nn.Module):
        def __init__(self, features: int) -> None:
            super().__init__()
            self.layer = torch.nn.Linear(features, 1)

        def forward(self, inputs: Any) -> Any:
            return self.layer(inputs)

    return Linear


def _regression(seed: int, rows: int) -> Any:
    """y = x·(1, -2, 3, 0.5) + 1, as a torch TensorDataset."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(rows, 4, generator=generator)
    y = x @ torch.tensor([[1.0], [-2.0], [3.0], [0.5]]) + 1.0
    return torch.utils.data.TensorDataset(x, y)


def _train(module: type, dataset: list, hparams: dict, reporter: Any) -> dict:
    """Checks what maggy hands it, trains with a plain ``DataLoader`` and ``SGD`` (patched
    on the worker), prints its rank, shard and parameters, returns the test loss."""
    import os

    import torch
    from torch.utils.data import DataLoader

    rank = torch.distributed.get_rank()
    assert torch.distributed.get_world_size() == 2 and os.environ["RANK"] == str(rank)
    assert torch.distributed.get_backend() == "gloo"
    net = module(4)
    assert isinstance(net, torch.nn.parallel.DistributedDataParallel)
    assert type(net.module).__name__ == "Linear"
    train_set, test_set = dataset
    loader = DataLoader(train_set, batch_size=hparams["batch_size"], shuffle=True)
    assert isinstance(loader.sampler, torch.utils.data.distributed.DistributedSampler)
    shard = sorted(loader.sampler)
    test_x, test_y = test_set.tensors
    loss_fn = torch.nn.MSELoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=hparams["lr"])
    with torch.no_grad():
        before = loss_fn(net(test_x), test_y).item()
    for _epoch in range(hparams["epochs"]):
        for x, y in loader:
            optimizer.zero_grad()
            loss_fn(net(x), y).backward()
            optimizer.step()
    with torch.no_grad():
        after = loss_fn(net(test_x), test_y).item()
    params = torch.cat([p.detach().flatten() for p in net.module.parameters()]).tolist()
    print("RESULT " + json.dumps({"rank": rank, "shard": shard, "params": params}))
    reporter.log(f"test loss {before} -> {after}")
    return {"loss": after, "before": before}


def _printed(stdout: Path) -> dict:
    line = next(ln for ln in stdout.read_text().splitlines() if ln.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


@needs_torch
def test_two_workers_train_one_module_with_averaged_gradients(lab: Lab) -> None:
    from hopsml_lab.maggy import experiment
    from hopsml_lab.maggy.config import TorchDistributedConfig

    config = TorchDistributedConfig(
        module=_linear_module(),
        dataset=[_regression(0, 64), _regression(1, 32)],
        hparams={"lr": 0.05, "epochs": 10, "batch_size": 8},
        name="torch_dist",
        description="two workers",
    )
    result = experiment.lagom(_train, config)

    page = lab.queries.list_experiments("demo", ExperimentQuery(name="torch_dist"))
    (summary,) = page.experiments
    detail = lab.queries.get_experiment(summary.id)
    assert detail.kind == "maggy_torch_distributed" and detail.status == "finished"
    assert detail.description == "two workers"
    trial = Path(detail.trials[0].logdir)
    ranks = [_printed(trial / "stdout.log"), _printed(trial / "worker_1" / "stdout.log")]
    assert [r["rank"] for r in ranks] == [0, 1]  # both ranks ran
    assert set(ranks[0]["shard"]).isdisjoint(ranks[1]["shard"])  # each its own half
    assert sorted(ranks[0]["shard"] + ranks[1]["shard"]) == list(range(64))
    # Different data, identical parameters: the gradients were averaged every step.
    assert ranks[0]["params"] == pytest.approx(ranks[1]["params"], abs=1e-6)
    weights = ranks[0]["params"][:4]  # then the bias
    assert weights == pytest.approx([1.0, -2.0, 3.0, 0.5], abs=0.5)  # it learnt
    chief = json.loads((trial / "trial.json").read_text())["results"]["Metric"]
    other = json.loads((trial / "worker_1" / "trial.json").read_text())["results"]["Metric"]
    assert chief == pytest.approx(other, abs=1e-6)  # one model, one test set
    assert detail.trials[0].metric_value == pytest.approx(chief)
    assert result == {"test result": pytest.approx((chief + other) / 2)}
    log = (trial / "stdout.log").read_text()
    before, after = (float(v) for v in log.split("test loss ")[1].split()[0:3:2])
    assert after < before / 10, (before, after)  # the loss went down


def _zero_train(module: type, dataset: list) -> float:
    import torch

    net = module(4)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.1)
    assert isinstance(optimizer, torch.distributed.optim.ZeroRedundancyOptimizer)
    assert type(optimizer).__name__ == "MaggyZeroAdam"
    (train_set,) = dataset
    x, y = train_set.tensors
    losses = []
    for _ in range(5):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(net(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0], losses
    return losses[-1]


@needs_torch
def test_zero_level_2_shards_the_optimizer(lab: Lab) -> None:
    from hopsml_lab.maggy import experiment
    from hopsml_lab.maggy.config import TorchDistributedConfig

    config = TorchDistributedConfig(
        module=_linear_module(), dataset=[_regression(2, 16)], zero_lvl=2, name="zero"
    )
    result = experiment.lagom(_zero_train, config)
    assert result["test result"] > 0
    page = lab.queries.list_experiments("demo", ExperimentQuery(name="zero"))
    assert page.experiments[0].status == "finished"


@needs_torch
def test_defaults_are_maggys() -> None:
    from hopsml_lab.maggy.config import TorchDistributedConfig

    config = TorchDistributedConfig(module=_linear_module())
    assert (config.dataset, config.hparams, config.backend) == (None, {}, "torch")
    assert (config.mixed_precision, config.zero_lvl, config.ds_config) == (False, 0, None)
    assert (config.name, config.hb_interval, config.description) == ("torchDist", 1, "")
    with pytest.raises(ValueError, match="Backend tf not supported"):
        TorchDistributedConfig(module=_linear_module(), backend="tf")


def _bad_configs() -> list[tuple[dict, str]]:
    linear = _linear_module() if HAS_TORCH else None
    return [
        ({"module": linear(2) if linear else None}, "the class itself"),
        ({"module": []}, "names no module class"),
        ({"module": linear, "dataset": (1, 2)}, "must be a list"),
        ({"module": linear, "dataset": ["Resources/missing.pt"]}, "does not exist"),
        ({"module": linear, "hparams": [1]}, "takes a dict"),
        ({"module": linear, "zero_lvl": 4}, "ZeRO stages are 0, 1, 2, 3"),
        ({"module": linear, "dataset": [threading.Lock()]}, "cannot be sent"),
    ]


@needs_torch
@pytest.mark.parametrize("case", range(7))
def test_bad_config_is_refused_before_anything_runs(lab: Lab, case: int) -> None:
    from hopsml_lab.experiments.run import ExperimentError
    from hopsml_lab.maggy import experiment
    from hopsml_lab.maggy.config import TorchDistributedConfig

    kwargs, message = _bad_configs()[case]
    with pytest.raises(ExperimentError, match=message):
        experiment.lagom(_train, TorchDistributedConfig(**kwargs))
    assert lab.queries.list_experiments("demo", ExperimentQuery()).total == 0


@needs_torch
def test_deepspeed_and_fairscale_are_asked_for_only_when_used(lab: Lab) -> None:
    from hopsml_lab.maggy import experiment
    from hopsml_lab.maggy.config import TorchDistributedConfig
    from hopsml_lab.maggy.core.optional_packages import MissingPackage

    for package, kwargs in (
        ("deepspeed", {"backend": "deepspeed"}),
        ("fairscale", {"zero_lvl": 3}),
    ):
        if importlib.util.find_spec(package) is not None:
            continue
        config = TorchDistributedConfig(module=_linear_module(), **kwargs)
        with pytest.raises(MissingPackage, match=f"pip install {package}"):
            experiment.lagom(_train, config)
    assert lab.queries.list_experiments("demo", ExperimentQuery()).total == 0


def _fails_on_rank_1(module: type) -> float:
    import torch

    if torch.distributed.get_rank() == 1:
        raise RuntimeError("rank one broke")
    net = module(4)  # DDP's construction waits for rank 1, which never comes
    return float(sum(p.sum() for p in net.parameters()))


@needs_torch
def test_a_failing_worker_fails_the_run_naming_why(lab: Lab) -> None:
    from hopsml_lab.experiments.run import ExperimentError
    from hopsml_lab.maggy import experiment
    from hopsml_lab.maggy.config import TorchDistributedConfig

    config = TorchDistributedConfig(module=_linear_module(), name="broken")
    with pytest.raises(ExperimentError, match="rank one broke"):
        experiment.lagom(_fails_on_rank_1, config)
    page = lab.queries.list_experiments("demo", ExperimentQuery(name="broken"))
    assert page.experiments[0].status == "failed"
