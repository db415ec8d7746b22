/** What the sidebar sections of a list with one item unfolded share: the list asked of
 * the server again and again, and the unfolded item. */
import { ISignal, Signal } from '@lumino/signaling';

import { errorMessage } from '../api';

/** A list of which only the newest answer counts: an answer that comes after a later
 * question, or after the list was replaced by an action's answer, is dropped. */
export class LatestList<T> {
  constructor(private readonly fetch: () => Promise<readonly T[]>) {}

  get items(): readonly T[] {
    return this._items;
  }
  /** Whether an answer (the list, or its failure) has come. */
  get loaded(): boolean {
    return this._loaded;
  }
  /** Why the newest ask failed; null: it did not. */
  get error(): string | null {
    return this._error;
  }

  /** Ask again; whether this answer (or its failure) was the newest and so was kept. */
  async load(): Promise<boolean> {
    const asked = ++this._generation;
    try {
      const items = await this.fetch();
      if (asked !== this._generation) {
        return false;
      }
      this._items = items;
      this._error = null;
    } catch (error) {
      if (asked !== this._generation) {
        return false;
      }
      this._error = errorMessage(error);
    }
    this._loaded = true;
    return true;
  }

  /** The list as an action answered it; answers asked for before it are stale. */
  replace(items: readonly T[]): void {
    this._generation++;
    this._items = items;
  }

  private _items: readonly T[] = [];
  private _loaded = false;
  private _error: string | null = null;
  private _generation = 0;
}

/**
 * A section's state: a list asked of the server (the newest answer kept), the one item
 * unfolded with its detail, and the last action's error; views redraw on `changed`.
 */
export abstract class UnfoldingListModel<T> {
  protected constructor(fetch: () => Promise<readonly T[]>) {
    this.list = new LatestList(fetch);
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get loaded(): boolean {
    return this.list.loaded;
  }
  /** Why the list, or the last action, failed; null: it did not. */
  get error(): string | null {
    return this.actionError ?? this.list.error;
  }
  /** The item unfolded; null: none. */
  get selected(): string | null {
    return this.unfolded;
  }

  /** The list again, and the unfolded item's detail. */
  async refresh(): Promise<void> {
    if (!(await this.list.load())) {
      return;
    }
    this._changed.emit();
    if (this.unfolded !== null) {
      await this.loadDetail(this.unfolded);
    }
  }

  /** Unfold an item (its detail), or fold it (null, or the one unfolded). */
  async open(name: string | null): Promise<void> {
    const closing = name === null || name === this.unfolded;
    this.unfolded = closing ? null : name;
    this.clearDetail();
    this._changed.emit();
    if (!closing) {
      await this.loadDetail(name);
    }
  }

  /** Ask for the detail of `name`, the item unfolded. */
  protected abstract loadDetail(name: string): Promise<void>;
  /** Forget the detail shown (another item is unfolded, or none). */
  protected abstract clearDetail(): void;

  protected emitChanged(): void {
    this._changed.emit();
  }

  protected readonly list: LatestList<T>;
  protected actionError: string | null = null;
  protected unfolded: string | null = null;
  private _changed = new Signal<this, void>(this);
}
