/**
 * Figure points on all cores (Node only): src/core/pool.ts with {@link figurePoint} in this thread
 * and dist/figure-worker.js in worker_threads. Kept apart from src/figures.ts, which the worker
 * bundle imports too (rollup puts it in a shared chunk under dist/chunks/): this module is bundled
 * into dist/cli.js, beside dist/figure-worker.js, which the lookup below relies on.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runPool, type PoolOptions } from "./core/pool.js";
import { figurePoint, type FigureTask } from "./figures.js";
import * as check from "./core/validate.js";

/** The bundled worker script: dist/figure-worker.js beside the CLI bundle, or from the sources. */
function figureWorkerScript(): string {
  const candidates = [new URL("./figure-worker.js", import.meta.url), new URL("../dist/figure-worker.js", import.meta.url)];
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  throw new Error("dist/figure-worker.js is missing: run `npm run build`");
}

/**
 * Computes figure points, bit-identical whatever the worker count (default: one per core, at most
 * 1024). Each task is checked by {@link figurePoint} (in this thread or the worker).
 * @throws TypeError/RangeError naming a bad option (tasks, workers, onProgress, signal).
 */
export function runFigureTasks(
  tasks: FigureTask[],
  options?: Omit<PoolOptions<FigureTask, Record<string, number>>, "compute" | "script">,
): Promise<{ results: Record<string, number>[]; status: "completed" | "aborted" }> {
  if (!Array.isArray(tasks)) throw new TypeError("tasks must be an array of figure tasks (figureTasks)");
  const o = check.options("runFigureTasks", options, ["workers", "onProgress", "signal"]);
  if (o.workers !== undefined) check.integer("workers", o.workers, 1, 1024);
  check.optionalFunction("onProgress", o.onProgress);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new TypeError("signal must be an AbortSignal");
  return runPool(tasks, { ...o, compute: figurePoint, script: figureWorkerScript });
}
