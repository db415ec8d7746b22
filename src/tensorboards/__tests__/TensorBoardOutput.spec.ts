/** @jest-environment ./jest-env-jsdom.js */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';

import {
  FRESH_S,
  TENSORBOARD_MIME,
  isFresh,
  parseTensorBoardOutput,
  tensorBoardRendererFactory
} from '../TensorBoardOutput';

const NOW = 1_800_000_000; // seconds

function mimeModel(value: unknown, trusted = true): IRenderMime.IMimeModel {
  return {
    trusted,
    data: { [TENSORBOARD_MIME]: value as never, 'text/plain': 'TensorBoard' },
    metadata: {},
    setData: () => undefined
  };
}

function setUp() {
  const open = jest.fn();
  const factory = tensorBoardRendererFactory(open, () => NOW);
  const draw = async (model: IRenderMime.IMimeModel) => {
    const renderer = factory.createRenderer({
      mimeType: TENSORBOARD_MIME
    } as IRenderMime.IRendererOptions);
    await renderer.renderModel(model);
    return renderer.node;
  };
  return { open, factory, draw };
}

describe('parseTensorBoardOutput', () => {
  it('reads experiments, names and created, as an object or a JSON string', () => {
    const value = { experiments: ['e1'], names: ['churn'], created: NOW };
    expect(parseTensorBoardOutput(value)).toEqual(value);
    expect(parseTensorBoardOutput(JSON.stringify(value))).toEqual(value);
    expect(parseTensorBoardOutput({ experiments: ['e1'] })).toEqual({
      experiments: ['e1'],
      names: [],
      created: null
    });
  });

  it('refuses a bundle without experiment ids', () => {
    expect(parseTensorBoardOutput({ experiments: [] })).toBeNull();
    expect(parseTensorBoardOutput({ experiments: [1] })).toBeNull();
    expect(parseTensorBoardOutput('not json')).toBeNull();
    expect(parseTensorBoardOutput(null)).toBeNull();
  });
});

describe('isFresh', () => {
  it('is true for an output of the last minute only', () => {
    expect(isFresh(NOW - 1, NOW)).toBe(true);
    expect(isFresh(NOW - FRESH_S + 0.5, NOW)).toBe(true);
    expect(isFresh(NOW - FRESH_S, NOW)).toBe(false);
    expect(isFresh(NOW - 86_400, NOW)).toBe(false);
    expect(isFresh(NOW + 86_400, NOW)).toBe(false); // a clock far off, or a forged time
    expect(isFresh(null, NOW)).toBe(false);
  });
});

describe('TensorBoard output renderer', () => {
  it('is a safe renderer of the HopsML TensorBoard MIME type, before text fallbacks', () => {
    const { factory } = setUp();
    expect(factory.mimeTypes).toEqual(['application/vnd.hopsml.tensorboard+json']);
    expect(factory.safe).toBe(true);
    expect(factory.defaultRank).toBeLessThan(50);
  });

  it('names the experiments and opens their TensorBoard on request', async () => {
    const { open, draw } = setUp();
    const node = await draw(
      mimeModel({ experiments: ['e1', 'e2'], names: ['churn', 'mnist'], created: NOW - 3600 })
    );
    expect(node.classList).toContain('hopsml-TensorBoardOutput');
    expect(node.textContent).toContain('TensorBoard for churn, mnist');
    expect(open).not.toHaveBeenCalled(); // an hour old: the notebook was reopened

    (node.querySelector('button.hopsml-TensorBoardOutput-open') as HTMLElement).click();
    expect(open).toHaveBeenCalledWith(['e1', 'e2'], undefined);
  });

  it("passes one experiment's name as the tab label", async () => {
    const { open, draw } = setUp();
    const node = await draw(mimeModel({ experiments: ['e1'], names: ['churn'], created: 0 }));
    (node.querySelector('button') as HTMLElement).click();
    expect(open).toHaveBeenCalledWith(['e1'], 'churn');
  });

  it('opens the panel by itself once for a cell that just ran', async () => {
    const { open, draw } = setUp();
    const fresh = mimeModel({ experiments: ['e1'], names: ['churn'], created: NOW - 2 });
    await draw(fresh);
    expect(open).toHaveBeenCalledTimes(1);
    expect(open).toHaveBeenCalledWith(['e1'], 'churn');
    await draw(fresh); // the same output drawn again (a second view of the notebook)
    expect(open).toHaveBeenCalledTimes(1);
    await draw(mimeModel({ experiments: ['e1'], created: NOW - 1 })); // the cell run again
    expect(open).toHaveBeenCalledTimes(2);
  });

  it('does not open by itself from an untrusted notebook', async () => {
    const { open, draw } = setUp();
    await draw(mimeModel({ experiments: ['e1'], created: NOW }, false));
    expect(open).not.toHaveBeenCalled();
  });

  it('names the ids when the names do not match them, and says what is wrong', async () => {
    const { draw } = setUp();
    const node = await draw(mimeModel({ experiments: ['e1', 'e2'], names: ['churn'] }));
    expect(node.textContent).toContain('TensorBoard for e1, e2');
    const bad = await draw(mimeModel({ names: ['churn'] }));
    expect(bad.querySelector('.hopsml-Error')?.textContent).toMatch(/experiments/);
    expect(bad.querySelector('button')).toBeNull();
  });
});
