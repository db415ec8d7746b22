/** State of the deployments section; views redraw on `changed`. */
import {
  DeploymentInfo,
  DeploymentMonitoring,
  DeploymentsClient,
  errorMessage
} from '../api';
import { UnfoldingListModel } from '../shared/listing';
import { IPart, emptyPart, part } from '../shared/part';

/** Seconds of traffic the monitoring shows. */
export const MONITORING_WINDOW = 300;

/** States in which a deployment's server runs or comes up: it can be stopped. */
export const ACTIVE_STATES: readonly string[] = ['Starting', 'Running'];

export function isActive(deployment: DeploymentInfo): boolean {
  return ACTIVE_STATES.includes(deployment.state);
}

/**
 * "churn v2 · PYTHON · 2 instances", and while it runs with fewer answering
 * than asked for, "... · 1 of 2 instances".
 */
export function servesText(d: DeploymentInfo): string {
  const plural = `instance${d.instances === 1 ? '' : 's'}`;
  const short = d.state === 'Running' && d.available_instances < d.instances;
  const instances = short
    ? `${d.available_instances} of ${d.instances} ${plural}`
    : `${d.instances} ${plural}`;
  return `${d.model_name} v${d.model_version} · ${d.model_server} · ${instances}`;
}

/**
 * The project's deployments with their live state, start and stop, and the
 * monitoring (requests, latency, recent requests, drift) of the one unfolded.
 */
export class DeploymentsModel extends UnfoldingListModel<DeploymentInfo> {
  constructor(private readonly client: DeploymentsClient) {
    super(async () => (await client.listDeployments()).deployments);
  }

  get deployments(): readonly DeploymentInfo[] {
    return this.list.items;
  }
  get monitoring(): IPart<DeploymentMonitoring> {
    return this._monitoring;
  }
  /** Whether a start or stop of `name` is under way. */
  busy(name: string): boolean {
    return this._busy.has(name);
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
    this.actionError = null;
    this.emitChanged();
    try {
      const updated = await call();
      this.list.replace(this.list.items.map(d => (d.name === name ? updated : d)));
    } catch (error) {
      this.actionError = `${name}: ${errorMessage(error)}`;
    } finally {
      this._busy.delete(name);
    }
    this.emitChanged();
  }

  /** The unfolded deployment's monitoring. */
  protected async loadDetail(name: string): Promise<void> {
    const asked = ++this._monitoringGeneration;
    const monitoring = await part(this.client.getMonitoring(name, { window: MONITORING_WINDOW }));
    if (asked === this._monitoringGeneration && this.unfolded === name) {
      // A failed poll keeps what was shown, with the message.
      this._monitoring =
        monitoring.value === null && this._monitoring.value !== null
          ? { ...this._monitoring, message: monitoring.message }
          : monitoring;
      this.emitChanged();
    }
  }

  protected clearDetail(): void {
    this._monitoring = emptyPart();
  }

  private _monitoring: IPart<DeploymentMonitoring> = emptyPart();
  private _busy = new Set<string>();
  private _monitoringGeneration = 0;
}
