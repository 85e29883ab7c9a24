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

/** The bundled worker script: dist/figure-worker.js beside the CLI bundle, or from the sources. */
function figureWorkerScript(): string {
  const candidates = [new URL("./figure-worker.js", import.meta.url), new URL("../dist/figure-worker.js", import.meta.url)];
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  throw new Error("dist/figure-worker.js is missing: run `npm run build`");
}

/** Computes figure points, bit-identical whatever the worker count (default: one per core). */
export function runFigureTasks(
  tasks: FigureTask[],
  options: Omit<PoolOptions<FigureTask, Record<string, number>>, "compute" | "script"> = {},
): Promise<{ results: Record<string, number>[]; status: "completed" | "aborted" }> {
  return runPool(tasks, { ...options, compute: figurePoint, script: figureWorkerScript });
}
