// Every example a user can copy is run, so none can rot (issue #13):
//  - each ```ts / ```js / ```mjs (and ```cjs, run as CommonJS) fenced block of README.md and docs/*.md
//    (docs/api/ is generated: skipped);
//  - each fenced ```ts / ```js / ```mjs block inside an `@example` tag of a TSDoc comment in src/**/*.ts.
// A block runs as its own Node ES module against the built package (dist/): the module is written inside
// the repository (build/examples-*/, git-ignored), so `import … from "thermolearn"`, "thermolearn/plot",
// "thermolearn/node" and "thermolearn/mnist" resolve through package.json's `exports` by self-reference,
// exactly as they resolve in a user's project. TypeScript blocks have their types stripped by esbuild's
// transform and nothing else: no syntax is lowered (target esnext), so a block runs as the JavaScript a
// user would write; `using` in a block fails on Node 20 as it does in a plain .mjs there.
// A block opts out only with an explicit marker and a reason in its info string:
//     ```ts no-run: browser only (needs a <canvas>)
// The run is counted: how many ran and how many were skipped, and why, are logged.
// EXAMPLES_ONLY=substring restricts the run to blocks whose source path contains it (for checking one file).
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { transform } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");

/** One extracted code block: where it is, its language, its code, and why it is skipped (if it is). */
interface Block {
  /** `path:line` of the opening fence (1-based), relative to the repository. */
  id: string;
  file: string;
  lang: "ts" | "js" | "cjs";
  code: string;
  /** The reason after `no-run`, or undefined for a block that runs. "" is a marker without a reason. */
  skip?: string;
}

// `cjs` blocks run as CommonJS (a .cjs file): the README's require() example.
const LANGS: Record<string, "ts" | "js" | "cjs"> = {
  ts: "ts",
  typescript: "ts",
  js: "js",
  javascript: "js",
  mjs: "js",
  cjs: "cjs",
};

/**
 * The fenced blocks of `lines` (already stripped of any comment prefix) whose language is ts/js/mjs.
 * `firstLine` is the 1-based line number of lines[0] in the file. An info string `ts no-run: reason`
 * (or `no-run reason`) marks a skipped block.
 */
function fencedBlocks(file: string, lines: string[], firstLine: number): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang, rest] = open;
    let j = i + 1;
    while (j < lines.length && !lines[j].trimStart().startsWith(fence)) j++;
    const body = lines.slice(i + 1, j).map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line));
    const kind = LANGS[lang.toLowerCase()];
    if (kind) {
      const marker = /^no-run\b[:\s]*(.*)$/.exec(rest.trim());
      blocks.push({
        id: `${file}:${firstLine + i}`,
        file,
        lang: kind,
        code: body.join("\n"),
        skip: marker ? marker[1].trim() : undefined,
      });
    }
    i = j;
  }
  return blocks;
}

/** The blocks inside `@example` tags of the TSDoc comments of a TypeScript source file. */
function exampleBlocks(file: string, text: string): { blocks: Block[]; unfenced: number } {
  const blocks: Block[] = [];
  let unfenced = 0;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\/\*\*/.test(lines[i])) continue;
    let end = i;
    while (end < lines.length && !lines[end].includes("*/")) end++;
    // The comment's lines without the leading ` * ` (and without the opening `/**` and closing `*/`).
    const body = lines.slice(i, end + 1).map((line) =>
      line
        .replace(/^\s*\/\*\*\s?/, "")
        .replace(/\s*\*\/.*$/, "")
        .replace(/^\s*\* ?/, ""),
    );
    for (let k = 0; k < body.length; k++) {
      const tag = /^\s*@example\b(.*)$/.exec(body[k]);
      if (!tag) continue;
      let stop = k + 1;
      while (stop < body.length && !/^\s*@\w+/.test(body[stop])) stop++;
      const found = fencedBlocks(file, body.slice(k + 1, stop), i + k + 2);
      if (found.length === 0) unfenced++;
      blocks.push(...found);
      k = stop - 1;
    }
    i = end;
  }
  return { blocks, unfenced };
}

function walk(dir: string, keep: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path, keep));
    else if (keep(path)) out.push(path);
  }
  return out.sort();
}

/** Every block of the README, docs/*.md and src/**\/*.ts `@example`s, and the count of unfenced examples. */
function collect(): { blocks: Block[]; unfenced: number; files: number } {
  const docs = readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => join(root, "docs", name));
  const markdown = [join(root, "README.md"), ...docs];
  const sources = walk(join(root, "src"), (path) => path.endsWith(".ts") && !path.endsWith(".generated.ts"));
  const blocks: Block[] = [];
  let unfenced = 0;
  for (const path of markdown) {
    blocks.push(...fencedBlocks(relative(root, path), readFileSync(path, "utf8").split("\n"), 1));
  }
  for (const path of sources) {
    const found = exampleBlocks(relative(root, path), readFileSync(path, "utf8"));
    blocks.push(...found.blocks);
    unfenced += found.unfenced;
  }
  const only = process.env.EXAMPLES_ONLY;
  return {
    blocks: only ? blocks.filter((block) => block.file.includes(only)) : blocks,
    unfenced,
    files: markdown.length + sources.length,
  };
}

/** What a block printed and how it ended. */
interface Outcome {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
}

// One block may take this long (a generous bound for a 2-core machine under load; the slowest block,
// the EqProp example, takes ≈ 5 s alone). A block that needs more is too slow to be an example.
const BLOCK_TIMEOUT_MS = 60_000;

/** The module text Node runs for a block: types stripped (no syntax lowering) for TypeScript. */
async function moduleText(block: Block): Promise<string> {
  if (block.lang !== "ts") return block.code;
  const out = await transform(block.code, {
    loader: "ts",
    format: "esm",
    target: "esnext",
    sourcefile: block.id,
    logLevel: "silent",
  });
  return out.code;
}

let workDir = "";
let serial = 0;

/** Writes the block's module inside the repository and runs it with Node in its own directory. */
async function runBlock(block: Block): Promise<Outcome> {
  const dir = join(workDir, `${String(serial++).padStart(3, "0")}-${block.id.replace(/[^\w.-]+/g, "_")}`);
  mkdirSync(dir, { recursive: true });
  let text: string;
  try {
    text = await moduleText(block);
  } catch (error) {
    return { code: 1, signal: null, stdout: "", stderr: `esbuild could not strip the types:\n${error}`, ms: 0 };
  }
  const file = join(dir, block.lang === "cjs" ? "example.cjs" : "example.mjs");
  writeFileSync(file, text);
  const start = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file],
      { cwd: dir, timeout: BLOCK_TIMEOUT_MS, maxBuffer: 64 << 20, env: { ...process.env, FORCE_COLOR: "0" } },
      (error, stdout, stderr) => {
        const failed = error as (Error & { code?: number | string; signal?: string }) | null;
        resolve({
          code: failed ? (typeof failed.code === "number" ? failed.code : 1) : 0,
          signal: failed?.signal ?? null,
          stdout,
          stderr,
          ms: performance.now() - start,
        });
      },
    );
  });
}

/** Runs `blocks` at most `width` at a time; the promise of each block's outcome, by id. */
function runAll(blocks: Block[], width: number): Map<string, Promise<Outcome>> {
  const queue = blocks.slice();
  const settle = new Map<string, (outcome: Outcome) => void>();
  const outcomes = new Map<string, Promise<Outcome>>();
  for (const block of blocks) outcomes.set(block.id, new Promise((resolve) => settle.set(block.id, resolve)));
  const lane = async () => {
    for (let block = queue.shift(); block; block = queue.shift()) {
      const outcome = await runBlock(block);
      settle.get(block.id)!(outcome);
    }
  };
  for (let i = 0; i < width; i++) void lane();
  return outcomes;
}

function report(outcome: Outcome): string {
  const how = outcome.signal ? `killed by ${outcome.signal} (timeout ${BLOCK_TIMEOUT_MS} ms?)` : `exit ${outcome.code}`;
  // The ends of long outputs are where the error is; keep the report short enough to read.
  const tail = (text: string, max: number) => (text.length > max ? `…${text.slice(-max)}` : text);
  const stderr = tail(outcome.stderr, 4000),
    stdout = tail(outcome.stdout, 1000);
  return `${how} after ${Math.round(outcome.ms)} ms\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`;
}

const { blocks, unfenced, files } = collect();
const runnable = blocks.filter((block) => block.skip === undefined);
const skipped = blocks.filter((block) => block.skip !== undefined);
let outcomes = new Map<string, Promise<Outcome>>();

beforeAll(() => {
  workDir = join(root, "build", `examples-${process.pid}`);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  // Two lanes: this machine has 2 cores, and vitest runs other test files beside this one.
  outcomes = runAll(runnable, Math.max(1, Math.min(2, availableParallelism())));
  typeErrors = typecheck(runnable.filter((block) => block.lang === "ts"));
  console.log(
    `examples: ${blocks.length} blocks in ${files} files: ${runnable.length} run, ${skipped.length} skipped` +
      (skipped.length ? `\n${skipped.map((block) => `  skipped ${block.id}: ${block.skip}`).join("\n")}` : "") +
      (unfenced ? `\n  ${unfenced} @example tags hold no fenced ts/js block and are not run` : ""),
  );
});

/**
 * Type-checks every runnable ts block against the package's declarations (dist/types, through the same
 * self-reference), each block its own module: a misspelt property that would only print `undefined`
 * at run time is an error here. Resolves to tsc's diagnostics, each prefixed with its block's id.
 */
function typecheck(tsBlocks: Block[]): Promise<string[]> {
  const dir = join(workDir, "types");
  mkdirSync(dir, { recursive: true });
  const names = new Map<string, string>();
  tsBlocks.forEach((block, i) => {
    const name = `block-${String(i).padStart(3, "0")}.mts`;
    names.set(name, block.id);
    // `export {}` makes a block without imports a module too (top-level await, no shared globals).
    writeFileSync(join(dir, name), `${block.code}\nexport {};\n`);
  });
  const compilerOptions = {
    module: "nodenext",
    moduleResolution: "nodenext",
    target: "es2022",
    lib: ["es2023", "dom", "esnext.disposable"],
    types: ["node"],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["*.mts"] }));
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, "-p", dir, "--pretty", "false"], { cwd: dir, maxBuffer: 64 << 20 }, (_e, out) => {
      const lines = `${out}`.split("\n").filter((line) => line.trim() !== "");
      resolve(lines.map((line) => line.replace(/^(block-\d+\.mts)/, (name) => names.get(name) ?? name)));
    });
  });
}

let typeErrors: Promise<string[]> = Promise.resolve([]);

afterAll(async () => {
  const done = await Promise.all(
    runnable.map(async (block) => ({ id: block.id, ms: (await outcomes.get(block.id)!).ms })),
  );
  await typeErrors;
  // The whole file should stay under ~90 s on two cores: name the blocks that cost the most.
  const slow = done.filter((entry) => entry.ms > 3000).sort((a, b) => b.ms - a.ms);
  const total = done.reduce((sum, entry) => sum + entry.ms, 0);
  console.log(
    `examples: ${Math.round(total / 1000)} s of block run time in all` +
      slow.map((entry) => `\n  slow: ${entry.id} ${Math.round(entry.ms)} ms`).join(""),
  );
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("documentation examples", () => {
  it("finds the README's and docs' blocks, and every skipped block says why", () => {
    // The README alone holds more than 5 runnable blocks; fewer means the extraction broke.
    if (!process.env.EXAMPLES_ONLY)
      expect(runnable.filter((block) => block.file === "README.md").length).toBeGreaterThan(5);
    expect(skipped.filter((block) => block.skip === "").map((block) => block.id)).toEqual([]);
  });

  it.each(runnable.map((block) => [block.id, block] as const))(
    "%s runs",
    async (_id, block) => {
      const outcome = await outcomes.get(block.id)!;
      if (process.env.EXAMPLES_PRINT) console.log(`${block.id} (${report(outcome)})`);
      expect(outcome.code, `${block.id}\n${block.code}\n${report(outcome)}`).toBe(0);
    },
    // Waiting in the queue counts too: up to every block's timeout spread over two lanes.
    Math.max(120_000, (runnable.length / 2 + 1) * BLOCK_TIMEOUT_MS),
  );
});

describe("documentation examples type-check", () => {
  it("every runnable ts block compiles against the package's declarations (strict)", async () => {
    expect(await typeErrors).toEqual([]);
  }, 120_000);
});

describe("the example runner can fail", () => {
  // The same extraction and runner on blocks that must fail; without these the test could pass vacuously.
  const bad = fencedBlocks(
    "self-check.md",
    [
      "```ts",
      'import { notAnExport } from "thermolearn";',
      "notAnExport();",
      "```",
      "```js",
      'import { runPerceptron } from "thermolearn";',
      'runPerceptron({ rule: "hebian" });',
      "```",
      "```mjs",
      "throw new Error('plain failure');",
      "```",
    ],
    1,
  );

  it("finds three blocks in a snippet, and a failing block exits non-zero", async () => {
    expect(bad.map((block) => block.lang)).toEqual(["ts", "js", "js"]);
    for (const block of bad) {
      const outcome = await runBlock(block);
      expect(outcome.code, report(outcome)).not.toBe(0);
    }
    // A correct block through the same path succeeds (the failures above are not the runner's own).
    const good = fencedBlocks(
      "self-check.md",
      [
        "```ts",
        'import { runPerceptron } from "thermolearn";',
        "const n: number = 100;",
        "runPerceptron({ n, steps: 10 });",
        "```",
      ],
      1,
    );
    expect((await runBlock(good[0])).code).toBe(0);
  }, 60_000);

  it("reads @example blocks out of TSDoc comments, with their markers", () => {
    const source = [
      "/**",
      " * Adds.",
      " * @example",
      " * ```ts",
      " * add(1, 2); // 3",
      " * ```",
      " * @example",
      " * ```ts no-run: browser only",
      " * document.title;",
      " * ```",
      " * @example add(1, 2)",
      " * @returns the sum",
      " */",
    ].join("\n");
    const { blocks: found, unfenced: bare } = exampleBlocks("x.ts", source);
    expect(found.map((block) => [block.id, block.code, block.skip])).toEqual([
      ["x.ts:4", "add(1, 2); // 3", undefined],
      ["x.ts:8", "document.title;", "browser only"],
    ]);
    expect(bare).toBe(1);
  });
});
