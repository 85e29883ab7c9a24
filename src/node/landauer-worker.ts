/**
 * worker_threads entry of src/node/landauer-figure.ts (src/node/pool.ts): computes one task of the
 * Landauer figure on request, a Langevin sub-ensemble of erasures or one Fokker–Planck solve.
 */
import { parentPort } from "node:worker_threads";
import { erasureFokkerPlanck, runErasure } from "../langevin/landauer.js";
import type { LandauerFigureTask } from "./landauer-figure.js";

parentPort?.on("message", (message: { id: number; task: LandauerFigureTask }) => {
  try {
    const { task } = message;
    const result = task.kind === "langevin" ? runErasure(task.options) : erasureFokkerPlanck(task.options);
    parentPort!.postMessage({ id: message.id, result });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: (error as Error).message });
  }
});
