// Bundles the benchmarks (bench/index.ts → build/bench/index.js) for `npm run bench`.
import typescript from "@rollup/plugin-typescript";
import { nodeResolve } from "@rollup/plugin-node-resolve";

export default {
  input: "bench/index.ts",
  output: { dir: "build/bench", format: "es" },
  external: ["benny", /^node:/],
  plugins: [
    nodeResolve({ preferBuiltins: true }),
    typescript({ tsconfig: "./tsconfig.bundle.json", noEmitOnError: true, sourceMap: false }),
  ],
};
