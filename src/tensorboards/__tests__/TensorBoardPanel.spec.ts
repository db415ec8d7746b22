/** @jest-environment ./jest-env-jsdom.js */
import { Widget } from '@lumino/widgets';

import { FakeRequester, jsonResponse, tensorBoard } from '../../__tests__/fakes';
import { HopsMLClient } from '../../api';
import { TensorBoardModel } from '../model';
import { TENSORBOARD_SANDBOX, TensorBoardPanel } from '../TensorBoardPanel';

// @jupyterlab/apputils ships ES modules jest does not load; its IFrame is a <div> around
// an <iframe> whose `sandbox` and `src` the options and `url` set. This double does that.
jest.mock('@jupyterlab/apputils', () => {
  const widgets = jest.requireActual<typeof import('@lumino/widgets')>('@lumino/widgets');
  class IFrame extends widgets.Widget {
    constructor(options: { sandbox?: string[]; referrerPolicy?: string } = {}) {
      super();
      this.addClass('jp-IFrame');
      const iframe = document.createElement('iframe');
      iframe.setAttribute('sandbox', (options.sandbox ?? []).join(' '));
      iframe.setAttribute('referrerpolicy', options.referrerPolicy ?? 'no-referrer');
      this.node.appendChild(iframe);
    }
    get url(): string {
      return this.node.querySelector('iframe')?.getAttribute('src') ?? '';
    }
    set url(url: string) {
      this.node.querySelector('iframe')?.setAttribute('src', url);
    }
  }
  return { IFrame, ToolbarButton: class {}, showErrorMessage: jest.fn() };
});

describe('TensorBoardPanel', () => {
  let requester: FakeRequester;
  let model: TensorBoardModel;
  let panel: TensorBoardPanel;

  function shown(label?: string): TensorBoardPanel {
    panel = new TensorBoardPanel(model, label);
    Widget.attach(panel, document.body);
    return panel;
  }
  const frame = () => panel.node.querySelector('[data-tensorboard-id]') as HTMLElement | null;

  beforeEach(() => {
    requester = new FakeRequester();
    model = new TensorBoardModel(new HopsMLClient(requester.request), ['e2', 'e1']);
  });
  afterEach(() => panel.dispose());

  it('says it is starting, then shows TensorBoard at the url the server gave', async () => {
    const answer = requester.hold();
    shown();
    const started = model.start();
    expect(panel.hasClass('hopsml-TensorBoard')).toBe(true);
    expect(panel.node.textContent).toBe('Starting TensorBoard…');
    expect(frame()).toBeNull();

    answer.resolve(jsonResponse(tensorBoard('3f2a9c1d0e4b', ['e1', 'e2']), 201));
    await started;
    expect(frame()?.dataset.tensorboardId).toBe('3f2a9c1d0e4b');
    const iframe = frame()?.querySelector('iframe') as HTMLIFrameElement;
    expect(iframe.getAttribute('src')).toBe('/hopsml/tensorboard/3f2a9c1d0e4b/');
    // Scripts, but never Jupyter's origin: no allow-same-origin (with allow-scripts it
    // would undo the sandbox), and the key in the URL is sent to no one as a Referer.
    expect(iframe.getAttribute('sandbox')).toBe('allow-scripts allow-downloads allow-popups');
    expect(iframe.getAttribute('sandbox')).not.toContain('allow-same-origin');
    expect(TENSORBOARD_SANDBOX).toEqual(['allow-scripts', 'allow-downloads', 'allow-popups']);
    expect(iframe.getAttribute('referrerpolicy')).toBe('no-referrer');
    expect(panel.node.textContent).not.toContain('Starting');
  });

  it("shows the server's message when TensorBoard did not start", async () => {
    requester.reply(() =>
      jsonResponse({ message: 'No experiment "e2".', reason: 'not_found' }, 404)
    );
    shown();
    await model.start();
    const message = panel.node.querySelector('.hopsml-Error');
    expect(message?.textContent).toBe('TensorBoard did not start: No experiment "e2".');
    expect(frame()).toBeNull();
  });

  it('says when it was stopped, and shows it again once restarted', async () => {
    const record = tensorBoard('tb1', ['e1', 'e2']);
    requester
      .reply(() => jsonResponse(record))
      .reply(() => new Response(null, { status: 204 }))
      .reply(() => jsonResponse(record));
    shown();
    await model.start();
    await model.stop();
    expect(frame()).toBeNull();
    expect(panel.node.textContent).toBe('TensorBoard stopped.');
    await model.start();
    expect(frame()?.dataset.tensorboardId).toBe('tb1');
    expect(panel.node.querySelectorAll('iframe')).toHaveLength(1);
  });

  it('names its tab after the experiment, or how many', () => {
    expect(shown('churn').title.label).toBe('TensorBoard: churn');
    panel.dispose();
    expect(shown().title.label).toBe('TensorBoard: 2 experiments');
    expect(panel.title.closable).toBe(true);
    expect(panel.id).toBe('hopsml-tensorboard-e1-e2');
  });
});
