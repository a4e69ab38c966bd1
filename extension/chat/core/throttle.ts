/**
 * Runs a task at most once per interval while calls keep coming: the first call starts the
 * wait, later calls inside it join that run. Used to save a streaming reply now and then
 * without writing workspace state on every token.
 */
export class Throttled {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly task: () => void,
  ) {}

  schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.task();
    }, this.intervalMs);
  }

  /** Drops a pending run (the caller is about to do the work itself). */
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
