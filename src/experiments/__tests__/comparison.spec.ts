import { FakeRequester, detail, jsonResponse, trial } from '../../__tests__/fakes';
import { HopsMLClient } from '../../api';
import { ComparisonModel, bestTrial, paramUnion } from '../comparison';

const churn = detail('e1', {
  name: 'churn',
  best_trial: 'trial_1',
  trials: [trial('trial_0', { lr: 0.1 }, 0.5), trial('trial_1', { lr: 0.01, layers: 2 }, 0.9)]
});
const mnist = detail('e2', {
  name: 'mnist',
  best_trial: 'trial_0',
  trials: [trial('trial_0', { dropout: 0.5, lr: 0.001 }, 0.7)]
});
const plain = detail('e3', { name: 'plain', best_trial: null, trials: [] });

describe('comparison helpers', () => {
  it('finds the best trial by key, or none', () => {
    expect(bestTrial(churn)?.params).toEqual({ lr: 0.01, layers: 2 });
    expect(bestTrial(plain)).toBeNull();
  });

  it("unites the best trials' hyperparameter names in first-seen order", () => {
    expect(paramUnion([churn, mnist, plain])).toEqual(['lr', 'layers', 'dropout']);
  });
});

describe('ComparisonModel', () => {
  let requester: FakeRequester;
  let client: HopsMLClient;

  beforeEach(() => {
    requester = new FakeRequester();
    client = new HopsMLClient(requester.request);
  });

  it('loads every experiment, once each, in the order asked', async () => {
    const model = new ComparisonModel(client, ['e2', 'e1', 'e2']);
    expect(model.ids).toEqual(['e2', 'e1']);
    const first = requester.hold();
    requester.reply(() => jsonResponse(churn));
    const seen: boolean[] = [];
    model.changed.connect(() => seen.push(model.loading));

    const done = model.refresh();
    expect(model.loading).toBe(true);
    first.resolve(jsonResponse(mnist)); // answered last, still listed first
    await done;

    expect(requester.calls.map(c => c.path)).toEqual([
      'hopsml/api/experiments/e2',
      'hopsml/api/experiments/e1'
    ]);
    expect(model.experiments.map(e => e.name)).toEqual(['mnist', 'churn']);
    expect(model.errors).toEqual([]);
    expect(seen).toEqual([true, false]);
  });

  it('reports the experiments it could not load and shows the rest', async () => {
    const model = new ComparisonModel(client, ['e1', 'gone']);
    requester
      .reply(() => jsonResponse(churn))
      .reply(() => jsonResponse({ message: "no experiment 'gone'", reason: null }, 404));
    await model.refresh();
    expect(model.experiments.map(e => e.id)).toEqual(['e1']);
    expect(model.errors).toEqual(["gone: no experiment 'gone'"]);
  });

  it('keeps what it showed of an experiment when a later refresh fails', async () => {
    const model = new ComparisonModel(client, ['e1', 'e2']);
    requester
      .reply(() => jsonResponse(churn))
      .reply(() => jsonResponse(mnist))
      .fail(new Error('offline'))
      .reply(() => jsonResponse({ ...mnist, status: 'failed' }));
    await model.refresh();
    await model.refresh();
    expect(model.experiments.map(e => [e.id, e.status])).toEqual([
      ['e1', 'finished'],
      ['e2', 'failed']
    ]);
    expect(model.errors).toEqual(['e1: offline']);
  });

  it('ignores a refresh that a newer one overtook', async () => {
    const model = new ComparisonModel(client, ['e1']);
    const older = requester.hold();
    requester.reply(() => jsonResponse({ ...churn, name: 'new' }));
    const first = model.refresh();
    await model.refresh();
    older.resolve(jsonResponse({ ...churn, name: 'old' }));
    await first;
    expect(model.experiments[0].name).toBe('new');
  });
});
