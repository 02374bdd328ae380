/** A one-line progress counter on stderr, redrawn at most 4 times a second, only on a terminal. */
export class Progress {
  private last = 0;
  private shown = false;

  constructor(
    private readonly stderr: { write(chunk: string): unknown; isTTY?: boolean },
    private readonly render: (n: number) => string,
  ) {}

  update(n: number): void {
    if (!this.stderr.isTTY) return;
    const now = Date.now();
    if (now - this.last < 250) return;
    this.last = now;
    this.shown = true;
    this.stderr.write(`\r${this.render(n)}\x1b[K`);
  }

  /** Clears the line so that the final output starts clean. */
  done(): void {
    if (this.shown) this.stderr.write('\r\x1b[K');
    this.shown = false;
  }
}
