/** The Lumino widget that hosts the Pipelines section's React view; it polls while the
 * section is in view (every poll while a run is active, now and then otherwise). */
import React from 'react';

import { PollingWidget } from '../shared/polling';
import { IPipelineActions, PipelinesSection } from './PipelinesSection';
import { PipelinesModel } from './model';

/** Milliseconds between polls while the section is in view. */
export const PIPELINES_POLL_MS = 1000;

export class PipelinesWidget extends PollingWidget {
  constructor(
    readonly model: PipelinesModel,
    private readonly actions: IPipelineActions
  ) {
    super(PIPELINES_POLL_MS);
    this.addClass('hopsml-Sidebar');
    this.addClass('hopsml-PipelinesSection');
    this.title.label = 'Pipelines';
  }

  protected poll(): Promise<void> {
    return this.model.poll();
  }

  render(): JSX.Element {
    return <PipelinesSection model={this.model} actions={this.actions} />;
  }
}
