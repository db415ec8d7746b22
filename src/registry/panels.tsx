/** The Lumino widget that hosts the Models section's React view; it refreshes the
 * models while the section is in view. */
import React from 'react';

import { PollingWidget } from '../shared/polling';
import { ILineageLinks, ModelsSection } from './ModelsSection';
import { RegistryModel } from './model';

/** Milliseconds between refreshes of the models while they are in view. */
export const MODELS_POLL_MS = 10000;

export class ModelsWidget extends PollingWidget {
  constructor(
    readonly model: RegistryModel,
    private readonly links: ILineageLinks
  ) {
    super(MODELS_POLL_MS);
    this.addClass('hopsml-Sidebar');
    this.addClass('hopsml-ModelsSection');
    this.title.label = 'Models';
  }

  protected poll(): Promise<void> {
    return this.model.refresh();
  }

  render(): JSX.Element {
    return <ModelsSection model={this.model} links={this.links} />;
  }
}
