/** The feature store in JupyterLab: the "Feature store" sidebar (groups, features,
 * views, training datasets), a group's detail in the main area, their commands, and
 * redrawing when the server announces a changed feature store. */
import { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import { Event } from '@jupyterlab/services';

import { FeatureStoreClient, ValidationClient } from '../api';
import { CommandIDs } from '../shared/commands';
import { featureStoreIcon } from '../shared/icon';
import { showInMain } from '../shared/shell';
import { FeatureGroupModel, FeatureStoreListModel, IGroupKey } from './model';
import { FeatureGroupWidget, FeatureStoreWidget } from './panels';

/** The event the server emits on Jupyter's event bus when the feature store changes. */
export const FEATURESTORE_CHANGED =
  'https://events.hopsml.dev/hopsml_lab/featurestore-changed';

export const FEATURESTORE_SIDEBAR_ID = 'hopsml-featurestore';

export interface IFeatureStoreOptions {
  palette: ICommandPalette | null;
  restorer: ILayoutRestorer | null;
  /** Show the validation reports of each group (its Validation section) and of each
   * training dataset (in the sidebar). */
  validation?: ValidationClient;
}

function groupKey(args: { [key: string]: unknown }): IGroupKey {
  return { name: String(args.name ?? ''), version: Number(args.version ?? 1) };
}

export function registerFeatureStore(
  app: JupyterFrontEnd,
  client: FeatureStoreClient,
  { palette, restorer, validation }: IFeatureStoreOptions
): void {
  const list = new FeatureStoreListModel(client, undefined, validation ?? null);
  const tracker = new WidgetTracker<MainAreaWidget<FeatureGroupWidget>>({
    namespace: 'hopsml-feature-group'
  });

  app.commands.addCommand(CommandIDs.openFeatureGroup, {
    label: 'Open HopsML Feature Group',
    execute: args => {
      const key = groupKey(args);
      // One tab per group name; its version selector switches versions in place.
      const open = tracker.find(w => w.content.model.key.name === key.name);
      if (open) {
        if (open.content.model.key.version !== key.version) {
          void open.content.model.setVersion(key.version);
        }
        app.shell.activateById(open.id);
        return open;
      }
      const model = new FeatureGroupModel(client, key, validation ?? null);
      const content = new FeatureGroupWidget(model);
      const widget = showInMain(app, content);
      widget.title.icon = featureStoreIcon;
      const retitle = () => {
        widget.title.label = content.title.label;
        widget.title.caption = content.title.caption;
      };
      retitle();
      content.title.changed.connect(retitle);
      void model.refresh();
      void tracker.add(widget);
      return widget;
    }
  });
  app.commands.addCommand(CommandIDs.refreshFeatureStore, {
    label: 'Refresh HopsML Feature Store',
    execute: () => list.refresh()
  });

  const sidebar = new FeatureStoreWidget(list, key =>
    app.commands.execute(CommandIDs.openFeatureGroup, { ...key })
  );
  sidebar.id = FEATURESTORE_SIDEBAR_ID;
  sidebar.title.icon = featureStoreIcon;
  sidebar.title.caption = 'Feature store';
  app.shell.add(sidebar, 'left', { rank: 201 });
  app.commands.addCommand(CommandIDs.showFeatureStore, {
    label: 'Show HopsML Feature Store',
    execute: () => app.shell.activateById(sidebar.id)
  });
  if (restorer) {
    restorer.add(sidebar, FEATURESTORE_SIDEBAR_ID);
    void restorer.restore(tracker, {
      command: CommandIDs.openFeatureGroup,
      args: w => ({ ...w.content.model.key }),
      name: w => w.content.model.key.name
    });
  }
  if (palette) {
    for (const command of [CommandIDs.refreshFeatureStore, CommandIDs.showFeatureStore]) {
      palette.addItem({ command, category: 'HopsML Lab' });
    }
  }

  // The server checks the catalog each second and announces added groups, commits,
  // views and training datasets on Jupyter's event bus: no polling here.
  app.serviceManager.events.stream.connect((_, event: Event.Emission) => {
    if (event.schema_id !== FEATURESTORE_CHANGED) {
      return;
    }
    void list.refresh();
    tracker.forEach(w => void w.content.model.refresh());
  });
  void list.refresh();
}
