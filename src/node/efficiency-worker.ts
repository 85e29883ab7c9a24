/**
 * worker_threads entry of src/node/efficiency-figure.ts (src/node/pool.ts): computes one task of the
 * efficiency figure on request, a point of a theory line or one sub-ensemble of a simulation dot.
 */
import { parentPort } from "node:worker_threads";
import { efficiencyAt, efficiencySimulation } from "../perceptron/efficiency.js";
import type { EfficiencyFigureTask } from "./efficiency-figure.js";

parentPort?.on("message", (message: { id: number; task: EfficiencyFigureTask }) => {
  try {
    const { task } = message;
    const result = task.kind === "line" ? efficiencyAt(task.point) : efficiencySimulation(task.task);
    parentPort!.postMessage({ id: message.id, result });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: (error as Error).message });
  }
});
