/** Pipelines in JupyterLab: the Pipelines sidebar (its pipelines, runs, stage logs and
 * executed notebooks), and the commands that run a pipeline and open what it ran. */
import { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { SidePanel } from '@jupyterlab/ui-components';

import { PipelinesClient } from './client';
import { pipelinesIcon } from './icon';
import { PipelinesModel } from './model';
import { PipelinesWidget } from './panels';

export const PIPELINES_SIDEBAR_ID = 'hopsml-pipelines';

export namespace PipelineCommandIDs {
  /** args: {name: string} */
  export const run = 'hopsml:run-pipeline';
  /** args: {path: string} (relative to the server's root) */
  export const openNotebook = 'hopsml:open-executed-notebook';
  export const refresh = 'hopsml:refresh-pipelines';
  export const show = 'hopsml:show-pipelines';
}

export interface IPipelinesOptions {
  palette: ICommandPalette | null;
  restorer: ILayoutRestorer | null;
}

export function registerPipelines(
  app: JupyterFrontEnd,
  client: PipelinesClient,
  { palette, restorer }: IPipelinesOptions
): PipelinesModel {
  const model = new PipelinesModel(client);
  app.commands.addCommand(PipelineCommandIDs.run, {
    label: args => `Run Pipeline ${String(args.name ?? '')}`.trim(),
    execute: args => model.run(String(args.name ?? ''))
  });
  app.commands.addCommand(PipelineCommandIDs.openNotebook, {
    label: 'Open Executed Notebook',
    execute: args => app.commands.execute('docmanager:open', { path: String(args.path ?? '') })
  });
  app.commands.addCommand(PipelineCommandIDs.refresh, {
    label: 'Refresh HopsML Pipelines',
    execute: () => model.refresh()
  });

  const sidebar = new SidePanel();
  sidebar.id = PIPELINES_SIDEBAR_ID;
  sidebar.addClass('hopsml-PipelinesSidebar');
  sidebar.title.icon = pipelinesIcon;
  sidebar.title.caption = 'Pipelines';
  sidebar.addWidget(
    new PipelinesWidget(model, {
      run: name => void app.commands.execute(PipelineCommandIDs.run, { name }),
      openNotebook: path => void app.commands.execute(PipelineCommandIDs.openNotebook, { path })
    })
  );
  app.shell.add(sidebar, 'left', { rank: 203 });
  app.commands.addCommand(PipelineCommandIDs.show, {
    label: 'Show HopsML Pipelines',
    execute: () => app.shell.activateById(sidebar.id)
  });
  if (restorer) {
    restorer.add(sidebar, PIPELINES_SIDEBAR_ID);
  }
  if (palette) {
    for (const command of [PipelineCommandIDs.refresh, PipelineCommandIDs.show]) {
      palette.addItem({ command, category: 'HopsML Lab' });
    }
  }
  return model;
}
