// Bundles: the library (one ESM file, both wasm builds inlined as base64), the plot helpers, the
// CLI, and the browser demo (page script + Web Worker). Types come from `tsc` (dist/types).
import typescript from "@rollup/plugin-typescript";
import { nodeResolve } from "@rollup/plugin-node-resolve";

const ts = () => typescript({ tsconfig: "./tsconfig.bundle.json", noEmitOnError: true });
const quiet = (warning, warn) => {
  // vega's d3 dependencies have harmless circular imports.
  if (warning.code === "CIRCULAR_DEPENDENCY") return;
  warn(warning);
};

export default [
  {
    input: { thermolearn: "src/index.ts", plot: "src/plot.ts", cli: "src/cli.ts", "figure-worker": "src/figure-worker.ts" },
    output: { dir: "dist", format: "es", entryFileNames: "[name].js", chunkFileNames: "chunks/[name]-[hash].js", sourcemap: true },
    external: ["vega", "vega-lite", /^node:/],
    plugins: [nodeResolve({ preferBuiltins: true }), ts()],
    onwarn: quiet,
  },
  {
    input: { main: "demo/main.ts", worker: "demo/worker.ts", hopfield: "demo/hopfield.ts", "hopfield-worker": "demo/hopfield-worker.ts", memory: "demo/memory.ts", eqprop: "demo/eqprop.ts", "eqprop-worker": "demo/eqprop-worker.ts" },
    output: { dir: "demo/dist", format: "es", entryFileNames: "[name].js", chunkFileNames: "chunks/[name]-[hash].js" },
    plugins: [nodeResolve({ browser: true }), ts()],
    onwarn: quiet,
  },
];
