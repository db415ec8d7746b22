/** The experiments domain in JupyterLab: the sidebar of experiments, the detail and
 * comparison views in the main area, their commands, and redrawing when the server
 * announces a changed experiment. */
import { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  WidgetTracker,
  showErrorMessage
} from '@jupyterlab/apputils';
import { Event } from '@jupyterlab/services';

import { HopsMLClient } from '../api';
import { serverRequester } from '../connection';
import { CommandIDs, tensorBoardOpener } from '../shared/commands';
import { hopsmlIcon } from '../shared/icon';
import { showInMain } from '../shared/shell';
import { ComparisonModel } from './comparison';
import { DetailClient, ExperimentDetailModel, ExperimentListModel, isLive } from './model';
import { ComparisonWidget, ExperimentDetailWidget, ExperimentListWidget } from './panels';

/** The event the server emits on Jupyter's event bus when an experiment changes. */
export const EXPERIMENT_CHANGED =
  'https://events.hopsml.dev/hopsml_lab/experiment-changed';

export interface IExperimentsOptions {
  palette: ICommandPalette | null;
  restorer: ILayoutRestorer | null;
}

export function registerExperiments(
  app: JupyterFrontEnd,
  client: HopsMLClient,
  { palette, restorer }: IExperimentsOptions
): void {
  const list = new ExperimentListModel(client);
  // The detail's paged routes, over the same server connection as `client`.
  const pages = new DetailClient(serverRequester(app.serviceManager.serverSettings));
  const tracker = new WidgetTracker<MainAreaWidget<ExperimentDetailWidget>>({
    namespace: 'hopsml-experiment'
  });
  const comparisons = new WidgetTracker<MainAreaWidget<ComparisonWidget>>({
    namespace: 'hopsml-compare'
  });
  const openTensorBoard = tensorBoardOpener(app);

  app.commands.addCommand(CommandIDs.openExperiment, {
    label: 'Open HopsML Experiment',
    execute: args => {
      const id = String(args.id ?? '');
      const open = tracker.find(w => w.content.model.id === id);
      if (open) {
        app.shell.activateById(open.id);
        return open;
      }
      const model = new ExperimentDetailModel(pages, id);
      const content = new ExperimentDetailWidget(
        model,
        trial => app.commands.execute(CommandIDs.reproduce, { id, trial }),
        openTensorBoard,
        // a results file, relative to the project folder (JupyterLab's root in `make lab`)
        path => void app.commands.execute('docmanager:open', { path })
      );
      const widget = showInMain(app, content);
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
      const widget = showInMain(app, new ComparisonWidget(model));
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
  }
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
    // Only what still runs (or waits for a slot): one page of trials each.
    tracker.forEach(w => {
      if (w.content.model.live) {
        void w.content.model.refresh();
      }
    });
    comparisons.forEach(w => {
      const { model } = w.content;
      const running = model.experiments.some(e => isLive(e.status));
      if (running || model.experiments.length < model.ids.length) {
        void model.refresh();
      }
    });
  });
  void list.refresh();
}
