/** The last lines a process printed, kept for error messages when it fails. */
export class LogTail {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly limit = 200) {}

  /** Feeds raw output; returns the complete lines it contained. */
  push(chunk: string): string[] {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    const complete = parts.filter((l) => l.trim() !== '');
    for (const line of complete) {
      this.lines.push(line);
      if (this.lines.length > this.limit) this.lines.shift();
    }
    return complete;
  }

  text(last = 30): string {
    return this.lines.slice(-last).join('\n');
  }
}
