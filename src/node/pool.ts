/**
 * Runs independent tasks on all cores with worker_threads (Node), or in this thread when `workers`
 * is 1. Results are placed by index, so the output does not depend on the worker count or on which
 * worker finishes first. The pool knows nothing of the tasks: the caller gives the function that
 * computes one (for this thread) and the worker script that computes one on request. That script
 * answers `{id, task}` with `{id, result}` or `{id, error}` (see src/node/figure-worker.ts).
 */
import { cpus } from "node:os";
import { Worker } from "node:worker_threads";
import { progress, type RunProgress } from "../core/model.js";

/** Tasks computed in this thread between two yields to the event loop (so Ctrl-C is seen). */
const TASKS_PER_YIELD = 8;

export interface PoolOptions<T, R> {
  /** Computes one task in this thread (used when `workers` is 1). */
  compute: (task: T) => R;
  /** The worker script's path (used when `workers` > 1). */
  script: () => string;
  /** Threads to use (default: one per core, at most one per task). */
  workers?: number;
  /** Called after each finished task: `done` tasks of `total`. */
  onProgress?: (p: RunProgress) => void;
  /** Stops handing out tasks; the results finished in order so far are returned. */
  signal?: AbortSignal;
}

/** The results of a pool run: all of them ("completed"), or the first ones finished in order ("aborted"). */
export interface PoolResult<R> {
  /** results[i] of tasks[i], in task order (only the tasks finished in order when aborted). */
  results: R[];
  /** "completed", or "aborted" by the signal. */
  status: "completed" | "aborted";
}

/** Computes the tasks one after another in this thread, yielding every few tasks. */
async function runHere<T, R>(tasks: T[], options: PoolOptions<T, R>, report: () => void): Promise<PoolResult<R>> {
  const results: R[] = new Array(tasks.length);
  for (const [i, task] of tasks.entries()) {
    if (options.signal?.aborted) return { results: results.slice(0, i), status: "aborted" };
    results[i] = options.compute(task);
    report();
    if ((i + 1) % TASKS_PER_YIELD === 0) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return { results, status: "completed" };
}

/**
 * Computes every task, on `workers` threads (default: one per core, at most one per task).
 * @returns the results by task index; on abort, the ones finished in order before the first gap.
 * @example
 * ```ts
 * import { runPool } from "thermolearn/node";
 * // workers: 1 computes in this thread; with more, `script` names a worker file that answers each task
 * const { results } = await runPool([1, 2, 3], { compute: (x: number) => x * x, script: () => "", workers: 1 });
 * console.log(results); // [1, 4, 9]
 * ```
 */
export async function runPool<T, R>(tasks: T[], options: PoolOptions<T, R>): Promise<PoolResult<R>> {
  const workers = Math.max(1, Math.min(options.workers ?? cpus().length, tasks.length));
  let done = 0;
  const report = () => {
    done++;
    options.onProgress?.(progress(done, tasks.length));
  };
  if (workers === 1) return runHere(tasks, options, report);
  const results: R[] = new Array(tasks.length);
  const script = options.script();
  let next = 0;
  let aborted = false;
  const pool = Array.from({ length: workers }, () => new Worker(script));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (options.signal?.aborted) aborted = true;
              if (aborted || next >= tasks.length) return resolve();
              const id = next++;
              worker.postMessage({ id, task: tasks[id] });
            };
            worker.on("message", (m: { id: number; result?: R; error?: string }) => {
              if (m.error !== undefined) return reject(new Error(`task ${m.id}: ${m.error}`));
              results[m.id] = m.result!;
              report();
              feed();
            });
            worker.on("error", reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  if (aborted) {
    // biome-ignore lint/complexity/useIndexOf: unfinished tasks are holes, which indexOf skips and findIndex visits.
    const finished = results.findIndex((r) => r === undefined);
    return { results: finished < 0 ? results : results.slice(0, finished), status: "aborted" };
  }
  return { results, status: "completed" };
}
