/** State of the model registry section; views redraw on `changed`. */
import { ISignal, Signal } from '@lumino/signaling';

import {
  BestMetric,
  ModelDetail,
  ModelSummary,
  RegistryClient,
  errorMessage
} from '../api';
import { formatValue } from '../shared/format';
import { IPart, emptyPart, part } from '../shared/part';

/** "accuracy 0.93 (v2)": the best value of a model's metric and where it is. */
export function bestText(best: BestMetric | null): string {
  if (best === null) {
    return 'no metrics';
  }
  return `${best.name} ${formatValue(best.value)} (v${best.version})`;
}

/** "accuracy 0.9 · loss 0.3", by name. */
export function metricsText(metrics: Readonly<Record<string, number>>): string {
  return Object.keys(metrics)
    .sort()
    .map(name => `${name} ${formatValue(metrics[name])}`)
    .join(' · ');
}

/** "lr=0.1, C=2". */
export function paramsText(params: Readonly<Record<string, unknown>>): string {
  return Object.entries(params)
    .map(([name, value]) => `${name}=${formatValue(value)}`)
    .join(', ');
}

/**
 * The registry's models (each with its latest version and best metric) and the one
 * unfolded, with its versions, their metrics, params and lineage.
 */
export class RegistryModel {
  constructor(private readonly client: RegistryClient) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get models(): readonly ModelSummary[] {
    return this._models;
  }
  get loaded(): boolean {
    return this._loaded;
  }
  get error(): string | null {
    return this._error;
  }
  /** The model unfolded; null: none. */
  get selected(): string | null {
    return this._selected;
  }
  get detail(): IPart<ModelDetail> {
    return this._detail;
  }

  /** The models again, and the unfolded one's versions. */
  async refresh(): Promise<void> {
    const asked = ++this._generation;
    try {
      const list = await this.client.listModels();
      if (asked !== this._generation) {
        return;
      }
      this._models = list.models;
      this._error = null;
    } catch (error) {
      if (asked !== this._generation) {
        return;
      }
      this._error = errorMessage(error);
    }
    this._loaded = true;
    this._changed.emit();
    if (this._selected !== null) {
      await this.load(this._selected);
    }
  }

  /** Unfold a model (its versions), or fold it (null, or the one unfolded). */
  async open(name: string | null): Promise<void> {
    const closing = name === null || name === this._selected;
    this._selected = closing ? null : name;
    this._detail = emptyPart();
    this._changed.emit();
    if (!closing) {
      await this.load(name);
    }
  }

  private async load(name: string): Promise<void> {
    const asked = ++this._detailGeneration;
    const detail = await part(this.client.getModel(name));
    if (asked === this._detailGeneration && this._selected === name) {
      this._detail = detail;
      this._changed.emit();
    }
  }

  private _models: ModelSummary[] = [];
  private _loaded = false;
  private _error: string | null = null;
  private _selected: string | null = null;
  private _detail: IPart<ModelDetail> = emptyPart();
  private _generation = 0;
  private _detailGeneration = 0;
  private _changed = new Signal<this, void>(this);
}
