/** The Lumino widget that hosts the Deployments section's React view; it polls the
 * deployments (and the unfolded one's monitoring) while the section is in view. */
import React from 'react';

import { PollingWidget } from '../shared/polling';
import { DeploymentsSection, IDeploymentActions } from './DeploymentsSection';
import { DeploymentsModel } from './model';

/** Milliseconds between polls while the section is in view. */
export const DEPLOYMENTS_POLL_MS = 2000;

export class DeploymentsWidget extends PollingWidget {
  constructor(
    readonly model: DeploymentsModel,
    private readonly actions: IDeploymentActions
  ) {
    super(DEPLOYMENTS_POLL_MS);
    this.addClass('hopsml-Sidebar');
    this.addClass('hopsml-DeploymentsSection');
    this.title.label = 'Deployments';
  }

  protected poll(): Promise<void> {
    return this.model.refresh();
  }

  render(): JSX.Element {
    return <DeploymentsSection model={this.model} actions={this.actions} />;
  }
}
