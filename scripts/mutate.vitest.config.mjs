// The vitest configuration Stryker runs (stryker.config.json): the unit tests only, in one project
// (Stryker's vitest runner drives a single project), without the browser tests and without the
// property and lifecycle suites, which run the library in a worker or a child process where
// Stryker's active-mutant switch does not reach, and which are slow.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: [
      "test/demo*.test.ts",
      "test/properties.test.ts",
      "test/lifecycle.test.ts",
      "test/cli.test.ts",
      "**/node_modules/**",
    ],
    testTimeout: 120_000,
    // Tests that take seconds each are skipped under mutation (see THERMOLEARN_MUTATION in test/).
    env: { THERMOLEARN_MUTATION: "1" },
    // The scalar wasm build loads asynchronously (as in vitest.config.ts): preload it for the scalar tests.
    setupFiles: ["test/helpers/preload-scalar.ts"],
    hookTimeout: 120_000,
  },
});
