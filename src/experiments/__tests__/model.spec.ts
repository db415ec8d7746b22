import {
  FakeRequester,
  detail,
  flush,
  jsonResponse,
  page,
  trial
} from '../../__tests__/fakes';
import { ApiError, ExperimentDetail, HopsMLClient } from '../../api';
import {
  DetailClient,
  ExperimentDetailModel,
  ExperimentListModel,
  MAX_PAGE,
  TrialPage,
  isLive
} from '../model';

function ids(model: ExperimentListModel): string[] {
  return model.experiments.map(e => e.id);
}

/** Record `loading` each time the model's `changed` signal fires. */
function watch(model: ExperimentListModel): boolean[] {
  const seen: boolean[] = [];
  model.changed.connect(sender => {
    expect(sender).toBe(model);
    seen.push(sender.loading);
  });
  return seen;
}

describe('ExperimentListModel', () => {
  let requester: FakeRequester;
  let model: ExperimentListModel;

  beforeEach(() => {
    requester = new FakeRequester();
    model = new ExperimentListModel(new HopsMLClient(requester.request), 2);
  });

  it('starts empty, with the default sort', () => {
    expect(model.experiments).toEqual([]);
    expect(model.total).toBe(0);
    expect(model.hasMore).toBe(false);
    expect(model.loading).toBe(false);
    expect(model.error).toBeNull();
    expect(model.query).toEqual({ sort: '-created_at' });
  });

  it('refresh loads the first page', async () => {
    requester.reply(() => jsonResponse(page(['a', 'b'], 'tok-2', 5)));
    await model.refresh();

    expect(requester.calls).toHaveLength(1);
    expect(requester.query(0)).toEqual({ sort: '-created_at', limit: '2' });
    expect(ids(model)).toEqual(['a', 'b']);
    expect(model.total).toBe(5);
    expect(model.hasMore).toBe(true);
    expect(model.loading).toBe(false);
    expect(model.error).toBeNull();
  });

  it('uses a page size of 50 by default', async () => {
    const plain = new ExperimentListModel(new HopsMLClient(requester.request));
    requester.reply(() => jsonResponse(page([])));
    await plain.refresh();
    expect(requester.query(0).limit).toBe('50');
  });

  it('fires changed when a load starts (loading) and when it ends', async () => {
    const seen = watch(model);
    const held = requester.hold();
    const done = model.refresh();

    expect(model.loading).toBe(true);
    expect(seen).toEqual([true]);

    held.resolve(jsonResponse(page(['a'])));
    await done;
    expect(seen).toEqual([true, false]);
  });

  it('loadMore appends the next page using next_token, and stops when it is null', async () => {
    requester
      .reply(() => jsonResponse(page(['a', 'b'], 'tok-2', 5)))
      .reply(() => jsonResponse(page(['c', 'd'], 'tok-3', 5)))
      .reply(() => jsonResponse(page(['e'], null, 5)));

    await model.refresh();
    await model.loadMore();
    expect(requester.query(1)).toEqual({
      sort: '-created_at',
      limit: '2',
      next_token: 'tok-2'
    });
    expect(ids(model)).toEqual(['a', 'b', 'c', 'd']);
    expect(model.hasMore).toBe(true);

    await model.loadMore();
    expect(requester.query(2)).toEqual({
      sort: '-created_at',
      limit: '2',
      next_token: 'tok-3'
    });
    expect(ids(model)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(model.total).toBe(5);
    expect(model.hasMore).toBe(false);

    const seen = watch(model);
    await model.loadMore();
    expect(requester.calls).toHaveLength(3);
    expect(seen).toEqual([]);
    expect(ids(model)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('loadMore does nothing before the first page is loaded', async () => {
    await model.loadMore();
    expect(requester.calls).toHaveLength(0);
  });

  it('loadMore does nothing while a load is in flight', async () => {
    requester.reply(() => jsonResponse(page(['a', 'b'], 'tok-2', 4)));
    await model.refresh();

    const held = requester.hold();
    const first = model.loadMore();
    await model.loadMore();
    expect(requester.calls).toHaveLength(2);

    held.resolve(jsonResponse(page(['c', 'd'], null, 4)));
    await first;
    expect(ids(model)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('refresh reloads from the first page, keeping as many rows as were shown', async () => {
    requester
      .reply(() => jsonResponse(page(['a', 'b'], 'tok-2', 5)))
      .reply(() => jsonResponse(page(['c', 'd'], 'tok-3', 5)))
      .reply(() => jsonResponse(page(['a', 'b', 'c', 'x'], 'tok-5', 6)));
    await model.refresh();
    await model.loadMore();

    await model.refresh();
    expect(requester.query(2)).toEqual({ sort: '-created_at', limit: '4' });
    expect(ids(model)).toEqual(['a', 'b', 'c', 'x']);
    expect(model.total).toBe(6);
  });

  it('setQuery merges the change, drops next_token and replaces the rows', async () => {
    requester
      .reply(() => jsonResponse(page(['a', 'b'], 'tok-2', 5)))
      .reply(() => jsonResponse(page(['c', 'd'], 'tok-3', 5)))
      .reply(() => jsonResponse(page(['f'], null, 1)));
    await model.refresh();
    await model.loadMore();

    await model.setQuery({ status: 'failed' });
    const query = requester.query(2);
    expect(query).not.toHaveProperty('next_token');
    expect(query).toMatchObject({ sort: '-created_at', status: 'failed' });
    expect(model.query).toEqual({
      sort: '-created_at',
      status: 'failed',
      next_token: undefined
    });
    expect(ids(model)).toEqual(['f']);
    expect(model.total).toBe(1);
    expect(model.hasMore).toBe(false);
  });

  it('setQuery never sends a next_token, even one passed in the change', async () => {
    requester.reply(() => jsonResponse(page(['a'])));
    await model.setQuery({ name: 'a', next_token: 'tok-from-caller' });
    expect(requester.query(0)).toEqual({ sort: '-created_at', name: 'a', limit: '2' });
    expect(model.query.next_token).toBeUndefined();
  });

  it('setQuery keeps earlier filters and can clear one', async () => {
    requester
      .reply(() => jsonResponse(page([])))
      .reply(() => jsonResponse(page([])))
      .reply(() => jsonResponse(page([])));
    await model.setQuery({ name: 'mnist' });
    await model.setQuery({ sort: 'name' });
    expect(requester.query(1)).toEqual({ sort: 'name', name: 'mnist', limit: '2' });

    await model.setQuery({ name: '' });
    expect(requester.query(2)).toEqual({ sort: 'name', limit: '2' });
  });

  it('ignores a stale response that resolves after a newer one', async () => {
    const older = requester.hold();
    const newer = requester.hold();
    const seen = watch(model);

    const first = model.refresh();
    const second = model.setQuery({ name: 'new' });
    expect(requester.query(1)).toMatchObject({ name: 'new' });

    newer.resolve(jsonResponse(page(['new-1'], null, 1)));
    await second;
    expect(ids(model)).toEqual(['new-1']);
    expect(model.loading).toBe(false);
    const emitted = seen.length;

    older.resolve(jsonResponse(page(['old-1', 'old-2'], 'old-token', 9)));
    await first;
    expect(ids(model)).toEqual(['new-1']);
    expect(model.total).toBe(1);
    expect(model.hasMore).toBe(false);
    expect(model.loading).toBe(false);
    expect(seen).toHaveLength(emitted);
  });

  it('ignores a stale failure that arrives after a newer success', async () => {
    const older = requester.hold();
    const newer = requester.hold();

    const first = model.refresh();
    const second = model.refresh();
    newer.resolve(jsonResponse(page(['a'])));
    await second;

    older.resolve(jsonResponse({ message: 'too late', reason: null }, 500, 'Error'));
    await first;
    expect(model.error).toBeNull();
    expect(ids(model)).toEqual(['a']);
  });

  it('does not append a loadMore page that a refresh superseded', async () => {
    requester.reply(() => jsonResponse(page(['a', 'b'], 'tok-2', 4)));
    await model.refresh();

    const more = requester.hold();
    const reload = requester.hold();
    const loading = model.loadMore();
    const refreshing = model.refresh();

    reload.resolve(jsonResponse(page(['z', 'y'], 'tok-9', 4)));
    await refreshing;
    more.resolve(jsonResponse(page(['c', 'd'], null, 4)));
    await loading;

    expect(ids(model)).toEqual(['z', 'y']);
    expect(model.hasMore).toBe(true);
  });

  it('keeps loading true while only a superseded request has finished', async () => {
    const older = requester.hold();
    const newer = requester.hold();
    const first = model.refresh();
    const second = model.refresh();

    older.resolve(jsonResponse(page(['old'])));
    await first;
    expect(model.loading).toBe(true);
    expect(ids(model)).toEqual([]);

    newer.resolve(jsonResponse(page(['new'])));
    await second;
    expect(model.loading).toBe(false);
    expect(ids(model)).toEqual(['new']);
  });

  it('puts an API error message in .error and keeps the rows', async () => {
    requester
      .reply(() => jsonResponse(page(['a'], 'tok-2', 3)))
      .reply(() =>
        jsonResponse({ message: 'Unknown metric "f1".', reason: 'bad_sort' }, 400, 'Bad Request')
      );
    await model.refresh();
    const seen = watch(model);

    await expect(model.setQuery({ sort: '-metric:f1' })).resolves.toBeUndefined();
    expect(model.error).toBe('Unknown metric "f1".');
    expect(model.loading).toBe(false);
    expect(ids(model)).toEqual(['a']);
    expect(seen).toEqual([true, false]);
  });

  it('describes a non-Error rejection and clears the error on the next success', async () => {
    requester.fail('connection lost').reply(() => jsonResponse(page(['a'])));

    await model.refresh();
    expect(model.error).toBe('connection lost');

    await model.refresh();
    expect(model.error).toBeNull();
    expect(ids(model)).toEqual(['a']);
  });

  it('reports a failed loadMore without losing the loaded rows or the token', async () => {
    requester
      .reply(() => jsonResponse(page(['a', 'b'], 'tok-2', 4)))
      .fail(new ApiError(503, 'Service unavailable'))
      .reply(() => jsonResponse(page(['c', 'd'], null, 4)));
    await model.refresh();

    await model.loadMore();
    expect(model.error).toBe('Service unavailable');
    expect(ids(model)).toEqual(['a', 'b']);
    expect(model.hasMore).toBe(true);

    await model.loadMore();
    expect(requester.query(2).next_token).toBe('tok-2');
    expect(ids(model)).toEqual(['a', 'b', 'c', 'd']);
    expect(model.error).toBeNull();
  });
});

describe('ExperimentListModel deep in a long list', () => {
  // 600 rows loaded (two pages of 300): more than one request may ask for.
  const old = Array.from({ length: 600 }, (_, n) => `o${n}`);
  let requester: FakeRequester;
  let model: ExperimentListModel;

  beforeEach(async () => {
    requester = new FakeRequester();
    model = new ExperimentListModel(new HopsMLClient(requester.request), 300);
    requester
      .reply(() => jsonResponse(page(old.slice(0, 300), 'tok-2', 9000)))
      .reply(() => jsonResponse(page(old.slice(300), 'tok-3', 9000)));
    await model.refresh();
    await model.loadMore();
    expect(model.experiments).toHaveLength(600);
  });

  it('refresh puts the fresh first page before the rows after it; the token stays', async () => {
    const head = ['n1', 'n0', ...old.slice(0, 498)];
    const fresh = page(head, 'tok-head', 9002);
    fresh.experiments[2] = { ...fresh.experiments[2], status: 'failed' };
    requester.reply(() => jsonResponse(fresh));
    await model.refresh();

    expect(requester.query(2)).toEqual({ sort: '-created_at', limit: String(MAX_PAGE) });
    expect(ids(model)).toEqual(['n1', 'n0', ...old]);
    expect(model.experiments[2].status).toBe('failed');
    expect(model.total).toBe(9002);
    requester.reply(() => jsonResponse(page(['o600'], null, 9002)));
    await model.loadMore();
    expect(requester.query(3).next_token).toBe('tok-3'); // continues after o599
  });

  it('drops loaded rows that left the first page (filtered out or deleted)', async () => {
    const head = [...old.slice(0, 10), ...old.slice(20, 510)];
    requester.reply(() => jsonResponse(page(head, 't')));
    await model.refresh();
    expect(ids(model)).toEqual([...old.slice(0, 10), ...old.slice(20)]);
  });

  it('replaces the rows when the first page does not join the loaded ones', async () => {
    const unseen = Array.from({ length: 500 }, (_, n) => `new${n}`);
    requester.reply(() => jsonResponse(page(unseen, 'tok-new', 9500)));
    await model.refresh();
    expect(ids(model)).toEqual(unseen);
    requester.reply(() => jsonResponse(page([], null, 9500)));
    await model.loadMore();
    expect(requester.query(3).next_token).toBe('tok-new');
  });

  it('a new filter starts from its own first page, whatever was loaded', async () => {
    requester.reply(() => jsonResponse(page(['o5'], null, 1)));
    await model.setQuery({ name: 'o5' });
    expect(ids(model)).toEqual(['o5']);
    expect(model.hasMore).toBe(false);
  });
});

describe('ExperimentListModel selection', () => {
  let requester: FakeRequester;
  let model: ExperimentListModel;

  beforeEach(() => {
    requester = new FakeRequester();
    model = new ExperimentListModel(new HopsMLClient(requester.request), 2);
  });

  it('ticks and unticks, firing changed only when something changes', () => {
    let fired = 0;
    model.changed.connect(() => fired++);
    model.select('a', true);
    model.select('b', true);
    model.select('a', true);
    expect([...model.selected]).toEqual(['a', 'b']);
    expect(fired).toBe(2);
    model.select('a', false);
    model.select('x', false);
    expect([...model.selected]).toEqual(['b']);
    expect(fired).toBe(3);
  });

  it('hands out a new set on each change, so views can compare by identity', () => {
    model.select('a', true);
    const before = model.selected;
    model.select('b', true);
    expect(model.selected).not.toBe(before);
    expect([...before]).toEqual(['a']);
  });

  it('keeps the ticks across filter changes, until cleared', async () => {
    requester.reply(() => jsonResponse(page(['x'])));
    model.select('a', true);
    await model.setQuery({ name: 'other' });
    expect([...model.selected]).toEqual(['a']);
    let fired = 0;
    model.changed.connect(() => fired++);
    model.clearSelection();
    model.clearSelection();
    expect(model.selected.size).toBe(0);
    expect(fired).toBe(1);
  });

  it('sends the user and date filters with the query', async () => {
    requester.reply(() => jsonResponse(page([])));
    await model.setQuery({
      user: 'ada',
      created_after: 1_700_000_000,
      created_before: 1_700_086_400
    });
    expect(requester.query(0)).toEqual({
      sort: '-created_at',
      user: 'ada',
      created_after: '1700000000',
      created_before: '1700086400',
      limit: '2'
    });
  });
});

/** A page of trials as the trials route answers it. */
function trialPage(
  keys: string[],
  nextToken: string | null = null,
  total = keys.length,
  sort = '-metric'
): TrialPage {
  return { trials: keys.map(k => trial(k, {}, 0.5)), next_token: nextToken, total, sort };
}

/** The detail as the paging server answers it: summary, page, best for the charts. */
function pagedDetail(
  keys: string[],
  nextToken: string | null,
  total: number,
  extra: Partial<ExperimentDetail> = {}
): ExperimentDetail {
  return detail('exp-1', {
    metric_key: 'accuracy',
    status: 'running',
    trials: keys.map(k => trial(k, {}, 0.5)),
    trials_total: total,
    next_token: nextToken,
    sort: '-metric',
    top_trials: [trial('best', {}, 0.99)],
    ...extra
  });
}

const keys = (model: ExperimentDetailModel) => model.trials.map(t => t.key);

describe('ExperimentDetailModel', () => {
  let requester: FakeRequester;
  let client: DetailClient;

  beforeEach(() => {
    requester = new FakeRequester();
    client = new DetailClient(requester.request);
  });

  it('starts with no detail, no trials and no error', () => {
    const model = new ExperimentDetailModel(client, 'exp-1');
    expect(model.id).toBe('exp-1');
    expect(model.detail).toBeNull();
    expect(model.trials).toEqual([]);
    expect(model.error).toBeNull();
    expect(model.hasNext || model.hasPrevious).toBe(false);
    expect(model.live).toBe(true); // not loaded yet: ask
  });

  it('refresh loads the experiment with the first page of its trials', async () => {
    const model = new ExperimentDetailModel(client, 'exp/1');
    let fired = 0;
    model.changed.connect(sender => {
      expect(sender).toBe(model);
      fired++;
    });
    requester.reply(() =>
      jsonResponse(pagedDetail(['t1', 't2'], 'tok-2', 10_000, { logdir: '/runs/exp-1' }))
    );

    await model.refresh();
    expect(requester.calls[0].path).toBe('hopsml/api/experiments/exp%2F1?limit=50&top=10');
    expect(model.detail?.logdir).toBe('/runs/exp-1');
    expect(keys(model)).toEqual(['t1', 't2']);
    expect(model.total).toBe(10_000);
    expect(model.sort).toBe('-metric');
    expect(model.offset).toBe(0);
    expect(model.hasNext).toBe(true);
    expect(model.hasPrevious).toBe(false);
    expect(model.error).toBeNull();
    expect(fired).toBe(1);
  });

  it('pages forward and back with the trials route, in the same order', async () => {
    const model = new ExperimentDetailModel(client, 'exp-1', 2);
    requester
      .reply(() => jsonResponse(pagedDetail(['t1', 't2'], 'tok-2', 5)))
      .reply(() => jsonResponse(trialPage(['t3', 't4'], 'tok-3', 5)))
      .reply(() => jsonResponse(trialPage(['t5'], null, 5)))
      .reply(() => jsonResponse(trialPage(['t3', 't4'], 'tok-3', 5)))
      .reply(() => jsonResponse(trialPage(['t1', 't2'], 'tok-2', 5)));
    await model.refresh();
    expect(requester.query(0)).toEqual({ limit: '2', top: '10' });

    await model.nextPage();
    expect(requester.calls[1].path).toMatch(/^hopsml\/api\/experiments\/exp-1\/trials\?/);
    expect(requester.query(1)).toEqual({ sort: '-metric', next_token: 'tok-2', limit: '2' });
    expect(keys(model)).toEqual(['t3', 't4']);
    expect(model.offset).toBe(2);
    expect(model.hasPrevious).toBe(true);

    await model.nextPage();
    expect(requester.query(2).next_token).toBe('tok-3');
    expect(keys(model)).toEqual(['t5']);
    expect(model.offset).toBe(4);
    expect(model.hasNext).toBe(false);
    await model.nextPage(); // the last page: nothing to ask
    expect(requester.calls).toHaveLength(3);

    await model.previousPage();
    expect(requester.query(3)).toEqual({ sort: '-metric', next_token: 'tok-2', limit: '2' });
    expect(keys(model)).toEqual(['t3', 't4']);
    expect(model.offset).toBe(2);

    await model.previousPage();
    expect(requester.query(4)).toEqual({ sort: '-metric', limit: '2' }); // the first page
    expect(keys(model)).toEqual(['t1', 't2']);
    expect(model.offset).toBe(0);
    expect(model.hasPrevious).toBe(false);
    await model.previousPage();
    expect(requester.calls).toHaveLength(5);
  });

  it('refresh asks again for the page shown, in one request, and stays there', async () => {
    const model = new ExperimentDetailModel(client, 'exp-1', 2);
    requester
      .reply(() => jsonResponse(pagedDetail(['t1', 't2'], 'tok-2', 5)))
      .reply(() => jsonResponse(trialPage(['t3', 't4'], 'tok-3', 5)))
      .reply(() =>
        jsonResponse(pagedDetail(['t3', 'new'], 'tok-3b', 6, { status: 'finished' }))
      );
    await model.refresh();
    await model.nextPage();

    await model.refresh();
    expect(requester.calls[2].path).toMatch(/^hopsml\/api\/experiments\/exp-1\?/);
    expect(requester.query(2)).toEqual({
      limit: '2',
      top: '10',
      sort: '-metric',
      next_token: 'tok-2'
    });
    expect(keys(model)).toEqual(['t3', 'new']);
    expect(model.total).toBe(6);
    expect(model.offset).toBe(2);
    expect(model.detail?.status).toBe('finished');
    expect(model.hasNext).toBe(true);
  });

  it('setSort starts again from the first page in that order', async () => {
    const model = new ExperimentDetailModel(client, 'exp-1', 2);
    requester
      .reply(() => jsonResponse(pagedDetail(['t1', 't2'], 'tok-2', 5)))
      .reply(() => jsonResponse(trialPage(['t3', 't4'], 'tok-3', 5)))
      .reply(() => jsonResponse(trialPage(['t5', 't1'], 'lr-2', 5, 'param:lr')))
      .reply(() => jsonResponse(trialPage(['t2', 't3'], 'lr-3', 5, 'param:lr')));
    await model.refresh();
    await model.nextPage();

    await model.setSort('param:lr');
    expect(requester.query(2)).toEqual({ sort: 'param:lr', limit: '2' });
    expect(keys(model)).toEqual(['t5', 't1']);
    expect(model.sort).toBe('param:lr');
    expect(model.offset).toBe(0);
    expect(model.hasPrevious).toBe(false);

    await model.nextPage();
    expect(requester.query(3)).toEqual({ sort: 'param:lr', next_token: 'lr-2', limit: '2' });
  });

  it('is loading while a page is fetched, and asks for one page at a time', async () => {
    const model = new ExperimentDetailModel(client, 'exp-1', 2);
    requester.reply(() => jsonResponse(pagedDetail(['t1', 't2'], 'tok-2', 5)));
    await model.refresh();
    const held = requester.hold();
    const next = model.nextPage();
    expect(model.loading).toBe(true);
    await model.nextPage();
    expect(requester.calls).toHaveLength(2);
    held.resolve(jsonResponse(trialPage(['t3', 't4'], 'tok-3', 5)));
    await next;
    expect(model.loading).toBe(false);
    expect(keys(model)).toEqual(['t3', 't4']);
  });

  it('drops a page another order superseded', async () => {
    const model = new ExperimentDetailModel(client, 'exp-1', 2);
    requester.reply(() => jsonResponse(pagedDetail(['t1', 't2'], 'tok-2', 5)));
    await model.refresh();
    const older = requester.hold();
    const newer = requester.hold();
    const first = model.setSort('key');
    const second = model.setSort('-key');
    newer.resolve(jsonResponse(trialPage(['t5', 't4'], 'k', 5, '-key')));
    await second;
    older.resolve(jsonResponse(trialPage(['t1', 't2'], 'k', 5, 'key')));
    await first;
    expect(keys(model)).toEqual(['t5', 't4']);
    expect(model.sort).toBe('-key');
    expect(model.loading).toBe(false);
  });

  it('a refresh answered while a page loads updates the summary, not the page', async () => {
    const model = new ExperimentDetailModel(client, 'exp-1', 2);
    requester.reply(() => jsonResponse(pagedDetail(['t1', 't2'], 'tok-2', 5)));
    await model.refresh();
    const page = requester.hold();
    const polled = requester.hold();
    const next = model.nextPage();
    const refresh = model.refresh(); // the server announced a change meanwhile
    polled.resolve(jsonResponse(pagedDetail(['t1', 't2'], 'tok-2', 6, { status: 'failed' })));
    await refresh;
    expect(model.detail?.status).toBe('failed');
    expect(keys(model)).toEqual(['t1', 't2']);
    page.resolve(jsonResponse(trialPage(['t3', 't4'], 'tok-3', 6)));
    await next;
    expect(keys(model)).toEqual(['t3', 't4']);
    expect(model.offset).toBe(2);
  });

  it('reports a failed page, keeping the page shown and its place', async () => {
    const model = new ExperimentDetailModel(client, 'exp-1', 2);
    requester
      .reply(() => jsonResponse(pagedDetail(['t1', 't2'], 'tok-2', 5)))
      .reply(() =>
        jsonResponse(
          { message: 'next_token does not fit sort=-metric', reason: null },
          400,
          'Bad Request'
        )
      )
      .reply(() => jsonResponse(trialPage(['t3', 't4'], 'tok-3', 5)));
    await model.refresh();
    await model.nextPage();
    expect(model.error).toBe('next_token does not fit sort=-metric');
    expect(keys(model)).toEqual(['t1', 't2']);
    expect(model.hasNext).toBe(true);
    expect(model.loading).toBe(false);
    await model.nextPage();
    expect(requester.query(2).next_token).toBe('tok-2');
    expect(model.error).toBeNull();
  });

  it('is live while the experiment runs or a trial shown waits or runs', async () => {
    const model = new ExperimentDetailModel(client, 'exp-1');
    const queued = { ...trial('t1', {}, null), status: 'queued' as const };
    requester
      .reply(() => jsonResponse(pagedDetail(['t1'], null, 1, { status: 'running' })))
      .reply(() =>
        jsonResponse(pagedDetail([], null, 1, { status: 'finished', trials: [queued] }))
      )
      .reply(() => jsonResponse(pagedDetail(['t1'], null, 1, { status: 'lost' })));
    await model.refresh();
    expect(model.live).toBe(true);
    await model.refresh();
    expect(model.live).toBe(true);
    await model.refresh();
    expect(model.live).toBe(false);
    expect(isLive('queued') && isLive('running') && !isLive('lost')).toBe(true);
  });

  it('shows an answer without paging fields (an older server) as one page', async () => {
    const model = new ExperimentDetailModel(client, 'exp-1');
    requester.reply(() =>
      jsonResponse(detail('exp-1', { trials: [trial('a', {}, 1), trial('b', {}, 2)] }))
    );
    await model.refresh();
    expect(keys(model)).toEqual(['a', 'b']);
    expect(model.total).toBe(2);
    expect(model.sort).toBeNull();
    expect(model.hasNext || model.hasPrevious).toBe(false);
  });

  it('puts the error in .error, keeps the last detail, and fires changed', async () => {
    const model = new ExperimentDetailModel(client, 'exp-1');
    requester
      .reply(() => jsonResponse(detail('exp-1')))
      .reply(() =>
        jsonResponse({ message: 'No experiment "exp-1".', reason: 'not_found' }, 404, 'Not Found')
      )
      .reply(() => jsonResponse(detail('exp-1', { name: 'renamed' })));
    let fired = 0;
    model.changed.connect(() => fired++);

    await model.refresh();
    await model.refresh();
    expect(model.error).toBe('No experiment "exp-1".');
    expect(model.detail?.id).toBe('exp-1');
    expect(fired).toBe(2);

    await model.refresh();
    expect(model.error).toBeNull();
    expect(model.detail?.name).toBe('renamed');
  });

  it('ignores a stale response that resolves after a newer one', async () => {
    const model = new ExperimentDetailModel(client, 'exp-1');
    const older = requester.hold();
    const newer = requester.hold();

    const first = model.refresh();
    const second = model.refresh();
    newer.resolve(jsonResponse(detail('exp-1', { name: 'new' })));
    await second;
    older.resolve(jsonResponse(detail('exp-1', { name: 'old' })));
    await first;
    await flush();

    expect(model.detail?.name).toBe('new');
    expect(model.error).toBeNull();
  });

  it('ignores a stale failure', async () => {
    const model = new ExperimentDetailModel(client, 'exp-1');
    const older = requester.hold();
    const newer = requester.hold();

    const first = model.refresh();
    const second = model.refresh();
    newer.resolve(jsonResponse(detail('exp-1')));
    await second;
    older.reject(new TypeError('Failed to fetch'));
    await first;

    expect(model.error).toBeNull();
    expect(model.detail?.id).toBe('exp-1');
  });
});

describe('DetailClient', () => {
  it('sends only the query values given, and GET', async () => {
    const requester = new FakeRequester();
    const client = new DetailClient(requester.request);
    requester.reply(() => jsonResponse(trialPage([])));
    await client.getTrials('a b', { sort: 'param:lr', next_token: undefined, limit: 5 });
    expect(requester.calls[0].path).toBe(
      'hopsml/api/experiments/a%20b/trials?sort=param%3Alr&limit=5'
    );
    expect(requester.calls[0].init?.method).toBe('GET');
  });

  it("rejects with an ApiError carrying the server's message", async () => {
    const requester = new FakeRequester();
    const client = new DetailClient(requester.request);
    requester
      .reply(() => jsonResponse({ message: 'no experiment x', reason: 'nf' }, 404, 'Not Found'))
      .reply(() => new Response('<html>', { status: 502, statusText: 'Bad Gateway' }));
    const error = await client.getTrials('x', {}).catch(e => e);
    expect(error).toBeInstanceOf(ApiError);
    expect([error.status, error.message, error.reason]).toEqual([404, 'no experiment x', 'nf']);
    const gateway = await client.getExperimentPage('x', {}).catch(e => e);
    expect([gateway.status, gateway.message]).toEqual([502, '502 Bad Gateway']);
  });
});
