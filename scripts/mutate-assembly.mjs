// Mutation testing of the AssemblyScript sources, one mutant at a time:
//
//   node scripts/mutate-assembly.mjs assembly/rng.ts [more files] [--max N] [--lines A-B]
//     [--tests test/x.test.ts,…] [--seed S]
//
// StrykerJS cannot do this part: it instruments a file with all its mutants at once behind a JS
// global (`__stryker__.activeMutant`, "mutation switching"), which AssemblyScript does not compile.
// So this script works like the mutation testers before switching: it copies the repository's
// build inputs into a sandbox (node_modules linked), and for each mutant writes the mutated file
// there, rebuilds the wasm (scripts/build-wasm.mjs, both builds), runs the model's test file(s)
// (vitest, unit project config of the sandbox) and records
//   killed     the tests failed (or timed out: 3× the unmutated run + 30 s),
//   survived   the tests passed,
//   compile    the mutant does not compile (not counted in the score, like Stryker's CompileError).
// Score = killed / (killed + survived). Reports: reports/mutation/assembly-<name>.json and a
// summary on stdout. Nothing in the working tree is touched except reports/.
//
// Mutations (each occurrence on a code line is one mutant; comments and strings skipped):
// relational  < ↔ <=, > ↔ >=, == ↔ !=;  arithmetic + ↔ -, * ↔ /;  logical && ↔ ||;
// compound    += ↔ -=;  literals  true ↔ false, an integer literal k → k + 1, a float literal x → x·1.01;
// unary       a leading `-` of an operand removed.
// Binary operators are matched only with spaces around them, as the sources are formatted, so
// generics and type casts (`<i32>x`, `load<f64>(p)`) are never mutated.
// --max N samples N mutants per file (seeded, --seed), --lines A-B keeps lines A…B only.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The test files that exercise each assembly file (a missing entry means every model's tests). */
const TESTS = {
  "rng.ts": ["test/rng.test.ts"],
  "perceptron.ts": ["test/perceptron.test.ts"],
  "hopfield.ts": ["test/hopfield.test.ts"],
  "markov.ts": ["test/markov.test.ts"],
  "linalg.ts": ["test/markov.test.ts", "test/hopfield.test.ts"],
  "contrastive.ts": ["test/contrastive.test.ts"],
  "fft.ts": ["test/fftconv.test.ts"],
  "eqprop.ts": ["test/eqprop.test.ts"],
  "simd.ts": ["test/core.test.ts", "test/perceptron.test.ts", "test/eqprop.test.ts"],
  "memory.ts": ["test/core.test.ts", "test/rng.test.ts"],
};

function parseArgs(argv) {
  const o = { files: [], max: Infinity, lines: null, tests: null, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--max") o.max = Number(argv[++i]);
    else if (a === "--lines") {
      const [lo, hi] = argv[++i].split("-").map(Number);
      o.lines = [lo, hi ?? lo];
    } else if (a === "--tests") o.tests = argv[++i].split(",");
    else if (a === "--seed") o.seed = Number(argv[++i]);
    else if (a.startsWith("-")) throw new Error(`unknown flag ${a}`);
    else o.files.push(a.replace(/^\.\//, ""));
  }
  if (!o.files.length) throw new Error("give at least one assembly/… file");
  return o;
}

/** The code part of a line: up to a `//` comment, with string literals blanked (same length). */
function codeOf(line) {
  let out = "",
    quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      out += c === quote ? c : " ";
      if (c === quote && line[i - 1] !== "\\") quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      quote = c;
      out += c;
      continue;
    }
    if (c === "/" && line[i + 1] === "/") break;
    out += c;
  }
  return out;
}

const OPERATORS = [
  [/ <= /g, " < "],
  [/ < /g, " <= "],
  [/ >= /g, " > "],
  [/ > /g, " >= "],
  [/ == /g, " != "],
  [/ != /g, " == "],
  [/ \+ /g, " - "],
  [/ - /g, " + "],
  [/ \* /g, " / "],
  [/ \/ /g, " * "],
  [/ && /g, " || "],
  [/ \|\| /g, " && "],
  [/ \+= /g, " -= "],
  [/ -= /g, " += "],
  [/\btrue\b/g, "false"],
  [/\bfalse\b/g, "true"],
];

/** Every mutant of a file: { line (1-based), column, from, to, text (the whole mutated file) }. */
function mutantsOf(source) {
  const lines = source.split("\n");
  const out = [];
  let inBlockComment = false;
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (inBlockComment) {
      if (trimmed.includes("*/")) inBlockComment = false;
      return;
    }
    if (trimmed.startsWith("/*")) {
      if (!trimmed.includes("*/")) inBlockComment = true;
      return;
    }
    if (trimmed.startsWith("//") || trimmed.startsWith("*") || /^(import|export \{|export \*)/.test(trimmed)) return;
    const code = codeOf(line);
    const add = (column, length, to) => {
      const mutated = line.slice(0, column) + to + line.slice(column + length);
      out.push({
        line: index + 1,
        column,
        from: line.slice(column, column + length),
        to,
        text: [...lines.slice(0, index), mutated, ...lines.slice(index + 1)].join("\n"),
      });
    };
    for (const [pattern, to] of OPERATORS) {
      for (const m of code.matchAll(pattern)) {
        // " < " must not be the "<" of "<=" (the <= pattern handles those) nor part of "<<".
        add(m.index, m[0].length, to);
      }
    }
    // Numeric literals (not inside identifiers, not hex, not array sizes in type positions).
    for (const m of code.matchAll(/(?<![\w.])(\d+\.\d+(?:e[+-]?\d+)?|\d+)(?![\w.])/g)) {
      const text = m[1];
      const to = text.includes(".") ? String(Number(text) * 1.01) : String(Number(text) + 1);
      add(m.index, text.length, to);
    }
    // A unary minus on an operand: "= -x", "(-x", ", -x", "return -x".
    for (const m of code.matchAll(/([=(,]|return) -(?=[\w(])/g)) add(m.index + m[1].length + 1, 1, "");
  });
  return out;
}

/** A seeded sample of k items (xorshift32), kept in source order. */
function sample(items, k, seed) {
  if (k >= items.length) return items;
  let s = seed >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
  const idx = items.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx
    .slice(0, k)
    .sort((a, b) => a - b)
    .map((i) => items[i]);
}

function makeSandbox() {
  const dir = mkdtempSync(join(tmpdir(), "thermolearn-mutate-asm-"));
  for (const p of [
    "assembly",
    "src",
    "test",
    "scripts",
    "asconfig.json",
    "package.json",
    "tsconfig.json",
    "vitest.config.ts",
  ]) {
    if (existsSync(join(root, p))) cpSync(join(root, p), join(dir, p), { recursive: true });
  }
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

function build(dir) {
  try {
    execFileSync(process.execPath, [join(dir, "scripts", "build-wasm.mjs")], { cwd: dir, stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

function runTests(dir, tests, timeoutMs) {
  const started = performance.now();
  const r = spawnSync(
    process.execPath,
    [join(root, "node_modules", "vitest", "vitest.mjs"), "run", ...tests, "--project", "unit", "--bail", "1"],
    {
      cwd: dir,
      stdio: "pipe",
      timeout: timeoutMs,
      encoding: "utf8",
    },
  );
  return { passed: r.status === 0, timedOut: r.error?.code === "ETIMEDOUT", ms: performance.now() - started };
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const dir = makeSandbox();
  mkdirSync(join(root, "reports", "mutation"), { recursive: true });
  let exitCode = 0;
  try {
    for (const file of o.files) {
      const name = basename(file);
      const tests =
        o.tests ??
        TESTS[name] ??
        Object.values(TESTS)
          .flat()
          .filter((t, i, a) => a.indexOf(t) === i);
      const original = readFileSync(join(root, file), "utf8");
      let mutants = mutantsOf(original);
      if (o.lines) mutants = mutants.filter((m) => m.line >= o.lines[0] && m.line <= o.lines[1]);
      mutants = sample(mutants, o.max, o.seed);
      console.log(`mutate-assembly: ${file}: ${mutants.length} mutants, tests ${tests.join(" ")}`);
      writeFileSync(join(dir, file), original);
      if (!build(dir)) throw new Error(`${file}: the unmutated sources do not build`);
      const baseline = runTests(dir, tests, 30 * 60_000);
      if (!baseline.passed) throw new Error(`${file}: the tests fail without any mutant; fix them first`);
      const timeoutMs = Math.round(3 * baseline.ms + 30_000);
      const started = performance.now();
      const results = [];
      for (const [k, m] of mutants.entries()) {
        writeFileSync(join(dir, file), m.text);
        let status;
        if (!build(dir)) status = "compile";
        else {
          const r = runTests(dir, tests, timeoutMs);
          status = r.timedOut ? "killed (timeout)" : r.passed ? "survived" : "killed";
        }
        results.push({ line: m.line, column: m.column, from: m.from, to: m.to, status });
        console.log(
          `  [${k + 1}/${mutants.length}] ${file}:${m.line}:${m.column + 1} "${m.from.trim()}" → ` +
            `"${m.to.trim()}": ${status}`,
        );
      }
      writeFileSync(join(dir, file), original);
      const killed = results.filter((r) => r.status.startsWith("killed")).length;
      const survived = results.filter((r) => r.status === "survived").length;
      const compile = results.filter((r) => r.status === "compile").length;
      const score = killed + survived ? (100 * killed) / (killed + survived) : null;
      const summary = {
        file,
        date: new Date().toISOString(),
        tests,
        mutants: results.length,
        killed,
        survived,
        compileErrors: compile,
        score,
        seconds: (performance.now() - started) / 1000,
        results,
      };
      writeFileSync(
        join(root, "reports", "mutation", `assembly-${name.replace(/\.ts$/, "")}.json`),
        JSON.stringify(summary, null, 2),
      );
      console.log(
        `mutate-assembly: ${file}: score ${score === null ? "n/a" : `${score.toFixed(1)} %`} ` +
          `(${killed} killed, ${survived} survived, ${compile} did not compile) in ${summary.seconds.toFixed(0)} s`,
      );
      for (const r of results.filter((x) => x.status === "survived"))
        console.log(`  survived ${file}:${r.line}:${r.column + 1} "${r.from.trim()}" → "${r.to.trim()}"`);
    }
  } catch (e) {
    console.error(`mutate-assembly: ${e.message}`);
    exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(exitCode);
}

main();
