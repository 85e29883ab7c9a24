// `npm run bench [-- --quick | --only compare|suites|eqprop|<suite>]`: bundles bench/index.ts with
// rollup (benny stays external), then runs it.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const root = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..");
execFileSync(
  process.execPath,
  [join(root, "node_modules", "rollup", "dist", "bin", "rollup"), "-c", "rollup.bench.config.mjs", "--silent"],
  { cwd: root, stdio: "inherit" },
);
execFileSync(process.execPath, [join(root, "build", "bench", "index.js"), ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
