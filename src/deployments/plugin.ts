/** Deployments in JupyterLab: the Deployments section of the models sidebar, polled
 * while in view, and the commands that start and stop a deployment. */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { SidePanel } from '@jupyterlab/ui-components';

import { DeploymentsClient } from '../api';
import { DeploymentsModel } from './model';
import { DeploymentsWidget } from './panels';

export namespace DeploymentCommandIDs {
  /** args: {name: string} */
  export const start = 'hopsml:start-deployment';
  /** args: {name: string} */
  export const stop = 'hopsml:stop-deployment';
  export const refresh = 'hopsml:refresh-deployments';
}

export interface IDeploymentsOptions {
  palette: ICommandPalette | null;
  /** The sidebar the section goes in (the registry's). */
  sidebar: SidePanel;
}

export function registerDeployments(
  app: JupyterFrontEnd,
  client: DeploymentsClient,
  { palette, sidebar }: IDeploymentsOptions
): void {
  const model = new DeploymentsModel(client);
  app.commands.addCommand(DeploymentCommandIDs.start, {
    label: args => `Start Deployment ${String(args.name ?? '')}`.trim(),
    execute: args => model.start(String(args.name ?? ''))
  });
  app.commands.addCommand(DeploymentCommandIDs.stop, {
    label: args => `Stop Deployment ${String(args.name ?? '')}`.trim(),
    execute: args => model.stop(String(args.name ?? ''))
  });
  app.commands.addCommand(DeploymentCommandIDs.refresh, {
    label: 'Refresh HopsML Deployments',
    execute: () => model.refresh()
  });
  sidebar.addWidget(
    new DeploymentsWidget(model, {
      start: name => void app.commands.execute(DeploymentCommandIDs.start, { name }),
      stop: name => void app.commands.execute(DeploymentCommandIDs.stop, { name })
    })
  );
  if (palette) {
    palette.addItem({ command: DeploymentCommandIDs.refresh, category: 'HopsML Lab' });
  }
}
