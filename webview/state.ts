import type { ScrollPosition } from './conversation';
import type { Draft } from './composer';

/** What survives the view being hidden and shown again; the host re-sends everything else. */
export interface SavedState {
  draft: string;
  mentions: string[];
  scroll?: ScrollPosition;
}

export interface StateStorage {
  getState(): SavedState | undefined;
  setState(state: SavedState): void;
}

/** Reads what an older page saved, tolerating fields from earlier versions or none at all. */
export function loadState(storage: StateStorage): SavedState {
  const saved = storage.getState() as Partial<SavedState> | undefined;
  return {
    draft: typeof saved?.draft === 'string' ? saved.draft : '',
    mentions: Array.isArray(saved?.mentions) ? saved.mentions.filter((m): m is string => typeof m === 'string') : [],
    scroll: saved?.scroll && typeof saved.scroll.scrollTop === 'number' ? saved.scroll : undefined,
  };
}

/**
 * Keeps the saved state current. Scrolling fires often, so writes are batched: at most one
 * setState per 200 ms; the draft is written at once because the page may go away any time.
 */
export class StateStore {
  private state: SavedState;
  private timer: number | undefined;

  constructor(private readonly storage: StateStorage) {
    this.state = loadState(storage);
  }

  get current(): SavedState {
    return this.state;
  }

  setDraft(draft: Draft): void {
    this.state = { ...this.state, draft: draft.text, mentions: draft.mentions };
    this.write();
  }

  setScroll(scroll: ScrollPosition): void {
    this.state = { ...this.state, scroll };
    if (this.timer !== undefined) return;
    this.timer = window.setTimeout(() => this.write(), 200);
  }

  private write(): void {
    window.clearTimeout(this.timer);
    this.timer = undefined;
    this.storage.setState(this.state);
  }
}
