import { API_BASE, ApiError, HopsMLClient } from '../api';
import { FakeRequester, detail, jsonResponse, page, tensorBoard } from './fakes';

/** Run `promise`, expect it to reject, and return what it rejected with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('ApiError', () => {
  it('is an Error carrying status, message and reason', () => {
    const error = new ApiError(404, 'No experiment x', 'not_found');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.name).toBe('ApiError');
    expect(error.status).toBe(404);
    expect(error.message).toBe('No experiment x');
    expect(error.reason).toBe('not_found');
  });

  it('defaults reason to null', () => {
    expect(new ApiError(500, 'boom').reason).toBeNull();
  });
});

describe('HopsMLClient.listExperiments', () => {
  let requester: FakeRequester;
  let client: HopsMLClient;

  beforeEach(() => {
    requester = new FakeRequester();
    client = new HopsMLClient(requester.request);
  });

  it('requests the bare collection path with GET when there is no query', async () => {
    requester.reply(() => jsonResponse(page([])));
    await client.listExperiments();
    expect(requester.calls).toHaveLength(1);
    expect(requester.calls[0].path).toBe(`${API_BASE}/experiments`);
    expect(requester.calls[0].path).toBe('hopsml/api/experiments');
    expect(requester.calls[0].init).toEqual({ method: 'GET' });
  });

  it('builds the query string from the given values', async () => {
    requester.reply(() => jsonResponse(page([])));
    await client.listExperiments({
      sort: '-metric:accuracy',
      name: 'mnist',
      status: 'running',
      user: 'alice',
      limit: 25
    });
    const path = requester.calls[0].path;
    expect(path.startsWith('hopsml/api/experiments?')).toBe(true);
    expect(requester.query(0)).toEqual({
      sort: '-metric:accuracy',
      name: 'mnist',
      status: 'running',
      user: 'alice',
      limit: '25'
    });
  });

  it('drops undefined, null and empty-string values', async () => {
    requester.reply(() => jsonResponse(page([])));
    await client.listExperiments({
      sort: '-created_at',
      name: '',
      status: undefined,
      user: null as unknown as string,
      limit: 10
    });
    expect(requester.query(0)).toEqual({ sort: '-created_at', limit: '10' });
    expect(requester.calls[0].path).not.toMatch(/name=|status=|user=/);
  });

  it('keeps a limit of 0 (only empty values are dropped)', async () => {
    requester.reply(() => jsonResponse(page([])));
    await client.listExperiments({ limit: 0 });
    expect(requester.query(0)).toEqual({ limit: '0' });
  });

  it('leaves out the "?" when every value is empty', async () => {
    requester.reply(() => jsonResponse(page([])));
    await client.listExperiments({ name: '', next_token: undefined });
    expect(requester.calls[0].path).toBe('hopsml/api/experiments');
  });

  it('passes next_token through, encoded', async () => {
    requester.reply(() => jsonResponse(page([])));
    await client.listExperiments({ limit: 50, next_token: 'abc/def+=&x' });
    expect(requester.query(0)).toEqual({ limit: '50', next_token: 'abc/def+=&x' });
    // the raw token must not break the query string apart
    expect(requester.calls[0].path).not.toContain('&x');
  });

  it('returns the parsed page', async () => {
    const body = page(['a', 'b'], 'tok-2', 7);
    requester.reply(() => jsonResponse(body));
    await expect(client.listExperiments()).resolves.toEqual(body);
  });
});

describe('HopsMLClient.getExperiment', () => {
  let requester: FakeRequester;
  let client: HopsMLClient;

  beforeEach(() => {
    requester = new FakeRequester();
    client = new HopsMLClient(requester.request);
  });

  it('requests the experiment path with GET and returns the detail', async () => {
    const body = detail('exp-1');
    requester.reply(() => jsonResponse(body));
    await expect(client.getExperiment('exp-1')).resolves.toEqual(body);
    expect(requester.calls[0].path).toBe('hopsml/api/experiments/exp-1');
    expect(requester.calls[0].init).toEqual({ method: 'GET' });
  });

  it('URL-encodes the id', async () => {
    requester.reply(() => jsonResponse(detail('x')));
    await client.getExperiment('a b/c?d#e%f');
    expect(requester.calls[0].path).toBe(
      'hopsml/api/experiments/a%20b%2Fc%3Fd%23e%25f'
    );
  });
});

describe('HopsMLClient.reproduceTrial', () => {
  let requester: FakeRequester;
  let client: HopsMLClient;

  beforeEach(() => {
    requester = new FakeRequester();
    client = new HopsMLClient(requester.request);
  });

  it('POSTs the trial key as JSON and returns the new notebook path', async () => {
    requester.reply(() =>
      jsonResponse({ path: 'reproduce/churn-e1-trial_2.ipynb' }, 201, 'Created')
    );
    await expect(client.reproduceTrial('e/1', 'trial_2')).resolves.toEqual({
      path: 'reproduce/churn-e1-trial_2.ipynb'
    });
    const call = requester.calls[0];
    expect(call.path).toBe('hopsml/api/experiments/e%2F1/reproduce');
    expect(call.init?.method).toBe('POST');
    expect(JSON.parse(String(call.init?.body))).toEqual({ trial: 'trial_2' });
    expect(call.init?.headers).toEqual({ 'Content-Type': 'application/json' });
  });

  it('rejects with the server message when there is no snapshot (409)', async () => {
    requester.reply(() =>
      jsonResponse({ message: 'not started from a notebook', reason: null }, 409, 'Conflict')
    );
    const error = await rejection(client.reproduceTrial('e1', 'trial_0'));
    expect(error).toMatchObject({ status: 409, message: 'not started from a notebook' });
  });
});

describe('HopsMLClient TensorBoards', () => {
  let requester: FakeRequester;
  let client: HopsMLClient;

  beforeEach(() => {
    requester = new FakeRequester();
    client = new HopsMLClient(requester.request);
  });

  it('POSTs the experiment ids and returns the started TensorBoard', async () => {
    const record = tensorBoard('3f2a9c1d0e4b', ['e1', 'e2']);
    requester.reply(() => jsonResponse(record, 201, 'Created'));
    await expect(client.startTensorBoard(['e1', 'e2'])).resolves.toEqual(record);
    const call = requester.calls[0];
    expect(call.path).toBe('hopsml/api/tensorboards');
    expect(call.init?.method).toBe('POST');
    expect(JSON.parse(String(call.init?.body))).toEqual({ experiments: ['e1', 'e2'] });
    expect(call.init?.headers).toEqual({ 'Content-Type': 'application/json' });
  });

  it('returns the running TensorBoard when one serves that set already (200)', async () => {
    const record = tensorBoard('3f2a9c1d0e4b', ['e1']);
    requester.reply(() => jsonResponse(record));
    await expect(client.startTensorBoard(['e1'])).resolves.toEqual(record);
  });

  it('rejects with the server message when TensorBoard cannot start', async () => {
    requester.reply(() =>
      jsonResponse({ message: 'No experiment "nope".', reason: 'not_found' }, 404, 'Not Found')
    );
    const error = await rejection(client.startTensorBoard(['nope']));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, message: 'No experiment "nope".' });
  });

  it('lists the running TensorBoards with GET', async () => {
    const body = { tensorboards: [tensorBoard('a1', ['e1']), tensorBoard('b2', ['e2'])] };
    requester.reply(() => jsonResponse(body));
    await expect(client.listTensorBoards()).resolves.toEqual(body);
    expect(requester.calls[0].path).toBe('hopsml/api/tensorboards');
    expect(requester.calls[0].init).toEqual({ method: 'GET' });
  });

  it('stops one with DELETE, reading no body from the 204', async () => {
    requester.reply(() => new Response(null, { status: 204, statusText: 'No Content' }));
    await expect(client.stopTensorBoard('a/1')).resolves.toBeUndefined();
    expect(requester.calls[0].path).toBe('hopsml/api/tensorboards/a%2F1');
    expect(requester.calls[0].init).toEqual({ method: 'DELETE' });
  });

  it('rejects stopping an unknown TensorBoard with the 404', async () => {
    requester.reply(() =>
      jsonResponse({ message: 'No TensorBoard x', reason: 'not_found' }, 404, 'Not Found')
    );
    const error = await rejection(client.stopTensorBoard('x'));
    expect(error).toMatchObject({ status: 404, reason: 'not_found' });
  });
});

describe('HopsMLClient errors', () => {
  let requester: FakeRequester;
  let client: HopsMLClient;

  beforeEach(() => {
    requester = new FakeRequester();
    client = new HopsMLClient(requester.request);
  });

  it('turns a JSON error body into an ApiError with status, message and reason', async () => {
    requester.reply(() =>
      jsonResponse(
        { message: 'No experiment named "nope".', reason: 'not_found' },
        404,
        'Not Found'
      )
    );
    const error = await rejection(client.getExperiment('nope'));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      name: 'ApiError',
      status: 404,
      message: 'No experiment named "nope".',
      reason: 'not_found'
    });
  });

  it('gives a null reason when the body has none', async () => {
    requester.reply(() =>
      jsonResponse({ message: 'limit must be at most 500' }, 400, 'Bad Request')
    );
    const error = await rejection(client.listExperiments({ limit: 501 }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      message: 'limit must be at most 500',
      reason: null
    });
  });

  it('falls back to the status line when the JSON body has no usable message', async () => {
    requester.reply(() =>
      jsonResponse({ message: '', reason: 'internal' }, 500, 'Internal Server Error')
    );
    const error = await rejection(client.listExperiments());
    expect(error).toMatchObject({
      status: 500,
      message: '500 Internal Server Error',
      reason: 'internal'
    });
  });

  it('falls back to the status line for a non-JSON body', async () => {
    requester.reply(
      () =>
        new Response('<html><body>Bad Gateway</body></html>', {
          status: 502,
          statusText: 'Bad Gateway',
          headers: { 'Content-Type': 'text/html' }
        })
    );
    const error = await rejection(client.getExperiment('exp-1'));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 502,
      message: '502 Bad Gateway',
      reason: null
    });
  });

  it('falls back to the status line for an empty body', async () => {
    requester.reply(() => new Response(null, { status: 403, statusText: 'Forbidden' }));
    const error = await rejection(client.listExperiments());
    expect(error).toMatchObject({ status: 403, message: '403 Forbidden', reason: null });
  });

  it('lets a failing requester reject with its own error', async () => {
    const failure = new TypeError('Failed to fetch');
    requester.fail(failure);
    await expect(client.listExperiments()).rejects.toBe(failure);
  });
});
