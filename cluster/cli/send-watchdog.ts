/**
 * The deadline of `flotilla produce`: tracks the records sent and not yet answered, and fires once
 * the oldest of them has waited longer than the limit. That is when the command stops and reports
 * the unanswered records as having an unknown outcome (each may or may not be in the log).
 */
export class SendWatchdog {
  /** Sent records in send order; answered ones are dropped from the front. */
  private readonly sent: Array<{ at: number; answered: boolean }> = [];
  private timer: NodeJS.Timeout | undefined;
  private fire: (unanswered: number) => void = () => undefined;
  private unanswered = 0;
  /** Resolves, with the number of records still unanswered, when the oldest one is past the limit. */
  readonly expired: Promise<number>;

  constructor(readonly limitMs: number) {
    this.expired = new Promise((resolve) => (this.fire = resolve));
    this.timer = setInterval(() => this.check(), Math.max(10, Math.min(100, limitMs / 10)));
  }

  /** Notes a record sent now; call the returned function when it is answered (success or failure). */
  track(): () => void {
    const entry = { at: Date.now(), answered: false };
    this.sent.push(entry);
    this.unanswered++;
    return () => {
      if (entry.answered) return;
      entry.answered = true;
      this.unanswered--;
    };
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    while (this.sent.length > 0 && this.sent[0].answered) this.sent.shift();
    const oldest = this.sent[0];
    if (oldest && Date.now() - oldest.at >= this.limitMs) {
      this.stop();
      this.fire(this.unanswered);
    }
  }
}
