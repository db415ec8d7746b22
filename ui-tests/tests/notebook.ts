/** Helpers the browser tests share. */
import { IJupyterLabPageFixture } from '@jupyterlab/galata';

/** Put the cells into the open notebook in one go (typing them fights auto-indent). */
export async function fillNotebook(
  page: IJupyterLabPageFixture,
  sources: string[]
): Promise<void> {
  await page.evaluate(cells => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const notebook = (window as any).jupyterapp.shell.currentWidget.content;
    const shared = notebook.model.sharedModel;
    shared.transact(() => {
      shared.deleteCellRange(0, shared.cells.length);
      shared.insertCells(
        0,
        cells.map((source: string) => ({ cell_type: 'code', source }))
      );
    });
  }, sources);
}

/** Run every cell without waiting for them (Spark's first start takes a while). */
export async function runAllCells(page: IJupyterLabPageFixture): Promise<void> {
  await page.evaluate(() => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    void (window as any).jupyterapp.commands.execute('notebook:run-all-cells');
  });
}
