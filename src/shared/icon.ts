/** The HopsML Lab icon: the sidebar's tab and every main-area tab of either domain.
 * `jp-icon3` lets JupyterLab's theme colour it (the rule needs a `fill` attribute). */
import { LabIcon } from '@jupyterlab/ui-components';

export const hopsmlIcon = new LabIcon({
  name: 'hopsml-lab:logo',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<g class="jp-icon3" fill="currentColor"><circle cx="6" cy="18" r="2.5"/>' +
    '<circle cx="12" cy="8" r="2.5"/><circle cx="18" cy="14" r="2.5"/>' +
    '<path d="M6.9 16.2l4.2-6.4 1.7 1.1-4.2 6.4zM13 9.3l4.3 3.4-1.2 1.6-4.3-3.4z"/></g></svg>'
});

/** The feature store's sidebar tab: a table's stacked layers. */
export const featureStoreIcon = new LabIcon({
  name: 'hopsml-lab:feature-store',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<g class="jp-icon3" fill="currentColor">' +
    '<ellipse cx="12" cy="5.5" rx="7.5" ry="2.8"/>' +
    '<path d="M4.5 9c0 1.6 3.4 2.8 7.5 2.8s7.5-1.2 7.5-2.8v3.2c0 1.6-3.4 2.8-7.5 2.8S4.5 ' +
    '13.8 4.5 12.2z"/>' +
    '<path d="M4.5 15.3c0 1.6 3.4 2.8 7.5 2.8s7.5-1.2 7.5-2.8v3.2c0 1.6-3.4 2.8-7.5 ' +
    '2.8s-7.5-1.2-7.5-2.8z"/></g></svg>'
});
