// Bundles: the library entries (one ESM file each, both wasm builds inlined as base64, shared code in
// dist/chunks/), and the browser demo (page scripts + Web Workers). Types come from `tsc` (dist/types).
//
//   dist/thermolearn.js     the browser-safe core (no node: import)
//   dist/plot.js            vega-lite specs; SVG through the optional peers vega, vega-lite (lazy import)
//   dist/mnist.js           the Node-only MNIST loader (reads the optional peer `mnist`)
//   dist/node.js            Node only: worker pool, progress bar, figures on all cores
//   dist/cli.js             the `thermolearn` command (package.json `bin`)
//   dist/figure-worker.js   the figures' worker_threads script; src/node/figure-pool.ts finds it beside
//                           dist/cli.js and dist/node.js, or one level up from a chunk in dist/chunks/
//   dist/efficiency-worker.js  the same for `thermolearn figure efficiency` (src/node/efficiency-figure.ts)
//   dist/landauer-worker.js    the same for `thermolearn figure landauer` (src/node/landauer-figure.ts)
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
    input: {
      thermolearn: "src/index.ts",
      plot: "src/plot/index.ts",
      mnist: "src/data/mnist.ts",
      node: "src/node/index.ts",
      cli: "src/node/cli/main.ts",
      "figure-worker": "src/node/figure-worker.ts",
      "efficiency-worker": "src/node/efficiency-worker.ts",
      "landauer-worker": "src/node/landauer-worker.ts",
    },
    output: {
      dir: "dist",
      format: "es",
      entryFileNames: "[name].js",
      chunkFileNames: "chunks/[name]-[hash].js",
      // No source maps in the package: they would point at src/, which is not shipped (a third of the
      // unpacked size for nothing).
      sourcemap: false,
    },
    external: ["vega", "vega-lite", "mnist", /^node:/],
    plugins: [nodeResolve({ preferBuiltins: true }), ts()],
    onwarn: quiet,
  },
  {
    input: {
      perceptron: "demo/perceptron.ts",
      "perceptron-worker": "demo/perceptron-worker.ts",
      hopfield: "demo/hopfield.ts",
      "hopfield-worker": "demo/hopfield-worker.ts",
      memory: "demo/memory.ts",
      eqprop: "demo/eqprop.ts",
      "eqprop-worker": "demo/eqprop-worker.ts",
      landauer: "demo/landauer.ts",
      "landauer-worker": "demo/landauer-worker.ts",
    },
    output: { dir: "demo/dist", format: "es", entryFileNames: "[name].js", chunkFileNames: "chunks/[name]-[hash].js" },
    plugins: [nodeResolve({ browser: true }), ts()],
    onwarn: quiet,
  },
];
