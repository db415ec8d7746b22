/** The Lumino widgets that host the React views in JupyterLab's shell. The views
 * themselves import nothing from JupyterLab, so jest renders them as they are. */
import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';

import { OpenTensorBoard } from '../shared/commands';
import { ComparisonView } from './Compare';
import { ComparisonModel } from './comparison';
import { ExperimentView, OpenFile, Reproduce } from './ExperimentDetail';
import { ExperimentList } from './ExperimentList';
import { ExperimentDetailModel, ExperimentListModel } from './model';

/** The sidebar. */
export class ExperimentListWidget extends ReactWidget {
  constructor(
    private readonly model: ExperimentListModel,
    private readonly onOpen: (id: string) => void,
    private readonly onCompare: (ids: string[]) => void,
    private readonly onTensorBoard: OpenTensorBoard
  ) {
    super();
    this.addClass('hopsml-Sidebar');
  }

  render(): JSX.Element {
    return (
      <ExperimentList
        model={this.model}
        onOpen={this.onOpen}
        onCompare={this.onCompare}
        onTensorBoard={this.onTensorBoard}
      />
    );
  }
}

/** One experiment in the main area; its tab shows the experiment's name once loaded. */
export class ExperimentDetailWidget extends ReactWidget {
  constructor(
    readonly model: ExperimentDetailModel,
    private readonly onReproduce: Reproduce,
    private readonly onTensorBoard: OpenTensorBoard,
    private readonly onOpenFile?: OpenFile
  ) {
    super();
    this.addClass('hopsml-DetailPanel');
    this.id = `hopsml-experiment-${model.id}`;
    this.title.label = `Experiment ${model.id}`;
    this.title.closable = true;
    model.changed.connect(this.updateTitle, this);
  }

  render(): JSX.Element {
    return (
      <ExperimentView
        model={this.model}
        onReproduce={this.onReproduce}
        onTensorBoard={this.onTensorBoard}
        onOpenFile={this.onOpenFile}
      />
    );
  }

  private updateTitle(): void {
    const detail = this.model.detail;
    if (detail) {
      this.title.label = `${detail.name} · ${detail.id.slice(-6)}`;
      this.title.caption = `Experiment ${detail.name} (${detail.id})`;
    }
  }
}

/** Two or more experiments side by side in the main area. */
export class ComparisonWidget extends ReactWidget {
  constructor(readonly model: ComparisonModel) {
    super();
    this.addClass('hopsml-DetailPanel');
    this.id = `hopsml-compare-${model.ids.join('-')}`;
    this.title.label = `Compare ${model.ids.length} experiments`;
    this.title.caption = `Comparison of ${model.ids.join(', ')}`;
    this.title.closable = true;
  }

  render(): JSX.Element {
    return <ComparisonView model={this.model} />;
  }
}
