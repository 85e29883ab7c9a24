/**
 * A one-line progress bar for terminals: redrawn at most every 100 ms, only on a TTY (elsewhere it
 * draws nothing).
 */

/** Where the bar is drawn: a terminal stream such as `process.stderr`. */
export interface ProgressStream {
  /** Whether it is a terminal: the bar is drawn only there (elsewhere it stays silent). */
  isTTY?: boolean;
  /** Terminal width in characters. Default 100. */
  columns?: number;
  /** Writes text (e.g. `process.stderr.write`). */
  write(text: string): unknown;
}

/** Least time between two redraws, ms (the last one, at fraction 1, is always drawn). */
const REDRAW_MS = 100;
/** Characters of the bar itself. */
const BAR_WIDTH = 24;
/** Terminal width assumed when the stream does not say. */
const DEFAULT_COLUMNS = 100;
/** Widest line drawn (and cleared). */
const MAX_LINE = 99;

/**
 * A one-line terminal progress bar with an ETA, redrawn at most every 100 ms; silent unless the stream is a terminal
 * (`isTTY`), so logs and pipes stay clean.
 * @example
 * ```ts
 * import { ProgressBar } from "thermolearn/node";
 * const bar = new ProgressBar("sweep", process.stderr); // draws only on a terminal
 * for (let i = 1; i <= 10; i++) bar.update(i / 10, `step ${i}`);
 * bar.done();
 * ```
 */
export class ProgressBar {
  #last = 0;
  #started = Date.now();
  #active: boolean;

  constructor(
    private readonly label: string,
    private readonly stream: ProgressStream,
  ) {
    this.#active = Boolean(stream.isTTY);
  }

  /** Redraws the bar at `fraction` ∈ [0, 1] with an optional note such as "t = 3.2". */
  update(fraction: number, note = ""): void {
    if (!this.#active) return;
    const now = Date.now();
    if (now - this.#last < REDRAW_MS && fraction < 1) return;
    this.#last = now;
    const f = Math.min(1, Math.max(0, fraction));
    const filled = Math.round(f * BAR_WIDTH);
    const elapsed = (now - this.#started) / 1000;
    const eta = f > 0 ? elapsed * (1 / f - 1) : Number.NaN;
    const etaText = Number.isFinite(eta) ? ` ETA ${formatSeconds(eta)}` : "";
    const bar = `[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}]`;
    const line = `${this.label} ${bar} ${(100 * f).toFixed(0).padStart(3)}% ${note}${etaText}`;
    const columns = (this.stream.columns ?? DEFAULT_COLUMNS) - 1;
    this.stream.write(`\r${line.slice(0, columns).padEnd(Math.min(MAX_LINE, columns))}`);
  }

  /** Clears the line. */
  done(): void {
    if (!this.#active) return;
    this.stream.write(`\r${" ".repeat(Math.min(MAX_LINE, (this.stream.columns ?? DEFAULT_COLUMNS) - 1))}\r`);
  }
}

/** "42s", or "3m07s" from a minute on. */
function formatSeconds(s: number): string {
  return s < 60
    ? `${s.toFixed(0)}s`
    : `${Math.floor(s / 60)}m${Math.round(s % 60)
        .toString()
        .padStart(2, "0")}s`;
}
