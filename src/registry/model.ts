/** State of the model registry section; views redraw on `changed`. */
import { BestMetric, ModelDetail, ModelSummary, RegistryClient } from '../api';
import { formatValue } from '../shared/format';
import { UnfoldingListModel } from '../shared/listing';
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
export class RegistryModel extends UnfoldingListModel<ModelSummary> {
  constructor(private readonly client: RegistryClient) {
    super(async () => (await client.listModels()).models);
  }

  get models(): readonly ModelSummary[] {
    return this.list.items;
  }
  get detail(): IPart<ModelDetail> {
    return this._detail;
  }

  /** The unfolded model's versions. */
  protected async loadDetail(name: string): Promise<void> {
    const asked = ++this._detailGeneration;
    const detail = await part(this.client.getModel(name));
    if (asked === this._detailGeneration && this.unfolded === name) {
      this._detail = detail;
      this.emitChanged();
    }
  }

  protected clearDetail(): void {
    this._detail = emptyPart();
  }

  private _detail: IPart<ModelDetail> = emptyPart();
  private _detailGeneration = 0;
}
