/** The tensorboards domain in JupyterLab: the open-tensorboard command (one panel per
 * set of experiments) and the renderer of `%tensorboard` notebook outputs. */
import { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';

import { HopsMLClient } from '../api';
import { CommandIDs, tensorBoardOpener } from '../shared/commands';
import { showInMain } from '../shared/shell';
import { TensorBoardModel, tensorBoardKey } from './model';
import { tensorBoardRendererFactory } from './TensorBoardOutput';
import { TensorBoardPanel, stopButton } from './TensorBoardPanel';

export interface ITensorBoardsOptions {
  restorer: ILayoutRestorer | null;
  rendermime: IRenderMimeRegistry | null;
}

export function registerTensorBoards(
  app: JupyterFrontEnd,
  client: HopsMLClient,
  { restorer, rendermime }: ITensorBoardsOptions
): void {
  const tensorboards = new WidgetTracker<MainAreaWidget<TensorBoardPanel>>({
    namespace: 'hopsml-tensorboard'
  });

  app.commands.addCommand(CommandIDs.openTensorBoard, {
    label: 'Open TensorBoard',
    caption: 'TensorBoard of HopsML experiments, each trial a run',
    execute: args => {
      const ids = Array.isArray(args.ids) ? args.ids.map(String) : [];
      if (ids.length === 0) {
        throw new Error(`${CommandIDs.openTensorBoard} needs {ids: [experiment ids]}`);
      }
      const key = tensorBoardKey(ids);
      const open = tensorboards.find(w => w.content.model.key === key);
      if (open) {
        const { state } = open.content.model;
        if (state === 'failed' || state === 'stopped') {
          void open.content.model.start(); // asked for again: try again
        }
        app.shell.activateById(open.id);
        return open;
      }
      const label = typeof args.label === 'string' ? args.label : undefined;
      const model = new TensorBoardModel(client, ids);
      const widget = showInMain(app, new TensorBoardPanel(model, label));
      widget.toolbar.addItem('stop', stopButton(model));
      void model.start();
      void tensorboards.add(widget);
      return widget;
    }
  });
  if (restorer) {
    void restorer.restore(tensorboards, {
      command: CommandIDs.openTensorBoard,
      args: w => ({ ids: [...w.content.model.ids], label: w.content.label }),
      name: w => w.content.model.key
    });
  }
  // Each notebook copies this registry as it opens, after every plugin has activated.
  rendermime?.addFactory(tensorBoardRendererFactory(tensorBoardOpener(app)));
}
