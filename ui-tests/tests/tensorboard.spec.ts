/**
 * End to end: trials log TensorBoard scalars; `%tensorboard` opens the TensorBoard panel
 * by itself, TensorBoard draws the scalar chart through the authenticated proxy, the
 * detail view's TensorBoard button brings back the same panel, and two ticked
 * experiments open one TensorBoard that shows both.
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';

import { fillNotebook, runAllCells } from './notebook';

const SIDEBAR_ID = 'hopsml-sidebar';
const picture = (name: string) => path.resolve(__dirname, `../test-results/${name}.png`);
/** The README's TensorBoard picture: refreshed only on request (UPDATE_SCREENSHOT=1). */
const README_PICTURE = path.resolve(__dirname, '../../docs/tensorboard.png');

const CELLS = [
  [
    '%load_ext hopsml_lab',
    'def train_logging(lr):',
    '    import tensorflow as tf',
    '    from hopsml_lab import tensorboard',
    '    with tf.summary.create_file_writer(tensorboard.logdir()).as_default():',
    '        for step in range(5):',
    '            tf.summary.scalar("loss", lr / (step + 1), step=step)',
    '    return {"loss": lr / 5}'
  ].join('\n'),
  '%%experiment ui-tensorboard --grid lr=0.1,0.2 --metric loss --direction min\n' +
    'def train(lr):\n    return train_logging(lr)',
  '%tensorboard ui-tensorboard',
  '%%experiment ui-tensorboard-b --grid lr=0.3 --metric loss --direction min\n' +
    'def train(lr):\n    return train_logging(lr)'
];

test.describe('HopsML Lab TensorBoard', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('%tensorboard opens TensorBoard; two experiments compare in one', async ({ page }) => {
    const cell = (n: number) => page.locator('.jp-Notebook .jp-Cell').nth(n);
    const panels = page.locator('#jp-main-dock-panel .hopsml-TensorBoard');
    const sidebar = page.locator(`#${SIDEBAR_ID}`);
    const item = (name: string) =>
      sidebar.locator('li.hopsml-ExperimentList-item').filter({
        has: page.locator('.hopsml-ExperimentList-name', { hasText: new RegExp(`^${name}$`) })
      });

    await test.step('run a search whose trials log scalars, then %tensorboard', async () => {
      await page.notebook.createNew();
      await fillNotebook(page, CELLS);
      await page.notebook.save();
      await runAllCells(page);
      const result = cell(1).locator('.hopsml-experiment-result');
      await expect(result).toContainText('finished', { timeout: 150 * 1000 });
      await expect(cell(2).locator('.hopsml-TensorBoardOutput')).toContainText(
        'TensorBoard for ui-tensorboard'
      );
    });

    await test.step('the panel opens by itself and TensorBoard draws the scalars', async () => {
      await expect(panels).toHaveCount(1);
      const frameHolder = panels.locator('[data-tensorboard-id]');
      await expect(frameHolder).toBeVisible({ timeout: 30 * 1000 });
      const board = page.frameLocator('.hopsml-TensorBoard iframe');
      const card = board.locator('scalar-card').first();
      await expect(card).toBeVisible({ timeout: 60 * 1000 });
      await expect(card).toContainText('loss');
      // Both trials are runs named by their hyperparameters.
      await expect(board.getByText('lr=0.1', { exact: true }).first()).toBeVisible();
      await expect(board.getByText('lr=0.2', { exact: true }).first()).toBeVisible();
      await page.mouse.move(0, 0);
      await page.screenshot({
        path: process.env.UPDATE_SCREENSHOT ? README_PICTURE : picture('tensorboard')
      });
    });

    await test.step('the detail view reopens the same TensorBoard', async () => {
      await page.sidebar.openTab(SIDEBAR_ID);
      await item('ui-tensorboard').locator('button.hopsml-ExperimentList-open').click();
      const detail = page.locator('#jp-main-dock-panel .hopsml-ExperimentDetail');
      await detail.locator('.hopsml-TensorBoardButton').click();
      await expect(panels).toHaveCount(1);
      await expect(panels.first()).toBeVisible();
    });

    await test.step('two ticked experiments compare in one TensorBoard', async () => {
      await expect(cell(3).locator('.hopsml-experiment-result')).toContainText('finished', {
        timeout: 60 * 1000
      });
      await item('ui-tensorboard').locator('input.hopsml-ExperimentList-select').check();
      await item('ui-tensorboard-b').locator('input.hopsml-ExperimentList-select').check();
      await sidebar.locator('.hopsml-CompareBar .hopsml-TensorBoardButton').click();
      await expect(panels).toHaveCount(2);
      const both = page.frameLocator('.hopsml-TensorBoard:visible iframe');
      // Runs are named <experiment>/<hyperparameters>.
      await expect(both.getByText('ui-tensorboard/lr=0.1', { exact: true }).first()).toBeVisible({
        timeout: 60 * 1000
      });
      await expect(both.getByText('ui-tensorboard-b/lr=0.3', { exact: true }).first()).toBeVisible();
    });
  });
});
