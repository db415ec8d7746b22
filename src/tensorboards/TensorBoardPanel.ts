/** The main-area TensorBoard: "Starting TensorBoard…" while the server starts it, then
 * TensorBoard itself in an iframe (served behind Jupyter's login), or the error. */
import { IFrame, ToolbarButton, showErrorMessage } from '@jupyterlab/apputils';
import { PanelLayout, Widget } from '@lumino/widgets';

import { TensorBoardModel, tensorBoardTitle } from './model';

/**
 * TensorBoard needs scripts; downloads for its CSV/JSON exports, popups for its links.
 * Never 'allow-same-origin': TensorBoard is served from Jupyter's origin, and with it
 * (and scripts) any script in TensorBoard could read Jupyter's pages and cookies and act
 * as the user. Without it the page has an opaque origin and sends no cookies: the URL
 * the server hands out carries a key for this one TensorBoard instead, and the server
 * sends the same sandbox as a Content-Security-Policy, for a page opened by other means
 * (hopsml_lab/server/base.py, FrameProxyHandler).
 */
export const TENSORBOARD_SANDBOX: IFrame.SandboxExceptions[] = [
  'allow-scripts',
  'allow-downloads',
  'allow-popups'
];

export class TensorBoardPanel extends Widget {
  constructor(
    readonly model: TensorBoardModel,
    readonly label?: string
  ) {
    super();
    this.addClass('hopsml-TensorBoard');
    this.id = `hopsml-tensorboard-${model.key.replace(/[^\w-]/g, '-')}`;
    this.title.label = tensorBoardTitle(model.ids, label);
    this.title.caption = `TensorBoard of ${model.ids.join(', ')}`;
    this.title.closable = true;
    this.layout = new PanelLayout();
    this._message.addClass('hopsml-TensorBoard-message');
    model.changed.connect(this.showState, this);
    this.showState();
  }

  private get panelLayout(): PanelLayout {
    return this.layout as PanelLayout;
  }

  private showState(): void {
    const { state, record, error } = this.model;
    if (state === 'ready' && record) {
      this.showFrame(record.id, record.url);
      return;
    }
    this._frame?.dispose();
    this._frame = null;
    const text =
      state === 'failed'
        ? `TensorBoard did not start: ${error}`
        : state === 'stopped'
          ? 'TensorBoard stopped.'
          : 'Starting TensorBoard…';
    this._message.node.textContent = text;
    this._message.toggleClass('hopsml-Error', state === 'failed');
    this._message.toggleClass('hopsml-Loading', state === 'starting' || state === 'idle');
    this.panelLayout.addWidget(this._message);
  }

  private showFrame(id: string, url: string): void {
    this.panelLayout.removeWidget(this._message);
    // Another start of the same set answers with the same record: keep the page as is.
    if (this._frame?.url === url) {
      return;
    }
    this._frame?.dispose();
    // The URL's key is a credential: no Referer carries it anywhere.
    const frame = new IFrame({ sandbox: TENSORBOARD_SANDBOX, referrerPolicy: 'no-referrer' });
    frame.addClass('hopsml-TensorBoard-frame');
    frame.node.dataset.tensorboardId = id;
    frame.url = url;
    this._frame = frame;
    this.panelLayout.addWidget(frame);
  }

  private readonly _message = new Widget();
  private _frame: IFrame | null = null;
}

/** "Stop": ends the TensorBoard process; the panel then says so (opening it again
 * restarts it). */
export function stopButton(model: TensorBoardModel): ToolbarButton {
  return new ToolbarButton({
    label: 'Stop',
    className: 'hopsml-TensorBoard-stop',
    tooltip: 'Stop this TensorBoard process',
    onClick: () => {
      model.stop().catch(error => {
        void showErrorMessage('Cannot stop TensorBoard', error as Error);
      });
    }
  });
}
