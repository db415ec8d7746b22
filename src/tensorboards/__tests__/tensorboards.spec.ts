import { FakeRequester, jsonResponse, tensorBoard } from '../../__tests__/fakes';
import { HopsMLClient } from '../../api';
import { TensorBoardModel, tensorBoardKey, tensorBoardTitle } from '../model';

describe('tensorBoardKey and tensorBoardTitle', () => {
  it('gives one key per set of experiments, whatever the order or repeats', () => {
    expect(tensorBoardKey(['b', 'a', 'b'])).toBe(tensorBoardKey(['a', 'b']));
    expect(tensorBoardKey(['a'])).not.toBe(tensorBoardKey(['a', 'b']));
  });

  it("titles the tab with the experiment's name, its id, or how many", () => {
    expect(tensorBoardTitle(['e1'], 'churn')).toBe('TensorBoard: churn');
    expect(tensorBoardTitle(['e1'])).toBe('TensorBoard: e1');
    expect(tensorBoardTitle(['e1', 'e2', 'e3'])).toBe('TensorBoard: 3 experiments');
  });
});

describe('TensorBoardModel', () => {
  let requester: FakeRequester;
  let model: TensorBoardModel;

  beforeEach(() => {
    requester = new FakeRequester();
    model = new TensorBoardModel(new HopsMLClient(requester.request), ['e2', 'e1', 'e2']);
  });

  it('starts TensorBoard for the distinct ids: starting, then ready', async () => {
    const record = tensorBoard('tb1', ['e1', 'e2']);
    const answer = requester.hold();
    const states: string[] = [];
    model.changed.connect(() => states.push(model.state));
    const started = model.start();
    expect(model.state).toBe('starting');
    expect(JSON.parse(String(requester.calls[0].init?.body))).toEqual({
      experiments: ['e2', 'e1']
    });
    answer.resolve(jsonResponse(record, 201, 'Created'));
    await started;
    expect(model.state).toBe('ready');
    expect(model.record).toEqual(record);
    expect(model.error).toBeNull();
    expect(states).toEqual(['starting', 'ready']);
  });

  it("keeps the server's message when TensorBoard does not start", async () => {
    requester.reply(() =>
      jsonResponse({ message: 'tensorboard is not installed', reason: null }, 500, 'Error')
    );
    await model.start();
    expect(model.state).toBe('failed');
    expect(model.error).toBe('tensorboard is not installed');
    expect(model.record).toBeNull();
  });

  it('asks once while a start is under way', async () => {
    const answer = requester.hold();
    const first = model.start();
    await model.start();
    expect(requester.calls).toHaveLength(1);
    answer.resolve(jsonResponse(tensorBoard('tb1', ['e1', 'e2'])));
    await first;
    expect(model.state).toBe('ready');
  });

  it('stops the running process with DELETE', async () => {
    requester
      .reply(() => jsonResponse(tensorBoard('tb1', ['e1', 'e2'])))
      .reply(() => new Response(null, { status: 204 }));
    await model.start();
    await model.stop();
    expect(requester.calls[1].path).toBe('hopsml/api/tensorboards/tb1');
    expect(requester.calls[1].init?.method).toBe('DELETE');
    expect(model.state).toBe('stopped');
    expect(model.record).toBeNull();
  });

  it('counts one the server no longer knows (404) as stopped, and rethrows others', async () => {
    requester
      .reply(() => jsonResponse(tensorBoard('tb1', ['e1'])))
      .reply(() => jsonResponse({ message: 'gone' }, 404, 'Not Found'))
      .reply(() => jsonResponse(tensorBoard('tb1', ['e1'])))
      .reply(() => jsonResponse({ message: 'boom' }, 500, 'Error'));
    await model.start();
    await model.stop();
    expect(model.state).toBe('stopped');
    await model.start();
    await expect(model.stop()).rejects.toMatchObject({ status: 500 });
    expect(model.state).toBe('ready');
  });

  it('stops, and does not show, a TensorBoard that answers after Stop', async () => {
    const answer = requester.hold();
    requester.reply(() => new Response(null, { status: 204 }));
    const started = model.start();
    await model.stop(); // nothing to DELETE yet
    expect(requester.calls).toHaveLength(1);
    answer.resolve(jsonResponse(tensorBoard('tb1', ['e1', 'e2'])));
    await started;
    expect(model.state).toBe('stopped');
    expect(model.record).toBeNull();
    expect(requester.calls[1].path).toBe('hopsml/api/tensorboards/tb1');
    expect(requester.calls[1].init?.method).toBe('DELETE');
  });
});
