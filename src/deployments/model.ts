/** State of the deployments section; views redraw on `changed`. */
import { ISignal, Signal } from '@lumino/signaling';

import {
  DeploymentInfo,
  DeploymentMonitoring,
  DeploymentsClient,
  errorMessage
} from '../api';
import { IPart, emptyPart, part } from '../shared/part';

/** Seconds of traffic the monitoring shows. */
export const MONITORING_WINDOW = 300;

/** States in which a deployment's server runs or comes up: it can be stopped. */
export const ACTIVE_STATES: readonly string[] = ['Starting', 'Running'];

export function isActive(deployment: DeploymentInfo): boolean {
  return ACTIVE_STATES.includes(deployment.state);
}

/** "churn v2 · PYTHON · 1 instance". */
export function servesText(d: DeploymentInfo): string {
  const instances = `${d.instances} instance${d.instances === 1 ? '' : 's'}`;
  return `${d.model_name} v${d.model_version} · ${d.model_server} · ${instances}`;
}

/**
 * The project's deployments with their live state, start and stop, and the
 * monitoring (requests, latency, recent requests, drift) of the one unfolded.
 */
export class DeploymentsModel {
  constructor(private readonly client: DeploymentsClient) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get deployments(): readonly DeploymentInfo[] {
    return this._deployments;
  }
  get loaded(): boolean {
    return this._loaded;
  }
  /** Why the list, or the last start or stop, failed; null: it did not. */
  get error(): string | null {
    return this._actionError ?? this._listError;
  }
  /** The deployment unfolded; null: none. */
  get selected(): string | null {
    return this._selected;
  }
  get monitoring(): IPart<DeploymentMonitoring> {
    return this._monitoring;
  }
  /** Whether a start or stop of `name` is under way. */
  busy(name: string): boolean {
    return this._busy.has(name);
  }

  /** The deployments again, and the unfolded one's monitoring. */
  async refresh(): Promise<void> {
    const asked = ++this._generation;
    try {
      const list = await this.client.listDeployments();
      if (asked !== this._generation) {
        return;
      }
      this._deployments = list.deployments;
      this._listError = null;
    } catch (error) {
      if (asked !== this._generation) {
        return;
      }
      this._listError = errorMessage(error);
    }
    this._loaded = true;
    this._changed.emit();
    if (this._selected !== null) {
      await this.loadMonitoring(this._selected);
    }
  }

  /** Unfold a deployment (its monitoring), or fold it (null, or the one unfolded). */
  async open(name: string | null): Promise<void> {
    const closing = name === null || name === this._selected;
    this._selected = closing ? null : name;
    this._monitoring = emptyPart();
    this._changed.emit();
    if (!closing) {
      await this.loadMonitoring(name);
    }
  }

  start(name: string): Promise<void> {
    return this.control(name, () => this.client.startDeployment(name));
  }

  stop(name: string): Promise<void> {
    return this.control(name, () => this.client.stopDeployment(name));
  }

  private async control(name: string, call: () => Promise<DeploymentInfo>): Promise<void> {
    if (this._busy.has(name)) {
      return;
    }
    this._busy.add(name);
    this._actionError = null;
    this._changed.emit();
    try {
      const updated = await call();
      this._generation++; // a list asked for before this is stale
      this._deployments = this._deployments.map(d => (d.name === name ? updated : d));
    } catch (error) {
      this._actionError = `${name}: ${errorMessage(error)}`;
    } finally {
      this._busy.delete(name);
    }
    this._changed.emit();
  }

  private async loadMonitoring(name: string): Promise<void> {
    const asked = ++this._monitoringGeneration;
    const monitoring = await part(this.client.getMonitoring(name, { window: MONITORING_WINDOW }));
    if (asked === this._monitoringGeneration && this._selected === name) {
      // A failed poll keeps what was shown, with the message.
      this._monitoring =
        monitoring.value === null && this._monitoring.value !== null
          ? { ...this._monitoring, message: monitoring.message }
          : monitoring;
      this._changed.emit();
    }
  }

  private _deployments: DeploymentInfo[] = [];
  private _loaded = false;
  private _listError: string | null = null;
  private _actionError: string | null = null;
  private _selected: string | null = null;
  private _monitoring: IPart<DeploymentMonitoring> = emptyPart();
  private _busy = new Set<string>();
  private _generation = 0;
  private _monitoringGeneration = 0;
  private _changed = new Signal<this, void>(this);
}
