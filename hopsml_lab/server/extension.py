"""The jupyter_server extension: settings from traitlets, routes, change events."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from jupyter_server.extension.application import ExtensionApp
from jupyter_server.utils import url_path_join
from tornado.ioloop import PeriodicCallback
from traitlets import Float, Type, Unicode

from ..deployments.service import DeploymentService
from ..experiments.service import ExperimentService
from ..featurestore.browse.browse import FeatureStoreBrowser
from ..lab import Lab
from ..redact import mask_url
from ..registry.browse import RegistryBrowser
from ..settings import ENV_TENSORBOARD_PROXY, Settings, SettingsError
from ..tensorboards import TensorBoardManager
from ..validation.browse import ValidationBrowser
from .routes import all_routes
from .tensorboards import PROXY

EVENTS = Path(__file__).with_name("events")
EVENT_SCHEMA = EVENTS / "experiment-changed.yaml"
EXPERIMENT_CHANGED = "https://events.hopsml.dev/hopsml_lab/experiment-changed"
FEATURESTORE_SCHEMA = EVENTS / "featurestore-changed.yaml"
FEATURESTORE_CHANGED = "https://events.hopsml.dev/hopsml_lab/featurestore-changed"


class HopsMLExtension(ExtensionApp):
    name = "hopsml_lab"

    project_root = Unicode(
        None,
        allow_none=True,
        config=True,
        help="Project folder or hdfs:// URL (default: $HOPSML_PROJECT_ROOT, or ~/hopsml/demo).",
    )
    project_name = Unicode(None, allow_none=True, config=True, help="Project name.")
    catalog_url = Unicode(
        None,
        allow_none=True,
        config=True,
        help="SQLAlchemy URL of the catalog (default: SQLite in the project's .hopsml folder).",
    )
    spark_master = Unicode(None, allow_none=True, config=True, help="Spark master URL.")
    service_class = Type(
        default_value=ExperimentService,
        klass=ExperimentService,
        config=True,
        help="The service the REST handlers call.",
    )
    featurestore_class = Type(
        default_value=FeatureStoreBrowser,
        klass=FeatureStoreBrowser,
        config=True,
        help="The feature store service the REST handlers call.",
    )
    validation_class = Type(
        default_value=ValidationBrowser,
        klass=ValidationBrowser,
        config=True,
        help="The validation reports service the REST handlers call.",
    )
    registry_class = Type(
        default_value=RegistryBrowser,
        klass=RegistryBrowser,
        config=True,
        help="The model registry service the REST handlers call.",
    )
    deployments_class = Type(
        default_value=DeploymentService,
        klass=DeploymentService,
        config=True,
        help="The deployments service the REST handlers call.",
    )
    change_check_interval = Float(
        1.0,
        config=True,
        help="Seconds between checks of the catalog for changed experiments and feature store.",
    )

    deployment_check_interval = Float(
        3.0,
        config=True,
        help="Seconds between checks that the deployments which should run have their "
        "keeper process; a vanished one is restarted (0 turns the checks off).",
    )

    def initialize_settings(self) -> None:
        try:
            settings = Settings.from_env(
                project_root=self.project_root,
                project_name=self.project_name,
                catalog_url=self.catalog_url,
                spark_master=self.spark_master,
            )
        except SettingsError as error:
            self.log.error("HopsML Lab cannot start: %s", error)
            raise
        self.lab = Lab(settings)
        self.lab.project_id  # noqa: B018 - create the project row and migrate the catalog
        self.service = self.service_class(self.lab)
        self.featurestore = self.featurestore_class(self.lab)
        self.validation = self.validation_class(self.lab)
        self.registry = self.registry_class(self.lab)
        self.deployments = self.deployments_class(self.lab)
        self.tensorboards = TensorBoardManager(
            self.lab, idle_timeout=settings.tensorboard_idle_timeout
        )
        self.settings.update(
            {
                "hopsml_service": self.service,
                "hopsml_featurestore": self.featurestore,
                "hopsml_validation": self.validation,
                "hopsml_registry": self.registry,
                "hopsml_deployments": self.deployments,
                "hopsml_lab": self.lab,
                "hopsml_tensorboards": self.tensorboards,
                "hopsml_routes": self.routes,
            }
        )
        # Kernels this server starts inherit it: %tensorboard then opens the sidebar's
        # panel through this server instead of starting a TensorBoard of its own.
        os.environ[ENV_TENSORBOARD_PROXY] = url_path_join(self.serverapp.base_url, PROXY)
        self.serverapp.event_logger.register_event_schema(EVENT_SCHEMA)
        self.serverapp.event_logger.register_event_schema(FEATURESTORE_SCHEMA)
        self.log.info(
            "HopsML Lab: project %s at %s, catalog %s",
            settings.project_name,
            mask_url(self.lab.store.url()),
            mask_url(settings.resolved_catalog_url()),
        )

    routes = all_routes()

    def initialize_handlers(self) -> None:
        self.handlers.extend(route.rule() for route in self.routes)

    async def _start_jupyter_server_extension(self, serverapp: Any) -> None:
        if not hasattr(self, "service"):
            return  # settings failed (logged): nothing to watch, and the server can stop
        self._last_change = self.service.last_change()
        self._last_featurestore_change = self.featurestore.last_change()
        self._last_validation_change = self.validation.last_change()
        self._watcher = PeriodicCallback(self._check_changes, self.change_check_interval * 1000)
        self._watcher.start()
        interval = min(self.tensorboards.idle_timeout / 4, 30.0)
        self._idle_tensorboards = PeriodicCallback(self.tensorboards.stop_idle, interval * 1000)
        self._idle_tensorboards.start()
        if self.deployment_check_interval > 0:
            self._deployment_keeper = PeriodicCallback(
                self._supervise_deployments, self.deployment_check_interval * 1000
            )
            self._deployment_keeper.start()

    async def _supervise_deployments(self) -> None:
        """Restart vanished deployment keepers (off the event loop: a restart starts a
        process, and stopping one waits for it); the next check waits for this one."""
        try:
            await asyncio.to_thread(self.deployments.supervise)
        except Exception as error:  # a check that fails is logged; the next one retries
            self.log.warning("HopsML Lab: checking the deployments failed: %s", error)

    def _check_changes(self) -> None:
        self._check_experiments()
        self._check_featurestore()

    def _check_experiments(self) -> None:
        change = self.service.last_change()
        if change == self._last_change:
            return
        self._last_change = change
        self.tensorboards.refresh()  # trials a running search added since
        data: dict[str, Any] = {
            "project": self.lab.settings.project_name,
            "updated_at": change[0],
            "count": change[1],
        }
        self.serverapp.event_logger.emit(schema_id=EXPERIMENT_CHANGED, data=data)

    def _check_featurestore(self) -> None:
        change = self.featurestore.last_change()
        # a new validation report (%validate --save) changes a group's view too
        reports = self.validation.last_change()
        if change == self._last_featurestore_change and reports == self._last_validation_change:
            return
        self._last_featurestore_change = change
        self._last_validation_change = reports
        # change_marker: (count, max id) of groups, commits, views, training datasets
        data: dict[str, Any] = {
            "project": self.lab.settings.project_name,
            "groups": change[0],
            "commits": change[2],
            "views": change[4],
            "training_datasets": change[6],
        }
        self.serverapp.event_logger.emit(schema_id=FEATURESTORE_CHANGED, data=data)

    async def stop_extension(self) -> None:
        for name in ("_watcher", "_idle_tensorboards", "_deployment_keeper"):
            callback = getattr(self, name, None)
            if callback is not None:
                callback.stop()
        tensorboards = getattr(self, "tensorboards", None)
        if tensorboards is not None:
            tensorboards.stop_all()
        self.lab.db.dispose()
