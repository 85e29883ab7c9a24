import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The scalar wasm build loads asynchronously (src/core/loader.ts); the tests use it synchronously.
    setupFiles: ["test/helpers/preload-scalar.ts"],
    // Two cores. The browser tests assert that pages stay responsive, so they run after the unit
    // tests and one file at a time, not beside CPU-heavy simulations.
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/demo*.test.ts", "test/bundlers.test.ts"],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "browser",
          include: ["test/demo*.test.ts", "test/bundlers.test.ts"],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
