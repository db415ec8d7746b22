/**
 * The typed HopsML REST client: the only place that speaks HTTP.
 * Shapes come from the server's OpenAPI document (src/openapi.ts is generated).
 */
import type { components, operations } from './openapi';

type Schemas = components['schemas'];
export type ExperimentSummary = Schemas['ExperimentSummary'];
export type ExperimentDetail = Schemas['ExperimentDetail'];
export type ExperimentPage = Schemas['ExperimentPage'];
export type TrialRecord = Schemas['TrialRecord'];
export type MetricSeries = Schemas['MetricSeries'];
export type ExperimentStatus = Schemas['ExperimentStatus'];
export type ReproduceResult = Schemas['ReproduceResult'];
export type TensorBoardRecord = Schemas['TensorBoardRecord'];
export type TensorBoardList = Schemas['TensorBoardList'];
export type ListQuery = NonNullable<
  operations['listExperiments']['parameters']['query']
>;
export type FeatureGroupSummary = Schemas['FeatureGroupSummary'];
export type FeatureGroupPage = Schemas['FeatureGroupPage'];
export type FeatureGroupDetail = Schemas['FeatureGroupDetail'];
export type FeatureInfo = Schemas['FeatureInfo'];
export type CommitInfo = Schemas['CommitInfo'];
export type CommitPage = Schemas['CommitPage'];
export type CommitStatistics = Schemas['CommitStatistics'];
export type FeatureStatistics = Schemas['FeatureStatistics'];
export type FeatureFigure = Schemas['FeatureFigure'];
export type DataPreview = Schemas['DataPreview'];
export type FeatureViewSummary = Schemas['FeatureViewSummary'];
export type FeatureViewList = Schemas['FeatureViewList'];
export type FeatureViewDetail = Schemas['FeatureViewDetail'];
export type TrainingDatasetInfo = Schemas['TrainingDatasetInfo'];
export type TrainingDatasetList = Schemas['TrainingDatasetList'];
export type GroupRef = Schemas['GroupRef'];
export type GroupSearch = NonNullable<
  operations['listFeatureGroups']['parameters']['query']
>;
export type CommitQuery = NonNullable<
  operations['listFeatureGroupCommits']['parameters']['query']
>;
export type PreviewQuery = NonNullable<
  operations['previewFeatureGroup']['parameters']['query']
>;
export type TrainingDatasetQuery = NonNullable<
  operations['listTrainingDatasets']['parameters']['query']
>;
export type ReportSummary = Schemas['ReportSummary'];
export type ReportPage = Schemas['ReportPage'];
export type ReportDetail = Schemas['ReportDetail'];
export type RuleOutcome = Schemas['RuleOutcome'];
export type ReportFigure = Schemas['ReportFigure'];
export type ReportQuery = NonNullable<
  operations['listFeatureGroupValidationReports']['parameters']['query']
>;
export type ModelSummary = Schemas['ModelSummary'];
export type ModelList = Schemas['ModelList'];
export type ModelDetail = Schemas['ModelDetail'];
export type ModelVersionInfo = Schemas['ModelVersionInfo'];
export type BestMetric = Schemas['BestMetric'];
export type Lineage = Schemas['Lineage'];
export type ModelQuery = NonNullable<operations['getModel']['parameters']['query']>;
export type DeploymentInfo = Schemas['DeploymentInfo'];
export type DeploymentList = Schemas['DeploymentList'];
export type DeploymentMonitoring = Schemas['DeploymentMonitoring'];
export type MonitoringQuery = NonNullable<
  operations['getDeploymentMonitoring']['parameters']['query']
>;

/** Sends a request to a path under the Jupyter server's base URL. */
export type Requester = (path: string, init?: RequestInit) => Promise<Response>;

/** An HTTP error from the HopsML API, with the server's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string | null = null
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const API_BASE = 'hopsml/api';

/** What to show for a failed call: the server's message, or the error itself. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `path` with the query's set values as its query string. */
export function withQuery(path: string, query: object = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') {
      params.set(key, String(value));
    }
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

export class HopsMLClient {
  constructor(private readonly request: Requester) {}

  listExperiments(query: ListQuery = {}): Promise<ExperimentPage> {
    return this.getJson<ExperimentPage>(withQuery(`${API_BASE}/experiments`, query));
  }

  getExperiment(id: string): Promise<ExperimentDetail> {
    return this.getJson<ExperimentDetail>(
      `${API_BASE}/experiments/${encodeURIComponent(id)}`
    );
  }

  /** Write a notebook that reruns one trial from the experiment's snapshot. */
  reproduceTrial(id: string, trial: string): Promise<ReproduceResult> {
    const body: Schemas['ReproduceRequest'] = { trial };
    return this.send<ReproduceResult>(
      `${API_BASE}/experiments/${encodeURIComponent(id)}/reproduce`,
      {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json' }
      }
    );
  }

  /**
   * TensorBoard for these experiments, started unless one runs for that set already.
   * Answers once it serves, at `url` (a path under the server, base URL included).
   */
  startTensorBoard(experimentIds: string[]): Promise<TensorBoardRecord> {
    const body: Schemas['TensorBoardRequest'] = { experiments: experimentIds };
    return this.send<TensorBoardRecord>(`${API_BASE}/tensorboards`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json' }
    });
  }

  listTensorBoards(): Promise<TensorBoardList> {
    return this.getJson<TensorBoardList>(`${API_BASE}/tensorboards`);
  }

  async stopTensorBoard(id: string): Promise<void> {
    // 204: no body to parse
    await this.call(`${API_BASE}/tensorboards/${encodeURIComponent(id)}`, {
      method: 'DELETE'
    });
  }

  private getJson<T>(path: string): Promise<T> {
    return this.send<T>(path, { method: 'GET' });
  }

  private async send<T>(path: string, init: RequestInit): Promise<T> {
    const response = await this.call(path, init);
    return (await response.json()) as T;
  }

  private call(path: string, init: RequestInit): Promise<Response> {
    return callApi(this.request, path, init);
  }
}

const FEATURESTORE = `${API_BASE}/featurestore`;

/** `/<name>/<version>` of a feature group or view, each part encoded. */
function named(name: string, version: number): string {
  return `${encodeURIComponent(name)}/${encodeURIComponent(String(version))}`;
}

/** The feature store's read-only routes. */
export class FeatureStoreClient {
  constructor(private readonly request: Requester) {}

  /** Group versions whose names or descriptions, or features', contain `q`. */
  listGroups(query: GroupSearch = {}): Promise<FeatureGroupPage> {
    return this.getJson(withQuery(`${FEATURESTORE}/groups`, query));
  }

  getGroup(name: string, version: number): Promise<FeatureGroupDetail> {
    return this.getJson(`${FEATURESTORE}/groups/${named(name, version)}`);
  }

  listCommits(
    name: string,
    version: number,
    query: CommitQuery = {}
  ): Promise<CommitPage> {
    return this.getJson(
      withQuery(`${FEATURESTORE}/groups/${named(name, version)}/commits`, query)
    );
  }

  /** The statistics of the latest commit with statistics (or at or before `commit`). */
  getStatistics(
    name: string,
    version: number,
    commit?: number
  ): Promise<CommitStatistics> {
    return this.getJson(
      withQuery(`${FEATURESTORE}/groups/${named(name, version)}/statistics`, { commit })
    );
  }

  previewGroup(
    name: string,
    version: number,
    query: PreviewQuery = {}
  ): Promise<DataPreview> {
    return this.getJson(
      withQuery(`${FEATURESTORE}/groups/${named(name, version)}/preview`, query)
    );
  }

  listViews(q?: string): Promise<FeatureViewList> {
    return this.getJson(withQuery(`${FEATURESTORE}/views`, { q }));
  }

  getView(name: string, version: number): Promise<FeatureViewDetail> {
    return this.getJson(`${FEATURESTORE}/views/${named(name, version)}`);
  }

  listTrainingDatasets(query: TrainingDatasetQuery = {}): Promise<TrainingDatasetList> {
    return this.getJson(withQuery(`${FEATURESTORE}/trainingdatasets`, query));
  }

  private async getJson<T>(path: string): Promise<T> {
    const response = await callApi(this.request, path, { method: 'GET' });
    return (await response.json()) as T;
  }
}

const VALIDATION = `${API_BASE}/validation`;

/** The validation reports' read-only routes. */
export class ValidationClient {
  constructor(private readonly request: Requester) {}

  /** A feature group version's reports, newest first, each with its commit. */
  listGroupReports(
    name: string,
    version: number,
    query: ReportQuery = {}
  ): Promise<ReportPage> {
    return this.getJson(
      withQuery(`${VALIDATION}/groups/${named(name, version)}/reports`, query)
    );
  }

  /** A training dataset's reports (by its id), newest first. */
  listDatasetReports(datasetId: number, query: ReportQuery = {}): Promise<ReportPage> {
    return this.getJson(
      withQuery(
        `${VALIDATION}/trainingdatasets/${encodeURIComponent(String(datasetId))}/reports`,
        query
      )
    );
  }

  /** One report with its rule results and figures. */
  getReport(id: number): Promise<ReportDetail> {
    return this.getJson(`${VALIDATION}/reports/${encodeURIComponent(String(id))}`);
  }

  private async getJson<T>(path: string): Promise<T> {
    const response = await callApi(this.request, path, { method: 'GET' });
    return (await response.json()) as T;
  }
}

const REGISTRY = `${API_BASE}/registry`;

/** The model registry's read-only routes. */
export class RegistryClient {
  constructor(private readonly request: Requester) {}

  /** Every model with its latest version and best metric. */
  listModels(): Promise<ModelList> {
    return this.getJson(`${REGISTRY}/models`);
  }

  /** One model's versions (newest first) with metrics, params and lineage. */
  getModel(name: string, query: ModelQuery = {}): Promise<ModelDetail> {
    return this.getJson(withQuery(`${REGISTRY}/models/${encodeURIComponent(name)}`, query));
  }

  private async getJson<T>(path: string): Promise<T> {
    const response = await callApi(this.request, path, { method: 'GET' });
    return (await response.json()) as T;
  }
}

const DEPLOYMENTS = `${API_BASE}/deployments`;

/** Deployments: their state, start and stop. */
export class DeploymentsClient {
  constructor(private readonly request: Requester) {}

  listDeployments(): Promise<DeploymentList> {
    return this.send(DEPLOYMENTS, 'GET');
  }

  getDeployment(name: string): Promise<DeploymentInfo> {
    return this.send(`${DEPLOYMENTS}/${encodeURIComponent(name)}`, 'GET');
  }

  /** Start its model server; answers at once (Starting): poll until Running. */
  startDeployment(name: string): Promise<DeploymentInfo> {
    return this.send(`${DEPLOYMENTS}/${encodeURIComponent(name)}/start`, 'POST');
  }

  stopDeployment(name: string): Promise<DeploymentInfo> {
    return this.send(`${DEPLOYMENTS}/${encodeURIComponent(name)}/stop`, 'POST');
  }

  /** Requests, latency, recent requests and drift over the last `window` seconds. */
  getMonitoring(name: string, query: MonitoringQuery = {}): Promise<DeploymentMonitoring> {
    return this.send(
      withQuery(`${DEPLOYMENTS}/${encodeURIComponent(name)}/monitoring`, query),
      'GET'
    );
  }

  private async send<T>(path: string, method: string): Promise<T> {
    const response = await callApi(this.request, path, { method });
    return (await response.json()) as T;
  }
}

/** The response to `path`, or the ApiError that a failed one carries. */
export async function callApi(
  request: Requester,
  path: string,
  init: RequestInit
): Promise<Response> {
  const response = await request(path, init);
  if (!response.ok) {
    throw await toApiError(response);
  }
  return response;
}

async function toApiError(response: Response): Promise<ApiError> {
  let message = `${response.status} ${response.statusText}`;
  let reason: string | null = null;
  try {
    const body = (await response.json()) as Partial<Schemas['ErrorBody']>;
    if (typeof body.message === 'string' && body.message) {
      message = body.message;
    }
    reason = body.reason ?? null;
  } catch {
    // not a JSON body: keep the status line
  }
  return new ApiError(response.status, message, reason);
}
