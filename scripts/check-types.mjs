// Checks the types a user gets from the packed tarball (issue #13):
//
//  1. Are the Types Wrong? (@arethetypeswrong/cli) on the tarball, profile "node16" (node10 is TypeScript's
//     legacy resolution, which cannot see `exports` subpaths at all), with one rule ignored:
//     "cjs-resolves-to-esm". That rule says a CommonJS file under `module: node16` may only reach these
//     ES modules through import(); that is true of node16, whose TypeScript forbids require() of ESM, but
//     Node ≥ 20.19 loads them with require(esm), and TypeScript ≥ 5.8 allows it under `module: nodenext`,
//     which step 2 compiles for real. attw carries its own TypeScript 5.6, which predates that.
//  2. The declarations compiled with `skipLibCheck: false` in a fresh project that installed the tarball,
//     with lib ES2022 only (no DOM, no esnext.disposable) and @types/node, under the repo's TypeScript:
//       node16 ESM (.mts); nodenext ESM (.mts) and CommonJS (.cts, `import x = require(…)`) in one
//       project; bundler (.ts, `module: preserve`); each importing thermolearn, thermolearn/node and
//       thermolearn/mnist; thermolearn/plot separately, with its optional peers vega and vega-lite
//       present (its declarations use their types) and lib DOM, which vega's own declarations need.
//
//   node scripts/check-types.mjs [TARBALL]   (default: packs one with scripts/pack.mjs; needs a built dist/)
//
// Prints one line per check and exits 1 if any failed. Needs no network (npm install --offline).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(repo, "node_modules", ".bin", name);
const work = mkdtempSync(join(tmpdir(), "thermolearn-types-"));
const tarball = process.argv[2]
  ? resolve(process.argv[2])
  : execFileSync(process.execPath, [join(repo, "scripts", "pack.mjs"), work], { encoding: "utf8" }).trim();

let failed = 0;
function check(name, command, args, cwd) {
  const run = spawnSync(command, args, { cwd, encoding: "utf8" });
  const ok = run.status === 0;
  console.log(`check-types: ${ok ? "ok  " : "FAIL"} ${name}`);
  if (!ok) {
    failed++;
    console.log(`${run.stdout}${run.stderr}`.trim().replace(/^/gm, "    "));
  }
}

try {
  check(
    "attw (profile node16, cjs-resolves-to-esm ignored: require(esm))",
    bin("attw"),
    [tarball, "--profile", "node16", "--ignore-rules", "cjs-resolves-to-esm", "--no-color", "--format", "ascii"],
    work,
  );

  const project = join(work, "consumer");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), '{ "name": "consumer", "private": true }\n');
  execFileSync("npm", ["install", tarball, "--offline", "--no-audit", "--no-fund", "--silent"], { cwd: project });
  // @types/node, vega and vega-lite from the repo's node_modules (the consumer would install them; linking
  // keeps this offline). TypeScript follows the links to their real paths, where their own deps resolve.
  const modules = join(project, "node_modules");
  mkdirSync(join(modules, "@types"));
  symlinkSync(join(repo, "node_modules", "@types", "node"), join(modules, "@types", "node"));

  const core = ["thermolearn", "thermolearn/node", "thermolearn/mnist"];
  const esm = core.map((s, i) => `import * as m${i} from "${s}";`).join("\n");
  const cjs = core.map((s, i) => `import m${i} = require("${s}");`).join("\n");
  const use =
    `\nexport const entries = [${core.map((_, i) => `m${i}`).join(", ")}];\n` +
    "export const run = (): string => m0.runPerceptron({ n: 100, steps: 10 }).status;\n";
  writeFileSync(join(project, "esm.mts"), esm + use);
  writeFileSync(join(project, "cjs.cts"), cjs + use);
  writeFileSync(join(project, "bundler.ts"), esm + use);
  writeFileSync(
    join(project, "plot.mts"),
    'import { lineChartSpec, renderSvg } from "thermolearn/plot";\nexport { lineChartSpec, renderSvg };\n',
  );

  const base = { target: "ES2022", lib: ["ES2022"], strict: true, skipLibCheck: false, noEmit: true, types: ["node"] };
  // One tsc run per module setting (each checks @types/node in full, a few seconds).
  const configs = {
    "node16 ESM": [{ module: "node16" }, ["esm.mts"]],
    "nodenext ESM and CommonJS (require(esm))": [{ module: "nodenext" }, ["esm.mts", "cjs.cts"]],
    bundler: [{ module: "preserve", moduleResolution: "bundler" }, ["bundler.ts"]],
  };
  for (const [name, [options, sources]] of Object.entries(configs)) {
    const config = `tsconfig.${name.replace(/\W+/g, "-")}.json`;
    writeFileSync(join(project, config), JSON.stringify({ compilerOptions: { ...base, ...options }, files: sources }));
    check(`tsc ${name}: lib ES2022 + @types/node, skipLibCheck false`, bin("tsc"), ["-p", config], project);
  }

  for (const peer of ["vega", "vega-lite"]) symlinkSync(join(repo, "node_modules", peer), join(modules, peer));
  const plotOptions = { ...base, lib: ["ES2022", "DOM"], module: "nodenext" };
  writeFileSync(
    join(project, "tsconfig.plot.json"),
    JSON.stringify({ compilerOptions: plotOptions, files: ["plot.mts"] }),
  );
  check(
    "tsc thermolearn/plot with vega + vega-lite, lib ES2022 + DOM",
    bin("tsc"),
    ["-p", "tsconfig.plot.json"],
    project,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed === 0 ? 0 : 1);
