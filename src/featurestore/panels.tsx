/** The Lumino widgets that host the feature store's React views in JupyterLab's shell.
 * The views import nothing from JupyterLab, so jest renders them as they are. */
import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';

import { FeatureGroupView } from './FeatureGroupView';
import { FeatureStorePanel, OpenGroup } from './FeatureStorePanel';
import { FeatureGroupModel, FeatureStoreListModel, groupLabel } from './model';

/** The sidebar. */
export class FeatureStoreWidget extends ReactWidget {
  constructor(
    private readonly model: FeatureStoreListModel,
    private readonly onOpenGroup: OpenGroup
  ) {
    super();
    this.addClass('hopsml-Sidebar');
  }

  render(): JSX.Element {
    return <FeatureStorePanel model={this.model} onOpenGroup={this.onOpenGroup} />;
  }
}

/** One feature group in the main area; its tab names the version shown. */
export class FeatureGroupWidget extends ReactWidget {
  constructor(readonly model: FeatureGroupModel) {
    super();
    this.addClass('hopsml-DetailPanel');
    this.id = `hopsml-feature-group-${encodeURIComponent(model.key.name)}`;
    this.title.closable = true;
    this.updateTitle();
    model.changed.connect(this.updateTitle, this);
  }

  render(): JSX.Element {
    return <FeatureGroupView model={this.model} />;
  }

  private updateTitle(): void {
    this.title.label = groupLabel(this.model.key);
    this.title.caption = `Feature group ${groupLabel(this.model.key)}`;
  }
}
