/**
 * The packed package in three bundlers and a real browser (issue #13, "Loads wherever JavaScript
 * runs"). The package is packed (`npm pack --ignore-scripts`, from the dist/ that `npm test`'s pretest
 * built) and installed offline into a copy of test/fixtures/bundlers, a page that runs one perceptron
 * simulation. Vite, esbuild and webpack 5 build that page at their default settings (esbuild needs
 * `bundle` and ESM output to build a page at all, and both files as entries since it does not follow
 * `new Worker(new URL(…))`; it is built once as is and once with `splitting`; Vite is also built with
 * `worker.format: "es"`, which its default "iife" lacks for splitting a worker). Headless Chromium then
 * runs each build on the main thread and in a module Web Worker; the last ε must equal, bit for bit,
 * the same call in Node from the same installed package, on the SIMD build, and the scalar build must
 * not be fetched. With WebAssembly.validate answering false (an engine without wasm SIMD) the page must
 * fetch the scalar build, run it and get the same number (both builds give identical bits).
 *
 * Printed: the JavaScript each page fetched, raw and gzipped (zlib level 9), for the README.
 *
 * Environment: THERMOLEARN_TARBALL=path uses that tarball instead of packing dist/ (the figures of
 * an older build); THERMOLEARN_SKIP_BROWSER=1 skips the Chromium part (test/helpers/browser.ts).
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { build as esbuild } from "esbuild";
import { build as viteBuild } from "vite";
import webpack from "webpack";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, serveStatic, skipBrowser, type StaticServer } from "./helpers/browser.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FIXTURE = join(ROOT, "test/fixtures/bundlers");

/** What a page (or Node) reports: see test/fixtures/bundlers/src/run.js. */
interface RunResult {
  backend: string;
  resultBackend: string;
  epsilon: number;
  steps: number;
}

/** A 60-character piece of a build's base64 (from build/, which `npm run build:wasm` wrote): finds it in a file. */
function marker(target: "simd" | "scalar"): string {
  const base64 = readFileSync(join(ROOT, `build/thermolearn.${target}.wasm`)).toString("base64");
  // Offset 4000 is a multiple of 4, so these characters are the same wherever the whole file is encoded.
  return base64.slice(4000, 4060);
}
const SIMD_MARK = marker("simd");
const SCALAR_MARK = marker("scalar");

let work: string; // the temporary page project
let node: { simd: RunResult; scalar: RunResult };

function sh(file: string, args: string[], cwd: string): string {
  return execFileSync(file, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Packs dist/ (or takes THERMOLEARN_TARBALL) and installs it offline into a fresh copy of the page. */
function setUpProject(): void {
  work = mkdtempSync(join(tmpdir(), "thermolearn-bundlers-"));
  let tarball = process.env.THERMOLEARN_TARBALL;
  if (tarball === undefined) {
    for (const file of ["dist/thermolearn.js", "dist/types/index.d.ts"]) {
      if (!statSync(join(ROOT, file), { throwIfNoEntry: false })) {
        throw new Error(`${file} is missing: build dist/ first (npm run build)`);
      }
    }
    const packed = JSON.parse(sh("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], ROOT)) as {
      filename: string;
    }[];
    tarball = join(work, packed[0].filename);
  }
  const page = join(work, "page");
  cpSync(FIXTURE, page, { recursive: true });
  sh("npm", ["install", tarball, "--offline", "--no-audit", "--no-fund", "--loglevel=error"], page);
}

/** Runs the fixture's simulation in Node, importing `thermolearn` from the installed package. */
function runInNode(noSimd: boolean): RunResult {
  const script = `import { run } from "./src/run.js"; console.log(JSON.stringify(await run(${noSimd})));`;
  return JSON.parse(sh(process.execPath, ["--input-type=module", "-e", script], join(work, "page"))) as RunResult;
}

/** One build of the page: its output folder, served at "/", and the HTML page that loads it. */
interface PageBuild {
  name: string;
  dir: string;
  html: string;
}

/** Writes an index.html into `dir` that loads `script` (a module script unless `classic`). */
function writeHtml(dir: string, script: string, classic = false): void {
  const type = classic ? "" : ' type="module"';
  // The empty icon keeps Chromium from asking for /favicon.ico (a 404 would count as a page error).
  const head = '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">';
  writeFileSync(join(dir, "index.html"), `${head}<p id="status">running…</p><script${type} src="${script}"></script>`);
}

/** Vite at its defaults, or with `worker.format: "es"` (its default "iife" cannot split a worker). */
async function buildVite(page: string, esWorker = false): Promise<PageBuild> {
  const dir = join(page, esWorker ? "out-vite-es-worker" : "out-vite");
  await viteBuild({
    root: page,
    configFile: false,
    logLevel: "silent",
    build: { outDir: dir },
    ...(esWorker ? { worker: { format: "es" as const } } : {}),
  });
  return { name: esWorker ? "Vite (worker es)" : "Vite", dir, html: "index.html" };
}

async function buildEsbuild(page: string, splitting: boolean): Promise<PageBuild> {
  const dir = join(page, splitting ? "out-esbuild-split" : "out-esbuild");
  await esbuild({
    entryPoints: [join(page, "src/index.js"), join(page, "src/worker.js")],
    bundle: true,
    format: "esm",
    splitting,
    outdir: dir,
    logLevel: "silent",
  });
  writeHtml(dir, "./index.js");
  return { name: splitting ? "esbuild (splitting)" : "esbuild", dir, html: "index.html" };
}

async function buildWebpack(page: string): Promise<PageBuild> {
  const dir = join(page, "dist");
  // webpack's defaults: entry ./src/index.js, output ./dist/main.js, both from the working folder
  // (`context` and `output.path` say which: the project's, as when `npx webpack` runs in it). `mode` is
  // set to the default ("production") only to silence the warning that it was not set.
  const compiler = webpack({ mode: "production", context: page, output: { path: dir } });
  const stats = await new Promise<webpack.Stats>((resolve, reject) =>
    compiler.run((error, result) => (error || !result ? reject(error) : resolve(result))),
  );
  await new Promise<void>((resolve) => compiler.close(() => resolve()));
  if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
  writeHtml(dir, "./main.js", true);
  return { name: "webpack 5", dir, html: "index.html" };
}

/** Every file under `dir`, relative, with its size. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/** What one page load did: its result and the JavaScript it fetched (path → body). */
interface Visit {
  result?: RunResult;
  error?: string;
  errors: string[];
  scripts: Map<string, Buffer>;
}

async function visit(browser: Browser, server: StaticServer, query: string): Promise<Visit> {
  const context = await browser.newContext();
  const errors: string[] = [];
  const scripts = new Map<string, Buffer>();
  const bodies: Promise<void>[] = [];
  // The context sees the requests of the page and of its dedicated workers.
  context.on("response", (response) => {
    const path = new URL(response.url()).pathname;
    if (path.endsWith(".js")) bodies.push(response.body().then((body) => void scripts.set(path, body)));
  });
  const page = await context.newPage();
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console.error: ${message.text()}`);
  });
  await page.goto(`${server.url}index.html${query}`);
  await page.waitForFunction(() => (window as unknown as { __page?: { done: boolean } }).__page?.done === true, null, {
    timeout: 30_000,
  });
  const outcome = await page.evaluate(
    () => (window as unknown as { __page: { result?: RunResult; error?: string } }).__page,
  );
  await Promise.all(bodies);
  await context.close();
  return { ...outcome, errors, scripts };
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

/** Raw and gzipped (level 9) bytes of the scripts a page fetched. */
function size(scripts: Map<string, Buffer>): { raw: number; gzip: number } {
  let raw = 0,
    gzip = 0;
  for (const body of scripts.values()) {
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
  }
  return { raw, gzip };
}

const holds = (scripts: Map<string, Buffer>, mark: string) => [...scripts.values()].some((body) => body.includes(mark));

beforeAll(() => {
  setUpProject();
  node = { simd: runInNode(false), scalar: runInNode(true) };
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the packed package in Node", () => {
  it("a synchronous scalar object before `await init` says what to do; after it, works", () => {
    // Imports `thermolearn` from the installed package, as a user's script would.
    const script = [
      'import { Perceptron, init } from "thermolearn";',
      "const out = {};",
      'try { new Perceptron({ n: 10, backend: "scalar" }); out.before = "built"; }',
      'catch (error) { out.before = error.name + ": " + error.message; }',
      'out.init = await init({ backend: "scalar" });',
      'out.after = new Perceptron({ n: 10, backend: "scalar" }).backend;',
      "console.log(JSON.stringify(out));",
    ].join("\n");
    const out = JSON.parse(sh(process.execPath, ["--input-type=module", "-e", script], join(work, "page")));
    expect(out.before).toMatch(/^ScalarBuildNotLoadedError: .*await init\(\{ backend: "scalar" \}\)/);
    expect(out.init).toBe("scalar");
    expect(out.after).toBe("scalar");
  });

  it("runs the page's simulation on the SIMD build; the scalar build gives the same bits", () => {
    expect(node.simd.backend).toBe("simd");
    expect(node.simd.resultBackend).toBe("simd");
    expect(node.scalar.resultBackend).toBe("scalar");
    expect(node.simd.steps).toBeGreaterThan(0);
    expect(Number.isFinite(node.simd.epsilon)).toBe(true);
    // The two builds run the same AssemblyScript source in the same order: identical doubles.
    expect(node.scalar.epsilon).toBe(node.simd.epsilon);
  });
});

describe.skipIf(skipBrowser)("a page built from the packed package by each bundler, in Chromium", () => {
  let browser: Browser;
  const builds: PageBuild[] = [];
  const sizes: string[] = [];

  beforeAll(async () => {
    const page = join(work, "page");
    // One at a time: two cores, and each bundler is itself parallel.
    builds.push(await buildVite(page));
    builds.push(await buildVite(page, true));
    builds.push(await buildEsbuild(page, false));
    builds.push(await buildEsbuild(page, true));
    builds.push(await buildWebpack(page));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (sizes.length > 0)
      console.log(`bundlers: JavaScript fetched by a page that runs one simulation\n${sizes.join("\n")}`);
  });

  for (const name of ["Vite", "Vite (worker es)", "esbuild", "esbuild (splitting)", "webpack 5"]) {
    it(`${name}: main thread and module worker match Node on SIMD; without SIMD the scalar build runs`, async () => {
      const build = builds.find((b) => b.name === name);
      if (!build) throw new Error(`${name} did not build`);
      const files = listFiles(build.dir);
      const server = await serveStatic(build.dir);
      try {
        const main = await visit(browser, server, "?where=main");
        const worker = await visit(browser, server, "?where=worker");
        const mainNoSimd = await visit(browser, server, "?where=main&nosimd");
        const workerNoSimd = await visit(browser, server, "?where=worker&nosimd");
        const pageSize = size(main.scripts);
        const workerSize = size(new Map([...worker.scripts].filter(([path]) => !main.scripts.has(path))));
        const fetchedScalar = [...mainNoSimd.scripts].filter(([, body]) => body.includes(SCALAR_MARK));
        const lazy = size(new Map(fetchedScalar.filter(([path]) => !main.scripts.has(path))));
        sizes.push(
          `  ${name.padEnd(20)} page ${kB(pageSize.raw)} (${kB(pageSize.gzip)} gzipped) in ` +
            `${main.scripts.size} file(s); its worker adds ${kB(workerSize.raw)} (${kB(workerSize.gzip)}); ` +
            "scalar build fetched only without SIMD: " +
            (lazy.raw > 0 ? `${kB(lazy.raw)} (${kB(lazy.gzip)} gzipped)` : "none (it is inside the page)"),
        );
        for (const [where, seen, expected] of [
          ["main thread", main, node.simd],
          ["module worker", worker, node.simd],
          ["main thread without SIMD", mainNoSimd, node.scalar],
          ["module worker without SIMD", workerNoSimd, node.scalar],
        ] as const) {
          const context = `${name}, ${where}: ${JSON.stringify({ ...seen, scripts: [...seen.scripts.keys()], files })}`;
          expect(seen.error, context).toBeUndefined();
          expect(seen.errors, context).toEqual([]);
          expect(seen.result?.backend, context).toBe(expected.backend);
          expect(seen.result?.resultBackend, context).toBe(expected.resultBackend);
          // Same wasm, same seed, same operations: the browser's double equals Node's exactly.
          expect(seen.result?.epsilon, context).toBe(expected.epsilon);
        }
        // The page did load the library (the SIMD build is inline) ...
        expect(holds(main.scripts, SIMD_MARK)).toBe(true);
        expect(holds(worker.scripts, SIMD_MARK)).toBe(true);
        // ... and without SIMD it had the scalar build, in the page or fetched.
        expect(holds(mainNoSimd.scripts, SCALAR_MARK)).toBe(true);
        expect(holds(workerNoSimd.scripts, SCALAR_MARK)).toBe(true);
        // A SIMD engine never fetches the scalar build, where the bundler can split a dynamic import()
        // into a file of its own. esbuild without `splitting` cannot, so it bundles the scalar build
        // inline (base64 that is never decoded); nor can Vite's default worker format ("iife"), so
        // Vite's worker has it inline (its page does not) unless `worker.format` is "es".
        expect(holds(main.scripts, SCALAR_MARK)).toBe(name === "esbuild");
        expect(holds(worker.scripts, SCALAR_MARK)).toBe(name === "esbuild" || name === "Vite");
      } finally {
        await server.close();
      }
    }, 60_000);
  }
});
