#!/usr/bin/env node
/**
 * One line width everywhere: fails (exit 1, listing file:line) on any line longer than 120 characters
 * (Unicode code points, as Biome's lineWidth counts them) in src/, test/, bench/, demo/, assembly/ and
 * scripts/. Biome formats code to 120 columns but breaks neither comments nor string literals, and
 * skips assembly/ (AssemblyScript's top-level decorators do not parse), so this check covers them.
 *
 * Skipped: generated or data files (src/core/binaries.generated.ts, test/fixtures/, demo/dist/, JSON).
 * Usage: node scripts/check-lines.mjs (from anywhere; paths are relative to the repository).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, extname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The width Biome formats to (biome.json `formatter.lineWidth`). */
const MAX_COLUMNS = 120;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const FOLDERS = ["src", "test", "bench", "demo", "assembly", "scripts"];
/** Text files checked: sources, pages, styles, Python peers and shell scripts. */
const EXTENSIONS = new Set([".ts", ".mts", ".js", ".mjs", ".cjs", ".html", ".css", ".py", ".sh"]);
/** Paths (relative, with "/") skipped with everything below them: generated code and data. */
const SKIPPED = ["src/core/binaries.generated.ts", "test/fixtures", "demo/dist"];

/**
 * Lines allowed to be longer, each with its reason: a file and a piece of the line's text (so that the
 * exception follows the line when others move). Keep this list short.
 */
const EXCEPTIONS = [];

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = relative(ROOT, path).split("\\").join("/");
    if (SKIPPED.some((s) => rel === s || rel.startsWith(`${s}/`))) continue;
    if (entry.isDirectory()) yield* files(path);
    else if (EXTENSIONS.has(extname(entry.name))) yield rel;
  }
}

const long = [];
const used = new Set();
for (const folder of FOLDERS) {
  for (const file of files(join(ROOT, folder))) {
    const lines = readFileSync(join(ROOT, file), "utf8").split(/\r?\n/);
    lines.forEach((line, i) => {
      const columns = [...line].length;
      if (columns <= MAX_COLUMNS) return;
      const exception = EXCEPTIONS.find((e) => e.file === file && line.includes(e.text));
      if (exception) used.add(exception);
      else long.push(`${file}:${i + 1}: ${columns} columns`);
    });
  }
}
const stale = EXCEPTIONS.filter((e) => !used.has(e)).map((e) => `${e.file}: exception "${e.text}" matches no line`);
if (long.length > 0 || stale.length > 0) {
  for (const message of [...long, ...stale]) console.error(message);
  console.error(`check-lines: ${long.length} line(s) over ${MAX_COLUMNS} columns, ${stale.length} stale exception(s)`);
  process.exit(1);
}
console.log(`check-lines: every line ≤ ${MAX_COLUMNS} columns (${EXCEPTIONS.length} listed exception(s))`);
