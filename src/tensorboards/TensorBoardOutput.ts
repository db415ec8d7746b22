/**
 * The notebook output of `%tensorboard`: a line naming the experiments and an
 * "Open TensorBoard" button. A freshly run cell opens the TensorBoard panel by itself;
 * reopening an old notebook (or an untrusted one) does not.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';

import { OpenTensorBoard } from '../shared/commands';
import { tensorBoardKey } from './model';

export const TENSORBOARD_MIME = 'application/vnd.hopsml.tensorboard+json';

/** An output younger than this (seconds) opens the panel by itself. */
export const FRESH_S = 60;

/** The bundle the kernel-side magic sends. */
export interface ITensorBoardOutput {
  experiments: string[];
  names: string[];
  /** When the cell ran, seconds since the epoch. */
  created: number | null;
}

/** The bundle, or null when it does not have the expected shape. */
export function parseTensorBoardOutput(data: unknown): ITensorBoardOutput | null {
  const value = typeof data === 'string' ? parseJson(data) : data;
  if (typeof value !== 'object' || value === null) {
    return null;
  }
  const { experiments, names, created } = value as Record<string, unknown>;
  const strings = (list: unknown): list is string[] =>
    Array.isArray(list) && list.every(item => typeof item === 'string');
  if (!strings(experiments) || experiments.length === 0) {
    return null;
  }
  return {
    experiments,
    names: strings(names) ? names : [],
    created: typeof created === 'number' && Number.isFinite(created) ? created : null
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Run within the last minute by this clock (a clock a minute ahead is allowed for). */
export function isFresh(created: number | null, nowS: number): boolean {
  return created !== null && Math.abs(nowS - created) < FRESH_S;
}

export class TensorBoardOutput extends Widget implements IRenderMime.IRenderer {
  constructor(
    private readonly open: OpenTensorBoard,
    private readonly claimAutoOpen: (output: ITensorBoardOutput) => boolean
  ) {
    super();
    this.addClass('hopsml-TensorBoardOutput');
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const output = parseTensorBoardOutput(model.data[TENSORBOARD_MIME]);
    this.node.replaceChildren();
    if (!output) {
      this.line('hopsml-Error', 'Not a TensorBoard output: expected {"experiments": [ids]}.');
      return Promise.resolve();
    }
    const { experiments, names } = output;
    const label = experiments.length === 1 && names.length === 1 ? names[0] : undefined;
    const shown = names.length === experiments.length ? names : experiments;
    this.line('hopsml-TensorBoardOutput-label', `TensorBoard for ${shown.join(', ')}`);
    const button = document.createElement('button');
    button.className = 'jp-Button jp-mod-styled jp-mod-accept hopsml-TensorBoardOutput-open';
    button.textContent = 'Open TensorBoard';
    button.addEventListener('click', () => this.open(experiments, label));
    this.node.appendChild(button);
    // Trusted: outputs of cells run in this session are; a stranger's saved notebook is not.
    if (model.trusted && this.claimAutoOpen(output)) {
      this.open(experiments, label);
    }
    return Promise.resolve();
  }

  private line(className: string, text: string): void {
    const span = document.createElement('span');
    span.className = className;
    span.textContent = text;
    this.node.appendChild(span);
  }
}

/**
 * The renderer of TENSORBOARD_MIME for `rendermime.addFactory`. Each fresh output opens
 * the panel once, however often it is drawn again (a second view of the notebook).
 */
export function tensorBoardRendererFactory(
  open: OpenTensorBoard,
  nowS: () => number = () => Date.now() / 1000
): IRenderMime.IRendererFactory {
  const opened = new Set<string>();
  const claimAutoOpen = (output: ITensorBoardOutput): boolean => {
    const key = `${output.created} ${tensorBoardKey(output.experiments)}`;
    if (!isFresh(output.created, nowS()) || opened.has(key)) {
      return false;
    }
    opened.add(key);
    return true;
  };
  return {
    safe: true, // draws text and a button only
    mimeTypes: [TENSORBOARD_MIME],
    defaultRank: 0, // before any text/plain or text/html fallback in the bundle
    createRenderer: () => new TensorBoardOutput(open, claimAutoOpen)
  };
}
