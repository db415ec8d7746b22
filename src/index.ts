/** HopsML Lab: one JupyterLab plugin that builds the HopsML client and lets each
 * domain register its commands and views: experiments (sidebar, detail, comparison),
 * the feature store (sidebar, group detail) and TensorBoards (panels, `%tensorboard`
 * outputs), the model registry and deployments (one sidebar). */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';

import {
  DeploymentsClient,
  FeatureStoreClient,
  HopsMLClient,
  RegistryClient,
  ValidationClient
} from './api';
import { serverRequester } from './connection';
import { registerDeployments } from './deployments/plugin';
import { registerExperiments } from './experiments/plugin';
import { registerFeatureStore } from './featurestore/plugin';
import { PipelinesClient } from './pipelines/client';
import { registerPipelines } from './pipelines/plugin';
import { registerRegistry } from './registry/plugin';
import { registerTensorBoards } from './tensorboards/plugin';

export { EXPERIMENT_CHANGED } from './experiments/plugin';
export { FEATURESTORE_CHANGED } from './featurestore/plugin';
export { CommandIDs } from './shared/commands';
export { hopsmlIcon } from './shared/icon';

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'hopsml-lab:plugin',
  description:
    'HopsML Lab sidebars: experiment history, details, comparison, TensorBoard; ' +
    'feature groups, views and training datasets; models and deployments.',
  autoStart: true,
  optional: [ICommandPalette, ILayoutRestorer, IRenderMimeRegistry],
  activate: (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    rendermime: IRenderMimeRegistry | null
  ) => {
    const request = serverRequester(app.serviceManager.serverSettings);
    const client = new HopsMLClient(request);
    registerExperiments(app, client, { palette, restorer });
    registerFeatureStore(app, new FeatureStoreClient(request), {
      palette,
      restorer,
      validation: new ValidationClient(request)
    });
    registerTensorBoards(app, client, { restorer, rendermime });
    const models = registerRegistry(app, new RegistryClient(request), { palette, restorer });
    registerDeployments(app, new DeploymentsClient(request), { palette, sidebar: models });
    registerPipelines(app, new PipelinesClient(request), { palette, restorer });
  }
};

export default plugin;
