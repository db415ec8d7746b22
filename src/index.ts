/** HopsML Lab: the sidebar of experiments and their detail views. */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import { Event } from '@jupyterlab/services';
import { LabIcon } from '@jupyterlab/ui-components';

import { HopsMLClient } from './api';
import { serverRequester } from './connection';
import { ExperimentDetailModel, ExperimentListModel } from './model';
import { ExperimentDetailWidget } from './widgets/ExperimentDetail';
import { ExperimentListWidget } from './widgets/ExperimentList';

export const EXPERIMENT_CHANGED =
  'https://events.hopsml.dev/hopsml_lab/experiment-changed';

export namespace CommandIDs {
  export const openExperiment = 'hopsml:open-experiment';
  export const refresh = 'hopsml:refresh-experiments';
  export const showSidebar = 'hopsml:show-sidebar';
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
  description: 'HopsML Lab sidebar: experiment history and experiment details.',
  autoStart: true,
  optional: [ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ) => {
    const client = new HopsMLClient(serverRequester(app.serviceManager.serverSettings));
    const list = new ExperimentListModel(client);
    const tracker = new WidgetTracker<MainAreaWidget<ExperimentDetailWidget>>({
      namespace: 'hopsml-experiment'
    });

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
        const content = new ExperimentDetailWidget(model);
        const widget = new MainAreaWidget({ content });
        widget.id = content.id;
        widget.title.icon = hopsmlIcon;
        content.title.changed.connect(() => {
          widget.title.label = content.title.label;
          widget.title.caption = content.title.caption;
        });
        void model.refresh();
        void tracker.add(widget);
        app.shell.add(widget, 'main');
        app.shell.activateById(widget.id);
        return widget;
      }
    });
    app.commands.addCommand(CommandIDs.refresh, {
      label: 'Refresh HopsML Experiments',
      execute: () => list.refresh()
    });

    const sidebar = new ExperimentListWidget(list, id =>
      app.commands.execute(CommandIDs.openExperiment, { id })
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
      tracker.forEach(w => {
        if (w.content.model.detail?.status === 'running' || !w.content.model.detail) {
          void w.content.model.refresh();
        }
      });
    });
    void list.refresh();
  }
};

export default plugin;
