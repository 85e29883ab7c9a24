/**
 * The package as a user gets it (issue #13): the real tarball, installed by the real npm into a fresh
 * project, loaded by the real node.
 *
 * The tarball comes from scripts/pack.mjs, which runs npm's own pack lifecycle (prepack strips the
 * manifest's scripts, postpack restores them) on a staged copy of what `npm pack` would pack from the
 * dist/ that `npm test`'s pretest built. THERMOLEARN_PACKAGE_TARBALL=path tests that tarball instead
 * (e.g. one made by `npm pack --ignore-scripts`, whose manifest still has `prepare`: the install test
 * must then fail).
 *
 * Checked: every shipped file is reachable from an entry (no dead files) and every relative import
 * resolves to a shipped file; the packed manifest has no scripts while the repo's keeps `prepare`;
 * `npm install <tarball> --offline` prints no warning; `require()` (Node's require(esm)) and `import`
 * load every entry and run a small simulation; the CLI runs from the installed bin; the types pass
 * scripts/check-types.mjs (attw, and tsc with skipLibCheck: false in fresh projects).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const REPO_MANIFEST = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const ENTRIES = ["thermolearn", "thermolearn/plot", "thermolearn/node", "thermolearn/mnist"];

let work: string;
let tarball: string;
/** The tarball's files (paths inside package/), from the extracted tarball. */
let files: string[];
let unpacked: string;
/** The fresh project the tarball was installed into, and what `npm install` printed there. */
let project: string;
let installOutput: string;

function listFiles(dir: string, prefix = ""): string[] {
  const out = execFileSync("find", [".", "-type", "f"], { cwd: dir, encoding: "utf8" });
  return out
    .split("\n")
    .filter(Boolean)
    .map((p) => normalize(join(prefix, p)));
}

/** Runs node with `args` in the installed project; returns stdout (throws with stderr on failure). */
function node(args: string[]): { stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, args, { cwd: project, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`node ${args.join(" ")} exited ${run.status}:\n${run.stderr}`);
  return { stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "thermolearn-package-test-"));
  tarball =
    process.env.THERMOLEARN_PACKAGE_TARBALL ??
    execFileSync(process.execPath, [join(ROOT, "scripts/pack.mjs"), work], { encoding: "utf8" }).trim();
  unpacked = join(work, "unpacked");
  mkdirSync(unpacked);
  execFileSync("tar", ["-xzf", tarball, "-C", unpacked]);
  files = listFiles(join(unpacked, "package"));

  project = join(work, "project");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), '{ "name": "fresh-project", "private": true }\n');
  // --offline: the tarball has no dependencies (its peers are optional), so npm needs no registry.
  const install = spawnSync("npm", ["install", tarball, "--offline", "--no-audit", "--no-fund"], {
    cwd: project,
    encoding: "utf8",
  });
  if (install.status !== 0) throw new Error(`npm install failed:\n${install.stderr}`);
  installOutput = `${install.stdout}${install.stderr}`;
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the tarball's contents", () => {
  it("ships no dead file: every file is reachable from an entry, every relative import is shipped", () => {
    const manifest = JSON.parse(readFileSync(join(unpacked, "package/package.json"), "utf8"));
    const shipped = new Set(files);
    const entries: string[] = [manifest.main, manifest.types, ...Object.values<string>(manifest.bin ?? {})];
    for (const target of Object.values<string | Record<string, string>>(manifest.exports)) {
      entries.push(...(typeof target === "string" ? [target] : Object.values(target)));
    }
    const reached = new Set<string>();
    const dangling: string[] = [];
    const queue = entries.map((e) => normalize(e));
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (reached.has(file)) continue;
      reached.add(file);
      if (!/\.(js|d\.ts)$/.test(file)) continue;
      const text = readFileSync(join(unpacked, "package", file), "utf8");
      const here = dirname(file);
      const isTypes = file.endsWith(".d.ts");
      // Imports: `from "./x.js"`, `import "./x.js"`, `import("./x.js")`; in a .d.ts they name x.d.ts.
      for (const [, spec] of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
        const target = normalize(join(here, isTypes ? spec.replace(/\.js$/, ".d.ts") : spec));
        if (shipped.has(target)) queue.push(target);
        else dangling.push(`${file} → ${spec}`);
      }
      if (isTypes) continue;
      // Worker scripts found by path at run time (src/node/figure-pool.ts: "../figure-worker.js", …)
      // and source maps: any relative string or sourceMappingURL naming a shipped file reaches it.
      for (const [, spec] of text.matchAll(/["'`](\.{1,2}\/[^"'`\s]+\.js)["'`]/g)) {
        const target = normalize(join(here, spec));
        if (shipped.has(target)) queue.push(target);
      }
      const map = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text);
      if (map) {
        const target = normalize(join(here, map[1]));
        if (shipped.has(target)) queue.push(target);
        else dangling.push(`${file} → ${map[1]}`);
      }
    }
    const documents = new Set(["package.json", "README.md", "LICENSE", "CHANGELOG.md"]);
    // The guide's pages (docs/*.md): shipped so that the README's links work where npm shows it.
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const guidePages = [...new Set([...readme.matchAll(/\]\((docs\/[^)#]+\.md)/g)].map((m) => m[1]))];
    expect(guidePages.length).toBeGreaterThan(0);
    for (const page of guidePages) expect(shipped.has(page), `${page} (linked from the README)`).toBe(true);
    const isGuidePage = (f: string) => /^docs\/[^/]+\.md$/.test(f);
    const dead = files.filter((f) => !reached.has(f) && !documents.has(f) && !isGuidePage(f));
    expect(dead).toEqual([]);
    expect(dangling).toEqual([]);
    for (const doc of documents) expect(shipped.has(doc), doc).toBe(true);
    // The one found in 0.1.0: 131.7 KB of base64 repeated as a literal type, imported by nothing.
    expect(files.filter((f) => f.endsWith(".generated.d.ts"))).toEqual([]);
  });

  it("the packed manifest has no scripts; the repo's keeps `prepare`, so `npm ci` in a clone builds", () => {
    const packed = JSON.parse(readFileSync(join(unpacked, "package/package.json"), "utf8"));
    expect(packed.scripts).toBeUndefined();
    const { scripts, ...rest } = REPO_MANIFEST;
    expect(packed).toEqual(rest);
    // npm ci runs the root's `prepare`; it must build everything (wasm, types, bundles).
    expect(scripts.prepare).toBe("npm run build");
    for (const step of ["build:wasm", "build:types", "build:bundle"]) expect(scripts.build).toContain(step);
    expect(REPO_MANIFEST.engines.node).toBe(">=20.19");
    for (const entry of ["LICENSE", "CHANGELOG.md"]) expect(REPO_MANIFEST.files).toContain(entry);
  });
});

describe("installed into a fresh project", () => {
  it("npm install <tarball> prints no warning (npm 11 flagged the packed `prepare` on every install)", () => {
    expect(installOutput).not.toMatch(/install-scripts|npm warn/i);
    expect(installOutput).toMatch(/added 1 package/);
  });

  it("require() loads every entry (require(esm), Node ≥ 20.19) and runs a simulation", () => {
    const script = [
      ...ENTRIES.map((e, i) => `const m${i} = require(${JSON.stringify(e)});`),
      `const counts = [${ENTRIES.map((_, i) => `Object.keys(m${i}).length`).join(", ")}];`,
      "const r = m0.runPerceptron({ n: 200, steps: 50, seed: 3 });",
      "console.log(JSON.stringify({ counts, status: r.status, epsilon: r.epsilon.at(-1) }));",
    ].join("\n");
    const { stdout, stderr } = node(["-e", script]);
    const out = JSON.parse(stdout);
    for (const count of out.counts) expect(count).toBeGreaterThan(0);
    expect(out.status).toBe("completed");
    // ε is a generalisation error, a probability in (0, 1/2] for a student that started at random.
    expect(out.epsilon).toBeGreaterThan(0);
    expect(out.epsilon).toBeLessThanOrEqual(0.5);
    expect(stderr).toBe(""); // no ExperimentalWarning: Node ≥ 20.19 loads ESM by require() without one
  });

  it("import loads every entry and gives the same numbers as require()", () => {
    const run = "const r = m0.runPerceptron({ n: 200, steps: 50, seed: 3 }); console.log(r.epsilon.at(-1));";
    const esm = node([
      "--input-type=module",
      "-e",
      `${ENTRIES.map((e, i) => `import * as m${i} from ${JSON.stringify(e)};`).join("\n")}\n${run}`,
    ]);
    const cjs = node(["-e", `const m0 = require("thermolearn"); ${run}`]);
    // One module instance, one seed: the same bits from either way of loading.
    expect(esm.stdout).toBe(cjs.stdout);
    expect(Number(esm.stdout)).toBeGreaterThan(0);
  });

  it("the thermolearn bin runs from node_modules/.bin", () => {
    const run = spawnSync(join(project, "node_modules/.bin/thermolearn"), ["--help"], { encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/thermolearn/);
  });
});

describe("types", () => {
  it("pass attw and compile with skipLibCheck: false in fresh node16, nodenext and bundler projects", () => {
    const run = spawnSync(process.execPath, [join(ROOT, "scripts/check-types.mjs"), tarball], { encoding: "utf8" });
    const report = `${run.stdout}${run.stderr}`;
    expect(report, report).not.toMatch(/FAIL/);
    expect(run.status, report).toBe(0);
    expect(report.match(/check-types: ok/g)?.length).toBe(5);
  });
});
