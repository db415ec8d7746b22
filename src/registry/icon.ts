/** The Models and deployments sidebar's tab: a model (a cube) on a stand.
 * `jp-icon3` lets JupyterLab's theme colour it (the rule needs a `fill` attribute). */
import { LabIcon } from '@jupyterlab/ui-components';

export const modelsIcon = new LabIcon({
  name: 'hopsml-lab:models',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<g class="jp-icon3" fill="currentColor">' +
    '<path d="M12 2l8 4.5v9L12 20l-8-4.5v-9zm0 2.3L6.2 7.5 12 10.7l5.8-3.2zM5.5 9v5.6l5.7 ' +
    '3.2v-5.6zm13 0l-5.7 3.2v5.6l5.7-3.2z"/>' +
    '<rect x="5" y="21" width="14" height="1.6" rx="0.8"/></g></svg>'
});
