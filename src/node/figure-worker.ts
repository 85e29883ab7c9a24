/** worker_threads entry of src/node/figure-pool.ts (src/node/pool.ts): computes figure points on request. */
import { parentPort } from "node:worker_threads";
import { figurePoint, type FigureTask } from "./figures.js";

parentPort?.on("message", (message: { id: number; task: FigureTask }) => {
  try {
    parentPort!.postMessage({ id: message.id, result: figurePoint(message.task) });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: (error as Error).message });
  }
});
