import { FakeRequester, flush, jsonResponse } from '../../__tests__/fakes';
import { FeatureStoreClient } from '../../api';
import {
  FeatureGroupModel,
  FeatureStoreListModel,
  MAX_PREVIEW,
  groupLabel
} from '../model';
import {
  commit,
  group,
  groupDetail,
  groupPage,
  preview,
  statistics,
  view,
  viewDetail
} from './fixtures';

const NOT_FOUND = { status: 404, statusText: 'Not Found' };

function path(requester: FakeRequester, n: number): string {
  const full = requester.calls[n].path;
  return full.includes('?') ? full.slice(0, full.indexOf('?')) : full;
}

describe('FeatureStoreClient', () => {
  it('encodes names and drops empty query values', async () => {
    const requester = new FakeRequester();
    const client = new FeatureStoreClient(requester.request);
    requester.reply(() => jsonResponse(groupDetail('a/b c')));
    requester.reply(() => jsonResponse(statistics()));
    requester.reply(() => jsonResponse(groupPage([])));
    await client.getGroup('a/b c', 2);
    await client.getStatistics('a/b c', 2);
    await client.listGroups({ q: '', limit: 5 });
    expect(requester.calls[0].path).toBe('hopsml/api/featurestore/groups/a%2Fb%20c/2');
    expect(requester.calls[1].path).toBe('hopsml/api/featurestore/groups/a%2Fb%20c/2/statistics');
    expect(requester.calls[2].path).toBe('hopsml/api/featurestore/groups?limit=5');
  });

  it("turns an error answer into an ApiError with the server's message", async () => {
    const requester = new FakeRequester();
    const client = new FeatureStoreClient(requester.request);
    requester.reply(() =>
      jsonResponse({ message: "no feature group named 'x'", reason: null }, 404, 'Not Found')
    );
    await expect(client.getGroup('x', 1)).rejects.toMatchObject({
      status: 404,
      message: "no feature group named 'x'"
    });
  });
});

describe('FeatureStoreListModel', () => {
  let requester: FakeRequester;
  let model: FeatureStoreListModel;

  beforeEach(() => {
    requester = new FakeRequester();
    model = new FeatureStoreListModel(new FeatureStoreClient(requester.request), 2);
  });

  function answer(groups: ReturnType<typeof groupPage>, views = [view('churn')]): void {
    requester.reply(() => jsonResponse(groups));
    requester.reply(() => jsonResponse({ views }));
  }

  it('loads the first page of groups and the views together', async () => {
    answer(groupPage([group('customers', 2), group('customers', 1)], 'tok', 3));
    await model.refresh();
    expect(requester.query(0)).toEqual({ limit: '2' });
    expect(path(requester, 1)).toBe('hopsml/api/featurestore/views');
    expect(model.groups.map(groupLabel)).toEqual(['customers v2', 'customers v1']);
    expect(model.total).toBe(3);
    expect(model.hasMore).toBe(true);
    expect(model.views.map(v => v.name)).toEqual(['churn']);
    expect(model.loading).toBe(false);
    expect(model.error).toBeNull();
  });

  it('searches groups and views with one text, from the first page', async () => {
    answer(groupPage([group('orders')]), []);
    await model.setSearch('  tax ');
    expect(model.search).toBe('  tax ');
    expect(requester.query(0)).toEqual({ q: 'tax', limit: '2' });
    expect(requester.query(1)).toEqual({ q: 'tax' });
    expect(model.groups.map(g => g.name)).toEqual(['orders']);
  });

  it('appends the next page with the token', async () => {
    answer(groupPage([group('a'), group('b')], 'tok', 3));
    await model.refresh();
    requester.reply(() => jsonResponse(groupPage([group('c')], null, 3)));
    await model.loadMore();
    expect(requester.query(2)).toEqual({ limit: '2', next_token: 'tok' });
    expect(model.groups.map(g => g.name)).toEqual(['a', 'b', 'c']);
    expect(model.hasMore).toBe(false);
    await model.loadMore(); // nothing more: no request
    expect(requester.calls).toHaveLength(3);
  });

  it('keeps the answer of the newest search only', async () => {
    const slowGroups = requester.hold();
    const slowViews = requester.hold();
    const first = model.setSearch('cu');
    answer(groupPage([group('customers')]));
    await model.setSearch('cust');
    slowGroups.resolve(jsonResponse(groupPage([group('stale')])));
    slowViews.resolve(jsonResponse({ views: [] }));
    await first;
    expect(model.groups.map(g => g.name)).toEqual(['customers']);
    expect(model.views).toHaveLength(1);
  });

  it('shows the error of a failed search and keeps what it had', async () => {
    answer(groupPage([group('customers')]));
    await model.refresh();
    requester.reply(() => jsonResponse({ message: 'q: too long' }, 400, 'Bad Request'));
    requester.reply(() => jsonResponse({ views: [] }));
    await model.setSearch('x'.repeat(300));
    expect(model.error).toBe('q: too long');
    expect(model.groups.map(g => g.name)).toEqual(['customers']);
  });

  it('unfolds a view with its training datasets, and reloads them on refresh', async () => {
    answer(groupPage([]));
    await model.refresh();
    const churn = model.views[0];
    requester.reply(() => jsonResponse(viewDetail('churn')));
    await model.toggleView(churn);
    expect(path(requester, 2)).toBe('hopsml/api/featurestore/views/churn/1');
    expect(model.isOpen(churn)).toBe(true);
    expect(model.viewDetail(churn)?.training_datasets[0].lineage[0].name).toBe('customers');

    answer(groupPage([]));
    requester.reply(() => jsonResponse(viewDetail('churn')));
    await model.refresh();
    expect(requester.calls).toHaveLength(6);
    expect(path(requester, 5)).toBe('hopsml/api/featurestore/views/churn/1');

    await model.toggleView(churn); // fold: no request
    expect(model.isOpen(churn)).toBe(false);
    expect(requester.calls).toHaveLength(6);

    requester.reply(() => jsonResponse({ message: 'no feature view' }, 404));
    await model.toggleView(churn);
    expect(model.isOpen(churn)).toBe(false); // folded again: a click retries
    expect(model.error).toBe('no feature view');
  });
});

describe('FeatureGroupModel', () => {
  let requester: FakeRequester;
  let model: FeatureGroupModel;

  /** The four answers of a refresh: detail, commits, statistics, preview. */
  function answerAll(version = 1): void {
    requester.reply(() => jsonResponse(groupDetail('customers', version)));
    requester.reply(() =>
      jsonResponse({ commits: [commit(20), commit(10)], next_token: '10' })
    );
    requester.reply(() => jsonResponse(statistics(20)));
    requester.reply(() => jsonResponse(preview(20)));
  }

  beforeEach(() => {
    requester = new FakeRequester();
    model = new FeatureGroupModel(new FeatureStoreClient(requester.request), {
      name: 'customers',
      version: 1
    });
  });

  it('loads the detail, commits, statistics and preview at once', async () => {
    answerAll();
    await model.refresh();
    expect(requester.calls.map((_, n) => path(requester, n))).toEqual([
      'hopsml/api/featurestore/groups/customers/1',
      'hopsml/api/featurestore/groups/customers/1/commits',
      'hopsml/api/featurestore/groups/customers/1/statistics',
      'hopsml/api/featurestore/groups/customers/1/preview'
    ]);
    expect(requester.query(1)).toEqual({ limit: '20' });
    expect(requester.query(3)).toEqual({ limit: '20' });
    expect(model.detail?.features.map(f => f.name)).toEqual(['cust', 'age', 'plan']);
    expect(model.commits.map(c => c.commitId)).toEqual([20, 10]);
    expect(model.hasOlderCommits).toBe(true);
    expect(model.statistics.value?.commit.commitId).toBe(20);
    expect(model.preview.value?.rows).toHaveLength(2);
    expect(model.commit).toBeNull();
  });

  it('says what is missing (a 404) as a note, apart from the rest', async () => {
    requester.reply(() => jsonResponse(groupDetail('customers')));
    requester.reply(() => jsonResponse({ commits: [], next_token: null }));
    requester.reply(() =>
      jsonResponse({ message: 'no statistics: call fg.compute_statistics()' }, 404)
    );
    requester.reply(() => jsonResponse({ message: 'boom' }, 500, 'Server Error'));
    await model.refresh();
    expect(model.detail).not.toBeNull();
    expect(model.statistics).toEqual({
      value: null,
      message: 'no statistics: call fg.compute_statistics()',
      missing: true
    });
    expect(model.preview).toEqual({ value: null, message: 'boom', missing: false });
    expect(model.hasOlderCommits).toBe(false);
  });

  it('reports a group that does not exist', async () => {
    requester.reply(() => jsonResponse({ message: "no feature group named 'customers'" }, 404));
    for (let n = 0; n < 3; n++) {
      requester.reply(() => jsonResponse({ message: 'no' }, NOT_FOUND.status));
    }
    await model.refresh();
    expect(model.detail).toBeNull();
    expect(model.error).toBe("no feature group named 'customers'");
  });

  it('shows the statistics and rows of a chosen commit', async () => {
    answerAll();
    await model.refresh();
    requester.reply(() => jsonResponse(statistics(10)));
    requester.reply(() => jsonResponse(preview(10)));
    await model.setCommit(10);
    expect(requester.query(4)).toEqual({ commit: '10' });
    expect(requester.query(5)).toEqual({ limit: '20', commit: '10' });
    expect(model.commit).toBe(10);
    expect(model.statistics.value?.commit.commitId).toBe(10);
    expect(model.preview.value?.commit.commitId).toBe(10);
  });

  it('caps the preview at the server limit', async () => {
    answerAll();
    await model.refresh();
    requester.reply(() => jsonResponse(preview(20, 5)));
    await model.setPreviewLimit(1000);
    expect(model.previewLimit).toBe(MAX_PREVIEW);
    expect(requester.query(4)).toEqual({ limit: String(MAX_PREVIEW) });
    expect(model.preview.value?.rows).toHaveLength(5);
  });

  it('pages older commits with the token', async () => {
    answerAll();
    await model.refresh();
    requester.reply(() => jsonResponse({ commits: [commit(5)], next_token: null }));
    await model.loadOlderCommits();
    expect(requester.query(4)).toEqual({ limit: '20', next_token: '10' });
    expect(model.commits.map(c => c.commitId)).toEqual([20, 10, 5]);
    expect(model.hasOlderCommits).toBe(false);
  });

  it('switches version and forgets the chosen commit', async () => {
    answerAll();
    await model.refresh();
    requester.reply(() => jsonResponse(statistics(10)));
    requester.reply(() => jsonResponse(preview(10)));
    await model.setCommit(10);
    answerAll(2);
    await model.setVersion(2);
    expect(model.key).toEqual({ name: 'customers', version: 2 });
    expect(model.commit).toBeNull();
    expect(path(requester, 6)).toBe('hopsml/api/featurestore/groups/customers/2');
    expect(requester.query(8)).toEqual({});
    expect(model.detail?.version).toBe(2);
  });

  it('lets a commit chosen during a refresh win over the refresh', async () => {
    const held = [requester.hold(), requester.hold(), requester.hold(), requester.hold()];
    const refreshing = model.refresh();
    requester.reply(() => jsonResponse(statistics(10)));
    requester.reply(() => jsonResponse(preview(10)));
    await model.setCommit(10);
    held[0].resolve(jsonResponse(groupDetail('customers')));
    held[1].resolve(jsonResponse({ commits: [commit(20), commit(10)], next_token: null }));
    held[2].resolve(jsonResponse(statistics(20)));
    held[3].resolve(jsonResponse(preview(20)));
    await refreshing;
    await flush();
    expect(model.detail).not.toBeNull();
    expect(model.statistics.value?.commit.commitId).toBe(10);
    expect(model.preview.value?.commit.commitId).toBe(10);
  });
});
