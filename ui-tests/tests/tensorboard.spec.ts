/**
 * End to end: trials log TensorBoard scalars; `%tensorboard` opens the TensorBoard panel
 * by itself, TensorBoard draws the scalar chart through the authenticated proxy, and the
 * detail view's TensorBoard button brings back the same panel.
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';

import { fillNotebook, runAllCells } from './notebook';

const SIDEBAR_ID = 'hopsml-sidebar';
const picture = (name: string) => path.resolve(__dirname, `../test-results/${name}.png`);
/** The README's TensorBoard picture: refreshed only on request (UPDATE_SCREENSHOT=1). */
const README_PICTURE = path.resolve(__dirname, '../../docs/tensorboard.png');

const CELLS = [
  '%load_ext hopsml_lab',
  [
    '%%experiment ui-tensorboard --grid lr=0.1,0.2 --metric loss --direction min',
    'def train(lr):',
    '    import tensorflow as tf',
    '    from hopsml_lab import tensorboard',
    '    with tf.summary.create_file_writer(tensorboard.logdir()).as_default():',
    '        for step in range(5):',
    '            tf.summary.scalar("loss", lr / (step + 1), step=step)',
    '    return {"loss": lr / 5}'
  ].join('\n'),
  '%tensorboard ui-tensorboard'
];

test.describe('HopsML Lab TensorBoard', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('%tensorboard opens TensorBoard with the trials scalars', async ({ page }) => {
    const cell = (n: number) => page.locator('.jp-Notebook .jp-Cell').nth(n);
    const panels = page.locator('#jp-main-dock-panel .hopsml-TensorBoard');

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
      const item = page
        .locator(`#${SIDEBAR_ID} li.hopsml-ExperimentList-item`)
        .filter({ hasText: 'ui-tensorboard' });
      await item.locator('button.hopsml-ExperimentList-open').click();
      const detail = page.locator('#jp-main-dock-panel .hopsml-ExperimentDetail');
      await detail.locator('.hopsml-TensorBoardButton').click();
      await expect(panels).toHaveCount(1);
      await expect(panels.first()).toBeVisible();
    });
  });
});
