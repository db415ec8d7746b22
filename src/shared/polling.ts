/** A view that asks its model for news at an interval, only while the user can see it
 * (its sidebar open and its section unfolded), and at once when it comes into view. */
import { ReactWidget } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';

export abstract class PollingWidget extends ReactWidget {
  constructor(private readonly intervalMs: number) {
    super();
  }

  /** One round of asking; the next waits until it settles. */
  protected abstract poll(): Promise<void>;

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._timer = window.setInterval(() => this.tick(), this.intervalMs);
    this.tick();
  }

  protected onBeforeDetach(msg: Message): void {
    window.clearInterval(this._timer);
    super.onBeforeDetach(msg);
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.tick();
  }

  private tick(): void {
    if (!this.isVisible || this._polling) {
      return;
    }
    this._polling = true;
    void this.poll().finally(() => {
      this._polling = false;
    });
  }

  private _timer = 0;
  private _polling = false;
}
