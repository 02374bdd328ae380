/**
 * The shape of a lab run's `results.json`: what the run concluded, beside the raw `history.jsonl`.
 * Plain JSON (no Maps, no undefined that matters, no Infinity) so that the file round-trips and
 * `flotilla chaos report DIR` can rebuild the report from the two files alone. Times are the
 * history's clock: the client's monotonic milliseconds.
 */
export interface ChaosResults {
  /** The seed that reproduces the schedule (a string when it does not fit a JSON number). */
  seed: number | string;
  /** The one command that replays this run's schedule, when the lab knows it. */
  reproduce?: string;
  /** The nemesis families the run used, as given on the command line. */
  nemeses: string[];
  /** One per checker, in the order they ran. */
  verdicts: CheckerVerdict[];
  /** One per fault that ended: how long writes took to succeed again. */
  recovery: RecoveryTime[];
  /** Every fault the nemesis applied, from its start to its end. */
  faults: FaultWindow[];
}

export interface CheckerVerdict {
  /** e.g. `lost`, `duplicates`, `reads`, `linearizable p0`, `liveness`. */
  checker: string;
  ok: boolean;
  /** The checker could neither prove nor refute (e.g. the linearizability search ran out of budget). */
  unknown?: boolean;
  /** One line: what was checked and what was found (operations checked, the linearizability explanation, ...). */
  summary?: string;
  anomalies: ReportAnomaly[];
}

/**
 * One anomaly. Structurally a superset of the checkers' `Anomaly`, so their output can be put
 * here as it is.
 */
export interface ReportAnomaly {
  message: string;
  /** History lines (1-based: line N is the Nth event of history.jsonl) that show it; may be empty. */
  lines: number[];
  /** The finer class when a checker finds several (e.g. `aborted read` under `reads`). */
  checker?: string;
  partition?: number;
}

export interface RecoveryTime {
  fault: string;
  detail?: string;
  /** When the fault ended. */
  endedAt: number;
  /** From the fault's end to the first acknowledged write after it; null (or absent): none before the run ended. */
  recoveryMs?: number | null;
}

export interface FaultWindow {
  fault: string;
  detail?: string;
  start: number;
  /** null: still active when the run ended. */
  end: number | null;
}
