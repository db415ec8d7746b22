/** The ids of every HopsML Lab command, and the one way any domain opens a
 * TensorBoard: through its command, so the tensorboards domain owns the panels. */
import { JupyterFrontEnd } from '@jupyterlab/application';

export namespace CommandIDs {
  export const openExperiment = 'hopsml:open-experiment';
  export const compare = 'hopsml:compare-experiments';
  export const reproduce = 'hopsml:reproduce-trial';
  export const refresh = 'hopsml:refresh-experiments';
  export const showSidebar = 'hopsml:show-sidebar';
  /** args: {ids: string[], label?: string} (the tab's name for one experiment) */
  export const openTensorBoard = 'hopsml:open-tensorboard';
  /** args: {name: string, version: number} */
  export const openFeatureGroup = 'hopsml:open-feature-group';
  export const refreshFeatureStore = 'hopsml:refresh-feature-store';
  export const showFeatureStore = 'hopsml:show-feature-store';
}

/** Open (or bring forward) the TensorBoard of these experiments. */
export type OpenTensorBoard = (ids: string[], label?: string) => void;

/** OpenTensorBoard as a call of CommandIDs.openTensorBoard. */
export function tensorBoardOpener(app: JupyterFrontEnd): OpenTensorBoard {
  return (ids, label) => void app.commands.execute(CommandIDs.openTensorBoard, { ids, label });
}
