/**
 * A one-line progress bar for terminals: redrawn at most every 100 ms, on stderr, only on a TTY.
 */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export class ProgressBar {
  #last = 0;
  #started = Date.now();
  #active: boolean;

  constructor(private readonly label: string, private readonly stream: ProgressStream) {
    this.#active = Boolean(stream.isTTY);
  }

  /** Redraws the bar at `fraction` ∈ [0, 1] with an optional note such as "t = 3.2". */
  update(fraction: number, note = ""): void {
    if (!this.#active) return;
    const now = Date.now();
    if (now - this.#last < 100 && fraction < 1) return;
    this.#last = now;
    const f = Math.min(1, Math.max(0, fraction));
    const width = 24;
    const filled = Math.round(f * width);
    const elapsed = (now - this.#started) / 1000;
    const eta = f > 0 ? elapsed * (1 / f - 1) : Number.NaN;
    const etaText = Number.isFinite(eta) ? ` ETA ${formatSeconds(eta)}` : "";
    const line = `${this.label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${(100 * f).toFixed(0).padStart(3)}% ${note}${etaText}`;
    this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 100) - 1).padEnd(Math.min(99, (this.stream.columns ?? 100) - 1))}`);
  }

  /** Clears the line. */
  done(): void {
    if (!this.#active) return;
    this.stream.write(`\r${" ".repeat(Math.min(99, (this.stream.columns ?? 100) - 1))}\r`);
  }
}

function formatSeconds(s: number): string {
  return s < 60 ? `${s.toFixed(0)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60).toString().padStart(2, "0")}s`;
}
