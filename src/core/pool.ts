/**
 * Runs independent tasks on all cores with worker_threads (Node), or in this thread when `workers`
 * is 1. Results are placed by index, so the output does not depend on the worker count or on which
 * worker finishes first. The pool knows nothing of the tasks: the caller gives the function that
 * computes one (for this thread) and the worker script that computes one on request. That script
 * answers `{id, task}` with `{id, result}` or `{id, error}` (see src/figure-worker.ts).
 */
import { cpus } from "node:os";
import { Worker } from "node:worker_threads";
import type { Progress } from "./drive.js";

export interface PoolOptions<T, R> {
  /** Computes one task in this thread (used when `workers` is 1). */
  compute: (task: T) => R;
  /** The worker script's path (used when `workers` > 1). */
  script: () => string;
  /** Threads to use (default: one per core, at most one per task). */
  workers?: number;
  /** Called after each finished task. */
  onProgress?: (p: Progress) => void;
  /** Stops handing out tasks; the results finished in order so far are returned. */
  signal?: AbortSignal;
}

export async function runPool<T, R>(tasks: T[], options: PoolOptions<T, R>): Promise<{ results: R[]; status: "completed" | "aborted" }> {
  const workers = Math.max(1, Math.min(options.workers ?? cpus().length, tasks.length));
  const results: R[] = new Array(tasks.length);
  let done = 0;
  const report = () => options.onProgress?.({ step: done, steps: tasks.length, t: done, fraction: done / tasks.length });
  if (workers === 1) {
    for (const [i, task] of tasks.entries()) {
      if (options.signal?.aborted) return { results: results.slice(0, i), status: "aborted" };
      results[i] = options.compute(task);
      done++;
      report();
      if (done % 8 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return { results, status: "completed" };
  }
  const script = options.script();
  let next = 0;
  let aborted = false;
  const pool = Array.from({ length: workers }, () => new Worker(script));
  try {
    await Promise.all(pool.map((worker) => new Promise<void>((resolve, reject) => {
      const feed = () => {
        if (options.signal?.aborted) aborted = true;
        if (aborted || next >= tasks.length) return resolve();
        const id = next++;
        worker.postMessage({ id, task: tasks[id] });
      };
      worker.on("message", (m: { id: number; result?: R; error?: string }) => {
        if (m.error !== undefined) return reject(new Error(`task ${m.id}: ${m.error}`));
        results[m.id] = m.result!;
        done++;
        report();
        feed();
      });
      worker.on("error", reject);
      feed();
    })));
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  if (aborted) {
    const finished = results.findIndex((r) => r === undefined);
    return { results: finished < 0 ? results : results.slice(0, finished), status: "aborted" };
  }
  return { results, status: "completed" };
}
