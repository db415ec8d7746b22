/** HopsML Lab: one JupyterLab plugin that builds the HopsML client and lets each
 * domain register its commands and views: experiments (sidebar, detail, comparison)
 * and TensorBoards (panels, `%tensorboard` outputs). */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';

import { HopsMLClient } from './api';
import { serverRequester } from './connection';
import { registerExperiments } from './experiments/plugin';
import { registerTensorBoards } from './tensorboards/plugin';

export { EXPERIMENT_CHANGED } from './experiments/plugin';
export { CommandIDs } from './shared/commands';
export { hopsmlIcon } from './shared/icon';

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'hopsml-lab:plugin',
  description: 'HopsML Lab sidebar: experiment history, details, comparison, TensorBoard.',
  autoStart: true,
  optional: [ICommandPalette, ILayoutRestorer, IRenderMimeRegistry],
  activate: (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    rendermime: IRenderMimeRegistry | null
  ) => {
    const client = new HopsMLClient(serverRequester(app.serviceManager.serverSettings));
    registerExperiments(app, client, { palette, restorer });
    registerTensorBoards(app, client, { restorer, rendermime });
  }
};

export default plugin;
