/** The Pipelines sidebar's tab: three stages joined in a chain.
 * `jp-icon3` lets JupyterLab's theme colour it (the rule needs a `fill` attribute). */
import { LabIcon } from '@jupyterlab/ui-components';

export const pipelinesIcon = new LabIcon({
  name: 'hopsml-lab:pipelines',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<g class="jp-icon3" fill="currentColor">' +
    '<rect x="2" y="4" width="6" height="6" rx="1"/><rect x="16" y="4" width="6" height="6" rx="1"/>' +
    '<rect x="9" y="14" width="6" height="6" rx="1"/>' +
    '<path d="M8 6.3h8v1.4H8zM18.3 10h1.4v2.5a1.5 1.5 0 0 1-1.5 1.5H15v-1.4h3.3zM5.7 10H4.3v2.5' +
    'A1.5 1.5 0 0 0 5.8 14H9v-1.4H5.7z"/></g></svg>'
});
