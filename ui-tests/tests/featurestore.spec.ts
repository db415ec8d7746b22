/**
 * The feature store sidebar, end to end: the demo feature store (two feature groups with
 * two commits each, a feature view and a train/test split of it, written through the hsfs
 * API by `hopsml_lab.demo`) is seeded into the test server's project; the panel searches
 * groups by a feature's description, opens a group (schema with descriptions, statistics
 * drawn as the notebook's figures, the first rows) and follows a training dataset's
 * lineage to the other group.
 *
 * UPDATE_SCREENSHOT=1 refreshes the README's picture (docs/featurestore.png); otherwise
 * it goes to test-results/.
 */
import { expect, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';

const PANEL_ID = 'hopsml-featurestore';
const PYTHON = path.resolve(__dirname, '../../.venv/bin/python');
const SEED = 'from hopsml_lab.demo import seed_feature_store; print(seed_feature_store())';
/** Ten more orders: a third commit of orders v1. */
const MORE_ORDERS = `
from hopsml_lab import hopsworks
orders = hopsworks.login(engine="python").get_feature_store().get_feature_group("orders", 1)
more = orders.read().head(10).copy()
more["order_id"] += 1_000_000
orders.insert(more)
`;

const picture = (name: string) =>
  process.env.UPDATE_SCREENSHOT
    ? path.resolve(__dirname, `../../docs/${name}.png`)
    : path.resolve(__dirname, `../test-results/${name}.png`);

/** Run Python in the test server's project. */
async function python(code: string): Promise<void> {
  const root = process.env.HOPSML_UI_PROJECT_ROOT;
  expect(root, 'the project root the test server uses').toBeTruthy();
  await promisify(execFile)(PYTHON, ['-c', code], {
    env: { ...process.env, HOPSML_PROJECT_ROOT: root },
    timeout: 120 * 1000
  });
}

const seedFeatureStore = () => python(SEED);

/** The number in "2,300 rows". */
async function rowsOf(item: Locator): Promise<number> {
  const text = (await item.locator('.hopsml-FeatureStore-meta').textContent()) ?? '';
  return Number((/([\d,]+) rows/.exec(text)?.[1] ?? '').replace(/,/g, ''));
}

test.describe('HopsML Lab: the feature store', () => {
  test.use({ viewport: { width: 1400, height: 900 } });
  test.beforeAll(seedFeatureStore);

  test('search, open a group: schema, statistics, preview; follow the lineage', async ({
    page
  }) => {
    const problems: string[] = [];
    page.on('pageerror', error => problems.push(`pageerror: ${error.message}`));
    page.on('console', message => {
      if (message.type() === 'error') {
        problems.push(`console.error: ${message.text()}`);
      }
    });
    const panel = page.locator(`#${PANEL_ID}`);
    const groups = panel.locator('.hopsml-FeatureStore-groups > li');
    const search = panel.locator('input[type="search"]');
    const group = (name: string) =>
      page.locator(`#jp-main-dock-panel .hopsml-FeatureGroup[data-group-name="${name}"]`);

    try {
      await test.step('open the panel: both groups and the view', async () => {
        await expect(page.locator('.jp-SideBar [title="Feature store"]')).toBeVisible();
        await page.sidebar.openTab(PANEL_ID);
        await expect(panel).toBeVisible();
        await expect(groups).toHaveCount(2);
        await expect(groups.nth(0)).toHaveAttribute('data-group-name', 'customers');
        await expect(groups.nth(0)).toContainText('520 rows');
        await expect(groups.nth(1)).toHaveAttribute('data-group-name', 'orders');
        await expect(panel.locator('.hopsml-FeatureView')).toHaveAttribute(
          'data-view',
          'churn v1'
        );
        await expect(panel.locator('.hopsml-Error')).toHaveCount(0);
      });

      await test.step("search by a feature's description", async () => {
        await search.fill('incl. tax');
        await expect(groups).toHaveCount(1);
        await expect(groups.first()).toHaveAttribute('data-group-name', 'orders');
        await expect(groups.first().locator('.hopsml-FeatureStore-match')).toHaveText(
          'amount'
        );
        await search.fill('customers');
        await expect(groups).toHaveCount(1);
        await expect(groups.first()).toHaveAttribute('data-group-name', 'customers');
      });

      const customers = group('customers');
      await test.step('open customers: its schema with descriptions', async () => {
        await groups.first().locator('.hopsml-FeatureStore-open').click();
        await expect(customers.locator('h1')).toContainText('customers');
        const age = customers.locator('table.hopsml-Schema tr[data-feature="age"]');
        await expect(age).toContainText('bigint');
        await expect(age).toContainText('Age in years');
        await expect(
          customers.locator('table.hopsml-Schema tr[data-feature="cust"]')
        ).toContainText('primary key');
      });

      await test.step('its statistics: a histogram and top values, as drawn figures', async () => {
        const histogram = customers.locator('.hopsml-Plot[data-chart="statistics: age"]');
        await expect(histogram.locator('.js-plotly-plot')).toBeVisible();
        await expect(histogram.locator('.gtitle')).toHaveText('age: histogram');
        expect(await histogram.locator('.barlayer .point').count()).toBeGreaterThan(5);
        const plan = customers.locator('.hopsml-Plot[data-chart="statistics: plan"]');
        await expect(plan.locator('.gtitle')).toHaveText('plan: top values');
        await expect(plan.locator('.barlayer .point')).toHaveCount(3);
        await expect(
          customers.locator('table.hopsml-Statistics tr[data-feature="age"] td').nth(2)
        ).toHaveText('520');
      });

      await test.step('its first rows', async () => {
        const rows = customers.locator('table.hopsml-Preview tbody tr');
        await expect(rows).toHaveCount(20);
        await expect(customers.locator('table.hopsml-Preview thead th')).toHaveText([
          'cust',
          'age',
          'plan',
          'country',
          'monthly_spend',
          'churned',
          'updated_at'
        ]);
        await expect(customers).toContainText('20 of 520 rows');
        await expect(customers.locator('table.hopsml-Commits tbody tr')).toHaveCount(2);
      });

      await test.step('screenshot: the panel and a group', async () => {
        await search.fill('');
        await expect(groups).toHaveCount(2);
        await panel.locator('.hopsml-FeatureView .hopsml-FeatureStore-open').click();
        await expect(panel.locator('.hopsml-TrainingDataset')).toHaveCount(1);
        // Tall enough for the schema, the statistics' figures and the first rows.
        await page.setViewportSize({ width: 1400, height: 1500 });
        await expect(
          customers.locator('.hopsml-Plot[data-chart="statistics: churned"] .js-plotly-plot')
        ).toBeVisible();
        await page.mouse.move(0, 0);
        await page.screenshot({ path: picture('featurestore') });
      });

      await test.step("a training dataset's lineage opens the other group", async () => {
        const lineage = panel.locator('.hopsml-TrainingDataset .hopsml-GroupLink');
        await expect(lineage).toHaveCount(2);
        await lineage.filter({ hasText: 'orders v1' }).click();
        const orders = group('orders');
        await expect(orders.locator('h1')).toContainText('orders');
        const amount = orders.locator('.hopsml-Plot[data-chart="statistics: amount"]');
        await expect(amount.locator('.gtitle')).toHaveText(
          'amount: histogram estimated from percentiles'
        );
        await expect(orders.locator('table.hopsml-Schema tr[data-feature="amount"]')).toContainText(
          'Order total incl. tax, EUR'
        );
      });

      await test.step('a new commit shows by itself (server event, no Refresh)', async () => {
        const orders = group('orders');
        const commits = orders.locator('table.hopsml-Commits tbody tr');
        await expect(commits).toHaveCount(2);
        const item = panel.locator('li[data-group-name="orders"]');
        const before = await rowsOf(item);
        expect(before).toBeGreaterThan(0);
        await python(MORE_ORDERS);
        await expect(commits).toHaveCount(3, { timeout: 15 * 1000 });
        await expect(item).toContainText(`${(before + 10).toLocaleString('en-US')} rows`);
      });
    } finally {
      if (problems.length) {
        console.log(`Browser console errors:\n  ${problems.join('\n  ')}`);
      }
    }
    expect(
      problems.filter(p => /hopsml/i.test(p)),
      'no HopsML errors in the browser console'
    ).toEqual([]);
  });
});
