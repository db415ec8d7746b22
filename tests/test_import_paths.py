"""Every public import path of maggy 1.1.2 and hops 3.8.0.0, and the feature store's of
hopsworks 5.2.1, works from hopsml_lab.

Notebooks written for Hopsworks move over by changing only their imports
(``from hops import hdfs`` -> ``from hopsml_lab import hdfs``, ``from maggy.experiment
import experiment`` -> ``from hopsml_lab.maggy.experiment import experiment``). The lists
below were taken from the real packages' sources: each module path, and the functions and
classes it defines. Left out on purpose: maggy's internals (``maggy.util``, and
``maggy.core`` beyond ``reporter`` and ``exceptions``: config, environment, executors,
experiment_driver, patching, rpc, tf_patching), maggy's driver dispatch
``experiment_pyspark/experiment_python.lagom_driver``, and hops' ``experiment_impl``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from hopsml_lab.errors import Unavailable
from hopsml_lab.exceptions import ClusterOnly
from hopsml_lab.maggy._unavailable import NotInHopsMLLab

MAGGY_PATHS: dict[str, list[str]] = {
    "maggy": ["Searchspace", "searchspace"],
    "maggy.ablation": ["AblationStudy", "ablationstudy"],
    "maggy.ablation.ablationstudy": ["AblationStudy", "Features", "Model", "Layers"],
    "maggy.ablation.ablator": ["AbstractAblator", "abstractablator"],
    "maggy.ablation.ablator.abstractablator": ["AbstractAblator"],
    "maggy.ablation.ablator.loco": ["LOCO"],
    "maggy.callbacks": ["KerasBatchEnd", "KerasEpochEnd"],
    "maggy.config": [
        "LagomConfig",
        "BaseConfig",
        "AblationConfig",
        "HyperparameterOptConfig",
        "TorchDistributedConfig",
        "TfDistributedConfig",
    ],
    "maggy.config.ablation": ["AblationConfig"],
    "maggy.config.base_config": ["BaseConfig"],
    "maggy.config.hyperparameter_optimization": ["HyperparameterOptConfig"],
    "maggy.config.lagom": ["LagomConfig"],
    "maggy.config.tf_distributed": ["TfDistributedConfig"],
    "maggy.config.torch_distributed": ["TorchDistributedConfig"],
    "maggy.constants": ["USER_FCT"],
    "maggy.core": [],
    "maggy.core.exceptions": [
        "EarlyStopException",
        "NotSupportedError",
        "ReturnTypeError",
        "MetricTypeError",
        "BroadcastMetricTypeError",
        "BroadcastStepTypeError",
        "BroadcastStepValueError",
        "BadArgumentsError",
    ],
    "maggy.core.reporter": ["Reporter"],
    "maggy.earlystop": [
        "AbstractEarlyStop",
        "MedianStoppingRule",
        "NoStoppingRule",
        "abstractearlystop",
        "medianrule",
        "nostop",
    ],
    "maggy.earlystop.abstractearlystop": ["AbstractEarlyStop"],
    "maggy.earlystop.medianrule": ["MedianStoppingRule"],
    "maggy.earlystop.nostop": ["NoStoppingRule"],
    "maggy.experiment": ["experiment"],  # maggy's __init__ is empty; lagom is added here
    "maggy.experiment.experiment": ["lagom"],
    "maggy.experiment.experiment_pyspark": ["lagom"],
    "maggy.experiment.experiment_python": ["lagom"],
    "maggy.optimizer": [
        "AbstractOptimizer",
        "RandomSearch",
        "Asha",
        "SingleRun",
        "GridSearch",
        "abstractoptimizer",
        "randomsearch",
        "asha",
        "singlerun",
        "gridsearch",
    ],
    "maggy.optimizer.abstractoptimizer": ["AbstractOptimizer"],
    "maggy.optimizer.asha": ["Asha"],
    "maggy.optimizer.bayes": ["BaseAsyncBO", "GP", "TPE", "base", "gp", "tpe"],
    "maggy.optimizer.bayes.acquisitions": [
        "AbstractAcquisitionFunction",
        "GaussianProcess_EI",
        "GaussianProcess_PI",
        "GaussianProcess_LCB",
        "GaussianProcess_UCB",
        "TPE_EI",
        "AsyTS",
        "HLP",
    ],
    "maggy.optimizer.bayes.base": ["BaseAsyncBO"],
    "maggy.optimizer.bayes.gp": ["GP"],
    "maggy.optimizer.bayes.tpe": ["TPE"],
    "maggy.optimizer.gridsearch": ["GridSearch"],
    "maggy.optimizer.randomsearch": ["RandomSearch"],
    "maggy.optimizer.singlerun": ["SingleRun"],
    "maggy.pruner": ["Hyperband", "AbstractPruner", "hyperband", "abstractpruner"],
    "maggy.pruner.abstractpruner": ["AbstractPruner"],
    "maggy.pruner.hyperband": ["Hyperband", "SHIteration"],
    "maggy.searchspace": ["Searchspace"],
    "maggy.tensorboard": ["logdir"],
    "maggy.trial": ["Trial"],
    "maggy.version": ["__version__"],
}

HOPS_PATHS: dict[str, list[str]] = {
    "hops": ["__version__"],
    "hops.constants": [
        "HTTP_CONFIG",
        "ENV_VARIABLES",
        "KAFKA_SSL_CONFIG",
        "SSL_CONFIG",
        "KAFKA_PRODUCER_CONFIG",
        "KAFKA_CONSUMER_CONFIG",
        "SPARK_CONFIG",
        "MODEL_SERVING",
        "FEATURE_STORE",
        "PETASTORM_CONFIG",
        "MYSQL_CONFIG",
        "HIVE_CONFIG",
        "REST_CONFIG",
        "DELIMITERS",
        "S3_CONFIG",
        "AWS",
        "LOCAL",
        "XATTRS",
        "ELASTICSEARCH_CONFIG",
    ],
    "hops.credentials_provider": ["assume_role", "get_roles", "get_role"],
    "hops.dataset": [
        "HTTPUpload",
        "HTTPDownload",
        "upload",
        "download",
        "get_path_info",
        "path_exists",
        "delete",
        "compress",
        "extract",
        "CompressTimeout",
        "DeletionTimeout",
        "log",
    ],
    "hops.devices": ["get_num_gpus"],
    "hops.elasticsearch": [
        "get_elasticsearch_index",
        "get_elasticsearch_config",
        "get_authorization_token",
    ],
    "hops.exceptions": ["RestAPIError", "UnkownSecretStorageError", "APIKeyFileNotFound"],
    "hops.experiment": [
        "Direction",
        "launch",
        "random_search",
        "differential_evolution",
        "grid_search",
        "parameter_server",
        "mirrored",
        "log",
        "run_id",
        "app_id",
        "experiment_json",
        "running",
    ],
    "hops.hdfs": [
        "get_plain_path",
        "project_id",
        "project_user",
        "project_name",
        "project_path",
        "get",
        "get_fs",
        "copy_to_hdfs",
        "delete",
        "copy_to_local",
        "cp",
        "glob",
        "ls",
        "lsl",
        "rmr",
        "mkdir",
        "move",
        "rename",
        "chown",
        "chmod",
        "stat",
        "access",
        "open_file",
        "close",
        "exists",
        "isdir",
        "isfile",
        "capacity",
        "dump",
        "load",
        "abs_path",
        "add_module",
        "is_tls_enabled",
        "get_webhdfs_host",
        "get_webhdfs_port",
    ],
    "hops.hive": ["setup_hive_connection"],
    "hops.jobs": ["create_job", "start_job", "stop_job", "get_executions"],
    "hops.kafka": [
        "get_broker_endpoints",
        "get_security_protocol",
        "get_broker_endpoints_list",
        "get_kafka_default_config",
        "get_schema",
        "parse_avro_msg",
        "convert_json_schema_to_avro",
        "KafkaTopicDTO",
    ],
    "hops.model": [
        "get_best_model",
        "get_model",
        "download_model",
        "export",
        "Metric",
        "ModelNotFound",
        "ModelArchiveExists",
    ],
    "hops.numpy_helper": [
        "load",
        "loadtxt",
        "genfromtxt",
        "fromregex",
        "fromfile",
        "memmap",
        "save",
        "savez",
        "savez_compressed",
    ],
    "hops.pandas_helper": [
        "read_csv",
        "read_parquet",
        "read_json",
        "read_excel",
        "write_csv",
        "write_parquet",
        "write_json",
    ],
    "hops.project": [
        "connect",
        "create",
        "get_project_info",
        "get_project_info_as_shared",
        "project_id_as_shared",
    ],
    "hops.secret": ["create_secret", "get_secret", "delete_secret"],
    "hops.service_discovery": ["ServiceDiscovery"],
    "hops.serving": [
        "exists",
        "delete",
        "start",
        "stop",
        "create_or_update",
        "get",
        "get_id",
        "get_model_path",
        "get_model_name",
        "get_model_version",
        "get_artifact_version",
        "get_predictor",
        "get_transformer",
        "get_model_server",
        "get_serving_tool",
        "get_available_instances",
        "get_kafka_topic",
        "get_status",
        "get_predictor_resource_config",
        "get_internal_endpoints",
        "describe",
        "get_all",
        "make_inference_request",
        "Serving",
        "ServingNotFound",
    ],
    "hops.tensorboard": ["logdir", "interactive_debugger", "non_interactive_debugger"],
    "hops.tls": [
        "get_key_store",
        "get_trust_store",
        "get_key_store_cert",
        "get_key_store_pwd",
        "get_trust_store_pwd",
        "get_client_certificate_location",
        "get_client_key_location",
        "get_ca_chain_location",
        "pems_dir",
    ],
    "hops.user": ["create_user"],
    "hops.util": [
        "http",
        "connect",
        "set_auth_header",
        "get_requests_verify",
        "send_request",
        "get_job_name",
        "get_jwt",
        "parse_redhift_jdbc_url",
        "get_redshift_username_password",
        "get_flink_conf_dir",
        "get_flink_lib_dir",
        "get_hadoop_home",
        "get_hadoop_classpath_glob",
        "num_executors",
        "num_param_servers",
        "get_secret",
        "write_b64_cert_to_bytes",
        "notebook_post_save",
        "get_notebook_kernel_id",
        "attach_jupyter_configuration_to_notebook",
    ],
    "hops.version": ["__version__"],
    "hops.xattr": ["set_xattr", "get_xattr", "remove_xattr"],
    # hops.featurestore only raised a deprecation on import in 3.8; the name is kept free
    # for the feature store stage (hopsml_lab/featurestore/).
}


# The feature store's paths in hopsworks 5.2.1 (hsfs merged into it) offered so far:
# each module and the names notebooks take from it, read from the real sources.
HSFS_PATHS: dict[str, list[str]] = {
    "hopsworks": ["login", "logout", "connection", "get_current_project", "udf", "hsfs"],
    "hsfs": ["connection"],
    "hsfs.feature": ["Feature"],
    "hsfs.feature_group": ["FeatureGroup"],
    "hsfs.feature_store": ["FeatureStore"],
    "hsfs.feature_view": ["FeatureView"],
    "hsfs.training_dataset": ["TrainingDataset"],
    "hsfs.training_dataset_feature": ["TrainingDatasetFeature"],
    "hsfs.training_dataset_split": ["TrainingDatasetSplit"],
    "hsfs.transformation_function": ["TransformationFunction"],
    "hsfs.hopsworks_udf": ["udf", "HopsworksUdf"],
    "hsfs.builtin_transformations": [
        "min_max_scaler",
        "standard_scaler",
        "robust_scaler",
        "label_encoder",
        "one_hot_encoder",
    ],
    "hsfs.transformation_statistics": ["TransformationStatistics"],
    "hsfs.statistics_config": ["StatisticsConfig"],
    "hsfs.statistics": ["Statistics"],
    "hsfs.split_statistics": ["SplitStatistics"],
    "hsfs.constructor.query": ["Query"],
    "hsfs.constructor.filter": ["Filter", "Logic"],
    "hsfs.constructor.join": ["Join"],
    "hsfs.client.exceptions": [
        "FeatureStoreException",
        "TransformationFunctionException",
        "DataValidationException",
    ],
    "hsfs.core.feature_descriptive_statistics": ["FeatureDescriptiveStatistics"],
    "hsfs.expectation_suite": ["ExpectationSuite"],
    "hsfs.ge_expectation": ["GeExpectation"],
    "hsfs.ge_validation_result": ["ValidationResult"],
    "hsfs.validation_report": ["ValidationReport"],
    "hsfs.feature_group_writer": ["FeatureGroupWriter"],
    "hsfs.core.constants": ["HAS_GREAT_EXPECTATIONS", "GE_MAJOR"],
    # Jobs (hopsworks 5.2.1 re-exports these from hopsworks_common).
    "hopsworks.job": ["Job"],
    "hopsworks.execution": ["Execution"],
    "hopsworks.core.job_api": ["JobApi", "JobsApi"],
    "hopsworks.client.exceptions": ["JobException", "JobExecutionException"],
}


def ours(path: str) -> str:
    """Our module for a real path: maggy.x -> hopsml_lab.maggy.x (hsfs and hopsworks
    alike), hops.x -> hopsml_lab.x."""
    package, _, rest = path.partition(".")
    if package in ("maggy", "hsfs", "hopsworks"):
        return f"hopsml_lab.{path}"
    return "hopsml_lab" + (f".{rest}" if rest else "")


@pytest.mark.parametrize(
    ("path", "names"),
    [*MAGGY_PATHS.items(), *HOPS_PATHS.items(), *HSFS_PATHS.items()],
    ids=[*MAGGY_PATHS, *HOPS_PATHS, *HSFS_PATHS],
)
def test_every_path_imports_with_its_public_names(path: str, names: list[str]) -> None:
    module = importlib.import_module(ours(path))
    missing = [name for name in names if not hasattr(module, name)]
    assert not missing, f"{ours(path)} lacks {missing} of {path}"


def test_both_ways_notebooks_import_lagom() -> None:
    from hopsml_lab.maggy.experiment import experiment as submodule

    assert callable(submodule.lagom)
    from hopsml_lab.maggy import experiment as package  # fails in real maggy; works here

    assert package.lagom is submodule.lagom


# -- signatures: parameter names and defaults as in the real sources -----------------------

REAL_SIGNATURES = {
    "hopsml_lab.experiment.launch": (
        "train_fn, args_dict=None, name='no-name', local_logdir=False, description=None, "
        "metric_key=None"
    ),
    "hopsml_lab.experiment.random_search": (
        "train_fn, boundary_dict, direction='MAX', samples=10, name='no-name', "
        "local_logdir=False, description=None, optimization_key='metric'"
    ),
    "hopsml_lab.experiment.differential_evolution": (
        "train_fn, boundary_dict, direction='MAX', generations=4, population=6, mutation=0.5, "
        "crossover=0.7, name='no-name', local_logdir=False, description=None, "
        "optimization_key='metric'"
    ),
    "hopsml_lab.experiment.grid_search": (
        "train_fn, grid_dict, direction='MAX', name='no-name', local_logdir=False, "
        "description=None, optimization_key='metric'"
    ),
    "hopsml_lab.experiment.parameter_server": (
        "train_fn, name='no-name', local_logdir=False, description=None, evaluator=False, "
        "metric_key=None"
    ),
    "hopsml_lab.experiment.mirrored": (
        "train_fn, name='no-name', local_logdir=False, description=None, evaluator=False, "
        "metric_key=None"
    ),
    "hopsml_lab.model.export": (
        "model_path, model_name, model_version=None, overwrite=False, metrics=None, "
        "description=None, synchronous=True, synchronous_timeout=120, project=None"
    ),
    "hopsml_lab.model.get_best_model": "name, metric, direction",
    "hopsml_lab.model.get_model": "name, version, project_name=None",
    "hopsml_lab.model.download_model": "name, version=None, project_name=None, overwrite=False",
    "hopsml_lab.maggy.experiment.experiment.lagom": "train_fn, config=None",
    "hopsml_lab.maggy.searchspace.Searchspace": "**kwargs",
    "hopsml_lab.maggy.config.HyperparameterOptConfig": (
        "num_trials, optimizer, searchspace, optimization_key='Metric', direction='max', "
        "es_interval=1, es_min=10, es_policy='median', name='HPOptimization', description='', "
        "hb_interval=1, model=None, dataset=None"
    ),
    "hopsml_lab.maggy.config.BaseConfig": "name='base', hb_interval=1, description=''",
    "hopsml_lab.maggy.config.LagomConfig": "name, description, hb_interval",
    "hopsml_lab.maggy.config.TfDistributedConfig": (
        "model=None, dataset=None, process_data=None, mixed_precision=False, name='tfDist', "
        "hb_interval=1, description='', hparams=None"
    ),
    "hopsml_lab.maggy.config.TorchDistributedConfig": (
        "module, dataset=None, hparams=None, backend='torch', mixed_precision=False, "
        "zero_lvl=0, deepspeed_config=None, name='torchDist', hb_interval=1, description=''"
    ),
    "hopsml_lab.maggy.config.AblationConfig": (
        "ablation_study, ablator='loco', direction='max', name='ablationStudy', "
        "description='', hb_interval=1, model=None, dataset=None"
    ),
    "hopsml_lab.maggy.optimizer.Asha": "reduction_factor=2, resource_min=1, resource_max=4",
    "hopsml_lab.maggy.optimizer.RandomSearch": "**kwargs",
    "hopsml_lab.maggy.optimizer.GridSearch": "**kwargs",
    "hopsml_lab.maggy.optimizer.SingleRun": "",
    "hopsml_lab.maggy.optimizer.AbstractOptimizer": "pruner=None, pruner_kwargs=None",
    "hopsml_lab.maggy.optimizer.bayes.GP": (
        "async_strategy='impute', impute_strategy='cl_min', acq_fun=None, acq_fun_kwargs=None, "
        "acq_optimizer='lbfgs', acq_optimizer_kwargs=None, **kwargs"
    ),
    "hopsml_lab.maggy.optimizer.bayes.TPE": (
        "gamma=0.15, n_samples=24, bw_estimation='normal_reference', bw_factor=3, **kwargs"
    ),
    "hopsml_lab.maggy.pruner.Hyperband": "min_budget, max_budget, eta, n_iterations, **kwargs",
    "hopsml_lab.maggy.ablation.AblationStudy": (
        "training_dataset_name, training_dataset_version, label_name, **kwargs"
    ),
    "hopsml_lab.maggy.trial.Trial": "params, trial_type='optimization', info_dict=None",
    "hopsml_lab.maggy.callbacks.KerasBatchEnd": "reporter, metric='loss'",
    "hopsml_lab.maggy.callbacks.KerasEpochEnd": "reporter, metric='val_loss'",
    "hopsml_lab.hdfs.copy_to_hdfs": "local_path, relative_hdfs_path, overwrite=False, project=None",
    "hopsml_lab.hdfs.copy_to_local": "hdfs_path, local_path='', overwrite=False, project=None",
    "hopsml_lab.hdfs.ls": "hdfs_path, recursive=False, exclude_nn_addr=False",
    "hopsml_lab.hdfs.glob": "hdfs_path, recursive=False, project=None",
    "hopsml_lab.hdfs.cp": "src_hdfs_path, dest_hdfs_path, overwrite=False",
    "hopsml_lab.hdfs.open_file": "hdfs_path, project=None, flags='rw', buff_size=0",
    "hopsml_lab.hdfs.chmod": "hdfs_path, mode, project=None",
    "hopsml_lab.numpy_helper.savez": "hdfs_filename, *args, **kwds",
    "hopsml_lab.pandas_helper.write_csv": "hdfs_filename, dataframe, **kwds",
    "hopsml_lab.util.connect": (
        "host=None, port=443, scheme='https', hostname_verification=False, api_key_file=None, "
        "region_name='default', secrets_store='local', trust_store_path=None"
    ),
    "hopsml_lab.util.http": "resource_url, headers=None, method='GET', data=None",
    "hopsml_lab.project.connect": (
        "project, host=None, port=443, scheme='https', hostname_verification=False, "
        "api_key=None, region_name='default', secrets_store='local', trust_store_path=None"
    ),
    "hopsml_lab.serving.create_or_update": (
        "serving_name, model_path, model_server, model_version=1, artifact_version=None, "
        "predictor=None, transformer=None, kserve=None, batching_enabled=False, "
        "topic_name='CREATE', num_partitions=1, num_replicas=1, inference_logging='ALL', "
        "instances=1, transformer_instances=None, predictor_resource_config=None"
    ),
    "hopsml_lab.dataset.delete": "remote_path, project_name=None, block=True, timeout=30",
    "hopsml_lab.dataset.HTTPUpload": "file, path, flow_standard_chunk_size=1048576",
    "hopsml_lab.credentials_provider.assume_role": (
        "role_arn=None, role_session_name=None, duration_seconds=3600"
    ),
    "hopsml_lab.secret.create_secret": "name, secret, project_name=None",
    "hopsml_lab.jobs.get_executions": "name, query=''",
}


def _resolve(dotted: str) -> Any:
    module, _, name = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except ModuleNotFoundError:
        owner, _, cls = module.rpartition(".")
        return getattr(getattr(importlib.import_module(owner), cls), name)


def _real(signature: str) -> list[tuple[str, Any]]:
    """(name, default or the marker '-') per parameter of the real signature text."""
    args = ast.parse(f"def f({signature}): pass").body[0].args  # type: ignore[attr-defined]
    plain = [(a.arg, "-") for a in args.args]
    for n, default in enumerate(args.defaults, start=len(plain) - len(args.defaults)):
        plain[n] = (plain[n][0], ast.literal_eval(default))
    varargs = [(f"*{args.vararg.arg}", "-")] if args.vararg else []
    keywords = [(f"**{args.kwarg.arg}", "-")] if args.kwarg else []
    return plain + varargs + keywords


def _ours(target: Callable[..., Any]) -> list[tuple[str, Any]]:
    found = []
    for p in inspect.signature(target).parameters.values():
        prefix = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
        found.append((prefix + p.name, "-" if p.default is p.empty else p.default))
    return found


@pytest.mark.parametrize("dotted", sorted(REAL_SIGNATURES))
def test_signatures_match_the_real_ones(dotted: str) -> None:
    """The real parameters in order, with the real defaults. Ours may add parameters with
    defaults at the end, or give a default to one the real function requires."""
    real, mine = _real(REAL_SIGNATURES[dotted]), _ours(_resolve(dotted))
    kept = [p for p in mine if not p[0].startswith("**")]
    real_plain = [p for p in real if not p[0].startswith("**")]
    assert [name for name, _ in kept[: len(real_plain)]] == [name for name, _ in real_plain]
    for (name, default), (_, ours_default) in zip(real_plain, kept, strict=False):
        assert default == "-" or ours_default == default, f"{name}: {ours_default!r}"
    assert all(default != "-" for _, default in kept[len(real_plain) :]), "added, undefaulted"
    assert [p for p in mine if p[0].startswith("**")] == [p for p in real if p[0].startswith("**")]


# -- what needs a Hopsworks cluster raises ClusterOnly, naming what to do instead ------------

CLUSTER_ONLY = {
    "kafka": ["get_broker_endpoints", "get_schema", "parse_avro_msg", "KafkaTopicDTO"],
    "tls": ["get_key_store", "get_trust_store_pwd", "get_ca_chain_location", "pems_dir"],
    "elasticsearch": ["get_elasticsearch_index", "get_authorization_token"],
    "hive": ["setup_hive_connection"],
    "secret": ["create_secret", "get_secret", "delete_secret"],
    "xattr": ["set_xattr", "get_xattr", "remove_xattr"],
    "credentials_provider": ["assume_role", "get_roles", "get_role"],
    "user": ["create_user"],
    "service_discovery": ["ServiceDiscovery.get_service", "ServiceDiscovery.get_any_service"],
    "util": ["connect", "http", "send_request", "get_jwt", "get_secret"],
    "dataset": ["upload", "download", "path_exists", "delete", "compress", "HTTPUpload"],
    "project": ["connect", "create", "get_project_info"],
    "hdfs": ["chmod", "chown", "get_fs", "capacity", "project_id", "add_module"],
    "tensorboard": ["interactive_debugger", "non_interactive_debugger"],
}


def _call_with_placeholders(target: Callable[..., Any]) -> None:
    required = [
        p
        for p in inspect.signature(target).parameters.values()
        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    target(*["x"] * len(required))


@pytest.mark.parametrize("family", sorted(CLUSTER_ONLY))
def test_cluster_only_functions_raise_a_clear_error(family: str) -> None:
    for name in CLUSTER_ONLY[family]:
        target = _resolve(f"hopsml_lab.{family}.{name}")
        with pytest.raises(ClusterOnly) as raised:
            _call_with_placeholders(target)
        message = str(raised.value)
        assert f"hops' {family}.{name}() needs a Hopsworks cluster" in message
        assert message.split("does not have: ", 1)[1]  # says what to do instead
        assert isinstance(raised.value, Unavailable)


def test_cluster_only_modules_have_no_function_left_unguarded() -> None:
    """Every function of the modules that are wholly cluster-only raises ClusterOnly."""
    for family in ("kafka", "tls", "elasticsearch", "hive", "secret", "xattr", "user"):
        module = importlib.import_module(f"hopsml_lab.{family}")
        for name in HOPS_PATHS[f"hops.{family}"]:
            with pytest.raises(ClusterOnly):
                _call_with_placeholders(getattr(module, name))


def test_util_functions_that_mean_something_locally(monkeypatch, tmp_path: Path) -> None:
    from hopsml_lab import util

    monkeypatch.delenv("HOPSWORKS_JOB_NAME", raising=False)
    monkeypatch.delenv("NUM_TF_PS", raising=False)
    assert util.get_job_name() is None and util.num_param_servers() == 0
    monkeypatch.setenv("HADOOP_HOME", "/opt/hadoop")
    assert util.get_hadoop_home() == "/opt/hadoop"
    url = "jdbc:redshift://cluster.abc.eu-west-1.redshift.amazonaws.com:5439/dev?user=me"
    assert util.parse_redhift_jdbc_url(url) == ("eu-west-1", "cluster", "dev", "me")
    util.write_b64_cert_to_bytes("aGk=", str(tmp_path / "cert"))
    assert (tmp_path / "cert").read_bytes() == b"hi"


def test_hops_exceptions_derive_from_hopsml_errors() -> None:
    from hopsml_lab import errors, exceptions

    assert issubclass(exceptions.RestAPIError, errors.HopsMLError)
    assert issubclass(exceptions.APIKeyFileNotFound, errors.NotFound)
    assert issubclass(exceptions.UnkownSecretStorageError, errors.BadInput)


# -- maggy features HopsML Lab does not have yet raise, naming what to use -----------------


def _config(**kwargs: Any) -> Any:
    from hopsml_lab.maggy import Searchspace
    from hopsml_lab.maggy.config import HyperparameterOptConfig

    arguments = {"num_trials": 4, "optimizer": "randomsearch"}
    arguments["searchspace"] = Searchspace(x=("DOUBLE", [0, 1]))
    return HyperparameterOptConfig(**{**arguments, **kwargs})


NOT_YET: dict[str, tuple[Callable[[], Any], str]] = {
    "grid search pruner": (
        lambda: _resolve("hopsml_lab.maggy.optimizer.GridSearch")(pruner="hyperband"),
        "pruner='hyperband'",
    ),
}


@pytest.mark.parametrize("case", sorted(NOT_YET))
def test_maggy_features_not_here_yet_say_what_to_use(case: str) -> None:
    build, instead = NOT_YET[case]
    with pytest.raises(NotImplementedError, match="is not available in HopsML Lab yet") as e:
        build()
    assert isinstance(e.value, NotInHopsMLLab)
    assert instead in str(e.value)


# -- maggy's objects that work here --------------------------------------------------------


def test_maggy_optimizer_objects_become_our_searches() -> None:
    from hopsml_lab.maggy import Searchspace
    from hopsml_lab.maggy.earlystop import MedianStoppingRule, NoStoppingRule
    from hopsml_lab.maggy.optimizer import Asha, GridSearch, RandomSearch, SingleRun

    asha = Asha(3, 1, 9).proposals(_config(optimizer=Asha(3, 1, 9)))
    assert asha.budgets == [1, 3, 9] and asha.num_trials == 4
    assert len(RandomSearch().proposals(_config()).initial(10)) == 4
    assert SingleRun().proposals(_config(optimizer="none")).initial(10) == [{}] * 4
    grid = Searchspace(act=("CATEGORICAL", ["relu", "tanh"]), layers=("DISCRETE", [1, 2]))
    assert GridSearch.get_num_trials(grid) == 4
    assert _config(es_policy=MedianStoppingRule).es_policy is MedianStoppingRule
    assert _config(es_policy=NoStoppingRule()).num_trials == 4
    with pytest.raises(NotImplementedError, match=r"run by experiment\.lagom"):
        Asha().get_suggestion()
    with pytest.raises(ValueError, match="reduction_factor"):
        Asha(reduction_factor=1)


def test_maggy_median_rule_check_and_trials() -> None:
    from hopsml_lab.maggy.earlystop import MedianStoppingRule, NoStoppingRule
    from hopsml_lab.maggy.trial import Trial

    finished = []
    for lr, history in ((0.1, [0.8, 0.9]), (0.2, [0.7, 0.8])):
        trial = Trial({"lr": lr})
        for step, value in enumerate(history):
            assert trial.append_metric({"step": step, "value": value}) == step
        finished.append(trial)
    running = Trial({"lr": 0.3})
    running.append_metric({"step": 0, "value": 0.1})
    assert running.append_metric({"step": 0, "value": 0.5}) is None  # a step once
    check = MedianStoppingRule.earlystop_check
    assert check(running, finished, "max") == running.trial_id
    assert check(running, finished, "min") is None
    assert NoStoppingRule.earlystop_check(running, finished, "max") is None
    again = Trial.from_json(running.to_json())
    assert (again.trial_id, again.metric_history) == (running.trial_id, [0.1])
    assert Trial({"lr": 0.3}).trial_id == running.trial_id  # stable across processes


def test_maggy_searchspace_methods() -> None:
    from hopsml_lab.maggy import Searchspace

    space = Searchspace(lr=("DOUBLE", [0.01, 0.1]), act=("CATEGORICAL", ["relu", "tanh"]))
    assert space.get("lr") == [0.01, 0.1] and space.lr == [0.01, 0.1]
    assert space.get("missing", 5) == 5 and "act" in space
    assert space.keys() == ["lr", "act"]
    assert space.values() == [("DOUBLE", [0.01, 0.1]), ("CATEGORICAL", ["relu", "tanh"])]
    assert list(space.items())[1] == {"name": "act", "type": "CATEGORICAL", "values": space.act}
    assert Searchspace(**space.to_dict()).names() == space.names()
    assert space.json() == (
        '{"act": ["CATEGORICAL", ["relu", "tanh"]], "lr": ["DOUBLE", [0.01, 0.1]]}'
    )
    drawn = space.get_random_parameter_values(3)
    assert len(drawn) == 3 and all(0.01 <= d["lr"] <= 0.1 for d in drawn)


def test_maggy_version_and_exceptions() -> None:
    import hopsml_lab
    from hopsml_lab.engine.reporter import EarlyStopException
    from hopsml_lab.maggy.core import exceptions
    from hopsml_lab.maggy.version import __version__

    assert __version__ == hopsml_lab.__version__
    assert exceptions.EarlyStopException is EarlyStopException  # what trials really raise
    assert "(dataset: csv) is not supported by Maggy." in str(
        exceptions.NotSupportedError("dataset", "csv")
    )


# -- numpy_helper / pandas_helper / model on a project, local and on HDFS ------------------


def test_numpy_helper_round_trips(project: Path, tmp_path: Path, monkeypatch) -> None:
    from hopsml_lab import hdfs, numpy_helper

    monkeypatch.chdir(tmp_path)  # fromfile and memmap read a local copy here
    data = np.arange(6, dtype=np.float64).reshape(2, 3)
    numpy_helper.save("Resources/a.npy", data)
    assert np.array_equal(numpy_helper.load("Resources/a.npy"), data)
    assert np.array_equal(numpy_helper.load(hdfs.project_path() + "Resources/a.npy"), data)
    numpy_helper.savez("Resources/b.npz", data, named=data * 2)
    with numpy_helper.load("Resources/b.npz") as archive:
        assert np.array_equal(archive["arr_0"], data)
        assert np.array_equal(archive["named"], data * 2)
    numpy_helper.savez_compressed("Resources/c.npz", x=data)
    assert np.array_equal(numpy_helper.load("Resources/c.npz")["x"], data)
    hdfs.dump("1 2 3\n4 5 6\n", "Resources/t.txt")
    assert np.array_equal(numpy_helper.loadtxt("Resources/t.txt"), data + 1)
    assert np.array_equal(numpy_helper.genfromtxt("Resources/t.txt"), data + 1)
    found = numpy_helper.fromregex("Resources/t.txt", regexp=r"(\d) ", dtype=[("n", np.int64)])
    assert found["n"].tolist() == [1, 2, 4, 5]
    hdfs.dump(data.tobytes(), "Resources/raw.bin")
    assert np.array_equal(numpy_helper.fromfile("Resources/raw.bin").reshape(2, 3), data)
    mapped = numpy_helper.memmap("Resources/raw.bin", dtype=np.float64, mode="r", shape=(2, 3))
    assert np.array_equal(mapped, data)
    with pytest.raises(FileNotFoundError):
        numpy_helper.load("Resources/none.npy")


def test_pandas_helper_round_trips(project: Path) -> None:
    from hopsml_lab import pandas_helper

    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    pandas_helper.write_csv("Resources/t.csv", frame, index=False)
    assert (project / "Resources" / "t.csv").read_text().splitlines()[0] == "a,b"
    pd.testing.assert_frame_equal(pandas_helper.read_csv("Resources/t.csv"), frame)
    pandas_helper.write_parquet("Resources/t.parquet", frame)
    pd.testing.assert_frame_equal(pandas_helper.read_parquet("Resources/t.parquet"), frame)
    pandas_helper.write_json("Resources/t.json", frame, orient="records")
    pd.testing.assert_frame_equal(
        pandas_helper.read_json("Resources/t.json", orient="records"), frame
    )
    pandas_helper.write_csv("Resources/t.csv", frame.head(1), index=False)  # replaces it
    assert len(pandas_helper.read_csv("Resources/t.csv")) == 1


def test_hdfs_file_functions(project: Path) -> None:
    from hopsml_lab import hdfs

    hdfs.dump("a", "Resources/d/one.csv")
    hdfs.dump("b", "Resources/d/two.txt")
    base = hdfs.project_path()
    assert hdfs.glob("Resources/d/*.csv") == [base + "Resources/d/one.csv"]
    assert hdfs.isdir("Resources/d") and hdfs.isfile("Resources/d/one.csv")
    assert not hdfs.isfile("Resources/d") and not hdfs.isdir("Resources/none")
    assert hdfs.abs_path("Resources/d") == base + "Resources/d"
    assert hdfs.get_plain_path("hdfs://10.0.2.15:8020/Projects/demo/Models/") == (
        "/Projects/demo/Models/"
    )
    hdfs.cp("Resources/d", "Resources/e")
    assert hdfs.load("Resources/e/two.txt") == b"b"
    with pytest.raises(FileExistsError, match="overwrite=True"):
        hdfs.cp("Resources/d", "Resources/e")
    hdfs.move("Resources/e", "Resources/f")
    assert not hdfs.exists("Resources/e") and hdfs.exists("Resources/f/one.csv")
    assert [e["kind"] for e in hdfs.lsl("Resources")] == ["directory", "directory"]
    with hdfs.open_file("Resources/f/new.txt", flags="wt") as handle:
        handle.write("written")
    with hdfs.open_file("Resources/f/new.txt", flags="a") as handle:
        handle.write(b"+more")
    with hdfs.open_file("Resources/f/new.txt", flags="rt") as handle:
        assert handle.read() == "written+more"
    hdfs.rmr("Resources/f")
    assert not hdfs.exists("Resources/f")
    assert hdfs.project_name() == "demo"


def test_model_best_version_and_download(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hopsml_lab import model
    from hopsml_lab.model import Metric, ModelArchiveExists, ModelNotFound

    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "weights.bin").write_bytes(b"w")
    for accuracy in (0.7, 0.9, 0.8):
        model.export(str(saved), "mnist", metrics={"accuracy": accuracy})
    best = model.get_best_model("mnist", "accuracy", Metric.MAX)
    assert (best["version"], best["metrics"]) == (2, {"accuracy": 0.9})
    assert model.get_best_model("mnist", "accuracy", Metric.MIN)["version"] == 1
    assert model.get_model("mnist", 3)["metrics"] == {"accuracy": 0.8}
    with pytest.raises(ModelNotFound):
        model.get_best_model("mnist", "loss", Metric.MAX)
    with pytest.raises(ModelNotFound):
        model.get_model("mnist", 4)

    monkeypatch.chdir(tmp_path)
    archive = model.download_model("mnist", 2)
    assert archive == str(tmp_path / "mnist2.zip")
    import zipfile

    assert zipfile.ZipFile(archive).namelist() == ["2/", "2/weights.bin"]
    with pytest.raises(ModelArchiveExists, match="overwrite=True"):
        model.download_model("mnist", 2)
    assert model.download_model("mnist", 2, overwrite=True) == archive
