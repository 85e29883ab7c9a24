/**
 * Runs independent figure points on all cores with worker_threads (Node), or in this thread when
 * `workers` is 1. Results are placed by index, so the output does not depend on the worker count or
 * on which worker finishes first.
 */
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { figurePoint, type FigureTask } from "../figures.js";
import type { Progress } from "./drive.js";

/** The bundled worker script: dist/figure-worker.js beside this bundle, or from the sources. */
function workerScript(): string {
  const candidates = [new URL("./figure-worker.js", import.meta.url), new URL("../../dist/figure-worker.js", import.meta.url)];
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  throw new Error("dist/figure-worker.js is missing: run `npm run build`");
}

export async function runTasks(
  tasks: FigureTask[],
  options: { workers?: number; onProgress?: (p: Progress) => void; signal?: AbortSignal } = {},
): Promise<{ results: Record<string, number>[]; status: "completed" | "aborted" }> {
  const workers = Math.max(1, Math.min(options.workers ?? cpus().length, tasks.length));
  const results: Record<string, number>[] = new Array(tasks.length);
  let done = 0;
  const report = () => options.onProgress?.({ step: done, steps: tasks.length, t: done, fraction: done / tasks.length });
  if (workers === 1) {
    for (const [i, task] of tasks.entries()) {
      if (options.signal?.aborted) return { results: results.slice(0, i), status: "aborted" };
      results[i] = figurePoint(task);
      done++;
      report();
      if (done % 8 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return { results, status: "completed" };
  }
  const script = workerScript();
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
      worker.on("message", (m: { id: number; result?: Record<string, number>; error?: string }) => {
        if (m.error !== undefined) return reject(new Error(`figure point ${m.id}: ${m.error}`));
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
