// Deletes the declaration files in dist/types that no shipped declaration can reach (issue #13: the
// package ships no dead files). tsc emits a .d.ts for every module of the program, also for the modules
// only implementations import (src/core/validate.ts, the generated wasm modules, …), whose declarations
// no public declaration imports. Starting from the `types` of every `exports` entry (and the top-level
// `types`), this follows `from "./x.js"`, `import "./x.js"` and `import("./x.js")` (naming x.d.ts) and
// removes every other .d.ts, then the directories left empty.
//
//   node scripts/prune-types.mjs     (after `tsc -p tsconfig.types.json`; part of `npm run build:types`)
import { existsSync, readFileSync, readdirSync, rmdirSync, statSync, unlinkSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const typesDir = join(root, "dist", "types");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

const entries = [manifest.types, ...Object.values(manifest.exports).map((e) => e?.types)].filter(Boolean);
const reached = new Set();
const queue = entries.map((e) => resolve(root, e));
while (queue.length > 0) {
  const file = queue.pop();
  if (reached.has(file)) continue;
  if (!existsSync(file)) throw new Error(`prune-types: ${relative(root, file)} is imported but was not emitted`);
  reached.add(file);
  const text = readFileSync(file, "utf8");
  for (const [, spec] of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)\.js["']/g)) {
    queue.push(resolve(dirname(file), `${spec}.d.ts`));
  }
}

let removed = 0;
let bytes = 0;
function prune(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      prune(path);
      if (readdirSync(path).length === 0) rmdirSync(path);
    } else if (name.endsWith(".d.ts") && !reached.has(path)) {
      bytes += statSync(path).size;
      unlinkSync(path);
      removed++;
    }
  }
}
prune(typesDir);
console.log(`prune-types: kept ${reached.size} declaration files, removed ${removed} unreachable (${bytes} bytes)`);
