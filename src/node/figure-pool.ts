/**
 * Figure points on all cores (Node only): src/node/pool.ts with {@link figurePoint} in this thread
 * and dist/figure-worker.js in worker_threads. Kept apart from src/node/figures.ts, which the worker
 * bundle imports too: the worker needs the points, not the pool.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runPool, type PoolOptions, type PoolResult } from "./pool.js";
import { figurePoint, type FigureTask } from "./figures.js";
import * as check from "../core/validate.js";

/** The most worker threads {@link runFigureTasks} starts. */
const MAX_WORKERS = 1024;

/**
 * The bundled worker script, dist/figure-worker.js. This module's code lands in dist/cli.js or
 * dist/node.js (beside the worker), in a shared chunk under dist/chunks/ (one level below), or runs
 * from the sources in src/node/ (tests: two levels below the repository root, whose dist/ holds it).
 */
function figureWorkerScript(): string {
  const candidates = ["./figure-worker.js", "../figure-worker.js", "../../dist/figure-worker.js"];
  for (const candidate of candidates) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error("dist/figure-worker.js is missing: run `npm run build`");
}

/** Options of {@link runFigureTasks}: the pool's, without the task function and the worker script. */
export type FigurePoolOptions = Omit<PoolOptions<FigureTask, Record<string, number>>, "compute" | "script">;

/**
 * Computes figure points, bit-identical whatever the worker count (default: one per core, at most
 * 1024). Each task is checked by {@link figurePoint} (in this thread or the worker).
 * @throws TypeError/RangeError naming a bad option (tasks, workers, onProgress, signal).
 * @example
 * ```ts
 * import { figureTasks, runFigureTasks } from "thermolearn/node";
 * const { results, status } = await runFigureTasks(figureTasks({ figure: "8", points: 4 }), { workers: 1 });
 * console.log(status, results.length); // "completed", 4 (one record per point)
 * ```
 */
export function runFigureTasks(
  tasks: FigureTask[],
  options?: FigurePoolOptions,
): Promise<PoolResult<Record<string, number>>> {
  if (!Array.isArray(tasks)) throw new TypeError("tasks must be an array of figure tasks (figureTasks)");
  const o = check.options("runFigureTasks", options, ["workers", "onProgress", "signal"]);
  if (o.workers !== undefined) check.integer("workers", o.workers, 1, MAX_WORKERS);
  check.optionalFunction("onProgress", o.onProgress);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new TypeError("signal must be an AbortSignal");
  }
  return runPool(tasks, { ...o, compute: figurePoint, script: figureWorkerScript });
}
