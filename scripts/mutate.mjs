// npm run mutate [-- FILE ...]: mutation testing.
//   src/…ts files        → StrykerJS (stryker.config.json: vitest runner, perTest coverage, reports in
//                          reports/mutation/), with `--mutate` set to the files given.
//   assembly/…ts files   → scripts/mutate-assembly.mjs (line mutations, one rebuild per mutant).
// No FILE: all of src/ (the config's `mutate` list) and then all of assembly/ (hours: pick files).
// MUTATE_FILES="src/rng.ts assembly/rng.ts" works as well as arguments.
// Extra flags after the files go to the tool: e.g. `npm run mutate -- src/rng.ts --concurrency 1`.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const fromEnv = (process.env.MUTATE_FILES ?? "").split(/\s+/).filter(Boolean);
const files = [...fromEnv, ...argv.filter((a) => !a.startsWith("-") && /\.ts$/.test(a))];
const flags = argv.filter((a) => !files.includes(a));
const src = files.filter((f) => f.replace(/^\.\//, "").startsWith("src/"));
const asm = files.filter((f) => f.replace(/^\.\//, "").startsWith("assembly/"));
const other = files.filter((f) => !src.includes(f) && !asm.includes(f));
if (other.length) {
  console.error(`mutate: only files under src/ or assembly/ can be mutated, got ${other.join(", ")}`);
  process.exit(2);
}

function run(cmd, args) {
  console.log(`mutate: ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  return r.status ?? 1;
}

let status = 0;
const all = files.length === 0;
if (all || src.length) {
  const stryker = join(root, "node_modules", ".bin", "stryker");
  status ||= run(stryker, ["run", ...(src.length ? ["--mutate", src.join(",")] : []), ...flags]);
}
if (all || asm.length) {
  const targets = asm.length
    ? asm
    : readdirSync(join(root, "assembly"))
        .filter((f) => f.endsWith(".ts") && f !== "index.ts")
        .map((f) => `assembly/${f}`);
  status ||= run(process.execPath, [join(root, "scripts", "mutate-assembly.mjs"), ...targets, ...flags]);
}
process.exit(status);
