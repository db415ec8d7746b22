/** Two or more experiments side by side: their details, loaded together. */
import { ISignal, Signal } from '@lumino/signaling';

import { ExperimentDetail, HopsMLClient, TrialRecord, errorMessage } from '../api';

/** The trial the catalog ranked best, if the experiment has one. */
export function bestTrial(experiment: ExperimentDetail): TrialRecord | null {
  return experiment.trials.find(t => t.key === experiment.best_trial) ?? null;
}

/** Hyperparameter names of the best trials, in first-seen order. */
export function paramUnion(experiments: readonly ExperimentDetail[]): string[] {
  const names = new Set<string>();
  for (const experiment of experiments) {
    Object.keys(bestTrial(experiment)?.params ?? {}).forEach(name => names.add(name));
  }
  return [...names];
}

/** The experiments of one comparison view, fetched with one request each, in parallel. */
export class ComparisonModel {
  constructor(
    private readonly client: HopsMLClient,
    ids: readonly string[]
  ) {
    this.ids = [...new Set(ids)];
  }

  readonly ids: readonly string[];

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** The loaded experiments, in the order they were asked for. */
  get experiments(): readonly ExperimentDetail[] {
    return this._experiments;
  }
  /** One line per experiment that could not be loaded. */
  get errors(): readonly string[] {
    return this._errors;
  }
  get loading(): boolean {
    return this._loading;
  }

  async refresh(): Promise<void> {
    const generation = ++this._generation;
    this._loading = true;
    this._changed.emit();
    const results = await Promise.allSettled(
      this.ids.map(id => this.client.getExperiment(id))
    );
    if (generation !== this._generation) {
      return; // a newer refresh superseded this one
    }
    const loaded: ExperimentDetail[] = [];
    const errors: string[] = [];
    results.forEach((result, n) => {
      if (result.status === 'fulfilled') {
        loaded.push(result.value);
      } else {
        errors.push(`${this.ids[n]}: ${errorMessage(result.reason)}`);
        // keep what an earlier refresh showed of it
        const earlier = this._experiments.find(e => e.id === this.ids[n]);
        if (earlier) {
          loaded.push(earlier);
        }
      }
    });
    this._experiments = loaded;
    this._errors = errors;
    this._loading = false;
    this._changed.emit();
  }

  private _experiments: ExperimentDetail[] = [];
  private _errors: string[] = [];
  private _loading = false;
  private _generation = 0;
  private _changed = new Signal<this, void>(this);
}
