/**
 * Notices a model stuck repeating itself: the same call (name and normalised arguments)
 * several times in a row. Any different call in between starts the count again, so
 * running the tests after each edit is not a loop.
 */
export class LoopDetector {
  private lastKey: string | undefined;
  private repeats = 0;

  constructor(readonly threshold: number) {}

  /** Records a call; true when it makes `threshold` identical calls in a row. */
  record(key: string): boolean {
    if (key === this.lastKey) this.repeats++;
    else {
      this.lastKey = key;
      this.repeats = 1;
    }
    return this.repeats >= this.threshold;
  }

  get count(): number {
    return this.repeats;
  }
}
