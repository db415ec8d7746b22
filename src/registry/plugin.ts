/** The model registry in JupyterLab: the "Models and deployments" sidebar (the
 * deployments domain adds its section to it), the Models section and its commands.
 * Lineage links open the experiment and the feature store through their commands. */
import { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { SidePanel } from '@jupyterlab/ui-components';

import { RegistryClient } from '../api';
import { CommandIDs } from '../shared/commands';
import { modelsIcon } from './icon';
import { RegistryModel } from './model';
import { ModelsWidget } from './panels';

export const MODELS_SIDEBAR_ID = 'hopsml-models';

export namespace RegistryCommandIDs {
  export const refresh = 'hopsml:refresh-models';
  export const show = 'hopsml:show-models';
}

export interface IRegistryOptions {
  palette: ICommandPalette | null;
  restorer: ILayoutRestorer | null;
}

/** Add the sidebar with its Models section; answers the sidebar for other sections. */
export function registerRegistry(
  app: JupyterFrontEnd,
  client: RegistryClient,
  { palette, restorer }: IRegistryOptions
): SidePanel {
  const model = new RegistryModel(client);
  const section = new ModelsWidget(model, {
    openExperiment: id => void app.commands.execute(CommandIDs.openExperiment, { id }),
    // The feature store's sidebar lists the view with its training datasets.
    openFeatureView: () => void app.commands.execute(CommandIDs.showFeatureStore)
  });
  const sidebar = new SidePanel();
  sidebar.id = MODELS_SIDEBAR_ID;
  sidebar.addClass('hopsml-ModelsSidebar');
  sidebar.title.icon = modelsIcon;
  sidebar.title.caption = 'Models and deployments';
  sidebar.addWidget(section);
  app.shell.add(sidebar, 'left', { rank: 202 });

  app.commands.addCommand(RegistryCommandIDs.refresh, {
    label: 'Refresh HopsML Models',
    execute: () => model.refresh()
  });
  app.commands.addCommand(RegistryCommandIDs.show, {
    label: 'Show HopsML Models and Deployments',
    execute: () => app.shell.activateById(sidebar.id)
  });
  if (restorer) {
    restorer.add(sidebar, MODELS_SIDEBAR_ID);
  }
  if (palette) {
    for (const command of [RegistryCommandIDs.refresh, RegistryCommandIDs.show]) {
      palette.addItem({ command, category: 'HopsML Lab' });
    }
  }
  return sidebar;
}
