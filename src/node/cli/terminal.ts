/**
 * What a CLI run shows and hears on the terminal: a progress bar on stderr (one "running" line
 * instead when stderr is no terminal), Ctrl-C as a request to stop and keep what was computed, and
 * the exit codes.
 */
import { ProgressBar } from "../progress.js";

/** Exit code of a run whose simulation diverged (results up to then are kept). */
export const EXIT_DIVERGED = 3;

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it), after writing what it computed. */
export const EXIT_INTERRUPTED = 130;

/**
 * Ctrl-C (SIGINT) during a long run: the first one aborts the returned signal, so the run stops at
 * its next check and the command writes what was computed (exit 130); a second one kills the
 * process as usual. `release` restores the default handling.
 */
export function interruptOnSigint(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once("SIGINT", onSigint);
  return { signal: controller.signal, release: () => process.removeListener("SIGINT", onSigint) };
}

/** A progress bar as the commands use it. */
export interface CliProgress {
  update: (fraction: number, note?: string) => void;
  done: () => void;
}

/** Whether this process printed its "running" line already (once per process). */
let announced = false;

/**
 * A progress bar on a terminal. Elsewhere (a pipe, a log file) the bar draws nothing, so the first
 * progress of the process prints one line instead, saying the run is under way and Ctrl-C keeps it.
 */
export function progressBar(label: string): CliProgress {
  const bar = new ProgressBar(label, process.stderr);
  return {
    update: (fraction, note) => {
      if (!process.stderr.isTTY && !announced) {
        announced = true;
        process.stderr.write(`thermolearn: ${label} running (Ctrl-C stops it and writes what was computed)\n`);
      }
      bar.update(fraction, note);
    },
    done: () => bar.done(),
  };
}
