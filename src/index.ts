/** HopsML Lab: the sidebar of experiments, their detail and comparison views, and
 * TensorBoard for one or more experiments (from the views or a `%tensorboard` output). */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  WidgetTracker,
  showErrorMessage
} from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Event } from '@jupyterlab/services';
import { LabIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { HopsMLClient } from './api';
import { ComparisonModel } from './comparison';
import { serverRequester } from './connection';
import { ExperimentDetailModel, ExperimentListModel } from './model';
import { OpenTensorBoard, TensorBoardModel, tensorBoardKey } from './tensorboards';
import {
  ComparisonWidget,
  ExperimentDetailWidget,
  ExperimentListWidget
} from './widgets/panels';
import { tensorBoardRendererFactory } from './widgets/TensorBoardOutput';
import { TensorBoardPanel, stopButton } from './widgets/TensorBoardPanel';

export const EXPERIMENT_CHANGED =
  'https://events.hopsml.dev/hopsml_lab/experiment-changed';

export namespace CommandIDs {
  export const openExperiment = 'hopsml:open-experiment';
  export const compare = 'hopsml:compare-experiments';
  export const reproduce = 'hopsml:reproduce-trial';
  export const refresh = 'hopsml:refresh-experiments';
  export const showSidebar = 'hopsml:show-sidebar';
  /** args: {ids: string[], label?: string} (the tab's name for one experiment) */
  export const openTensorBoard = 'hopsml:open-tensorboard';
}

export const hopsmlIcon = new LabIcon({
  name: 'hopsml-lab:logo',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<g class="jp-icon3" fill="#616161"><circle cx="6" cy="18" r="2.5"/>' +
    '<circle cx="12" cy="8" r="2.5"/><circle cx="18" cy="14" r="2.5"/>' +
    '<path d="M6.9 16.2l4.2-6.4 1.7 1.1-4.2 6.4zM13 9.3l4.3 3.4-1.2 1.6-4.3-3.4z"/></g></svg>'
});

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
    const list = new ExperimentListModel(client);
    const tracker = new WidgetTracker<MainAreaWidget<ExperimentDetailWidget>>({
      namespace: 'hopsml-experiment'
    });
    const comparisons = new WidgetTracker<MainAreaWidget<ComparisonWidget>>({
      namespace: 'hopsml-compare'
    });
    const tensorboards = new WidgetTracker<MainAreaWidget<TensorBoardPanel>>({
      namespace: 'hopsml-tensorboard'
    });
    const openTensorBoard: OpenTensorBoard = (ids, label) =>
      void app.commands.execute(CommandIDs.openTensorBoard, { ids, label });
    const show = <T extends Widget>(content: T): MainAreaWidget<T> => {
      const widget = new MainAreaWidget<T>({ content });
      widget.id = content.id;
      widget.title.icon = hopsmlIcon;
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
      return widget;
    };

    app.commands.addCommand(CommandIDs.openExperiment, {
      label: 'Open HopsML Experiment',
      execute: args => {
        const id = String(args.id ?? '');
        const open = tracker.find(w => w.content.model.id === id);
        if (open) {
          app.shell.activateById(open.id);
          return open;
        }
        const model = new ExperimentDetailModel(client, id);
        const content = new ExperimentDetailWidget(
          model,
          trial => app.commands.execute(CommandIDs.reproduce, { id, trial }),
          openTensorBoard
        );
        const widget = show(content);
        content.title.changed.connect(() => {
          widget.title.label = content.title.label;
          widget.title.caption = content.title.caption;
        });
        void model.refresh();
        void tracker.add(widget);
        return widget;
      }
    });
    app.commands.addCommand(CommandIDs.compare, {
      label: 'Compare HopsML Experiments',
      execute: args => {
        const ids = Array.isArray(args.ids) ? args.ids.map(String) : [];
        const key = [...ids].sort().join(' ');
        const open = comparisons.find(w => [...w.content.model.ids].sort().join(' ') === key);
        if (open) {
          app.shell.activateById(open.id);
          return open;
        }
        const model = new ComparisonModel(client, ids);
        const widget = show(new ComparisonWidget(model));
        void model.refresh();
        void comparisons.add(widget);
        return widget;
      }
    });
    app.commands.addCommand(CommandIDs.reproduce, {
      label: 'Reproduce HopsML Trial',
      caption: "Open the experiment's snapshot notebook with the trial's parameters",
      execute: async args => {
        const id = String(args.id ?? '');
        const trial = String(args.trial ?? '');
        try {
          const { path } = await client.reproduceTrial(id, trial);
          return await app.commands.execute('docmanager:open', { path });
        } catch (error) {
          void showErrorMessage(`Cannot reproduce ${trial}`, error as Error);
        }
      }
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
        const widget = show(new TensorBoardPanel(model, label));
        widget.toolbar.addItem('stop', stopButton(model));
        void model.start();
        void tensorboards.add(widget);
        return widget;
      }
    });
    app.commands.addCommand(CommandIDs.refresh, {
      label: 'Refresh HopsML Experiments',
      execute: () => list.refresh()
    });

    const sidebar = new ExperimentListWidget(
      list,
      id => app.commands.execute(CommandIDs.openExperiment, { id }),
      ids => app.commands.execute(CommandIDs.compare, { ids }),
      openTensorBoard
    );
    sidebar.id = 'hopsml-sidebar';
    sidebar.title.icon = hopsmlIcon;
    sidebar.title.caption = 'HopsML Lab';
    app.shell.add(sidebar, 'left', { rank: 200 });
    app.commands.addCommand(CommandIDs.showSidebar, {
      label: 'Show HopsML Sidebar',
      execute: () => app.shell.activateById(sidebar.id)
    });
    if (restorer) {
      restorer.add(sidebar, 'hopsml-sidebar');
      void restorer.restore(tracker, {
        command: CommandIDs.openExperiment,
        args: w => ({ id: w.content.model.id }),
        name: w => w.content.model.id
      });
      void restorer.restore(comparisons, {
        command: CommandIDs.compare,
        args: w => ({ ids: [...w.content.model.ids] }),
        name: w => w.content.model.ids.join(',')
      });
      void restorer.restore(tensorboards, {
        command: CommandIDs.openTensorBoard,
        args: w => ({ ids: [...w.content.model.ids], label: w.content.label }),
        name: w => w.content.model.key
      });
    }
    // Each notebook copies this registry as it opens, after every plugin has activated.
    rendermime?.addFactory(tensorBoardRendererFactory(openTensorBoard));
    if (palette) {
      for (const command of [CommandIDs.refresh, CommandIDs.showSidebar]) {
        palette.addItem({ command, category: 'HopsML Lab' });
      }
    }

    // The server announces changed experiments on Jupyter's event bus: redraw from
    // the models when it does, with no polling here.
    app.serviceManager.events.stream.connect((_, event: Event.Emission) => {
      if (event.schema_id !== EXPERIMENT_CHANGED) {
        return;
      }
      void list.refresh();
      tracker.forEach(w => {
        if (w.content.model.detail?.status === 'running' || !w.content.model.detail) {
          void w.content.model.refresh();
        }
      });
      comparisons.forEach(w => {
        const { model } = w.content;
        const running = model.experiments.some(e => e.status === 'running');
        if (running || model.experiments.length < model.ids.length) {
          void model.refresh();
        }
      });
    });
    void list.refresh();
  }
};

export default plugin;
