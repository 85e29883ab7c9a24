// Packs the built package the way `npm pack` does, without building again and without touching the
// repo's package.json, and prints the tarball's path (or, with --json, npm's pack report with a
// `tarball` field holding that path).
//
//   node scripts/pack.mjs [--json] [DEST]     DEST: the directory for the .tgz (default: a new temp dir)
//
// Run it after `npm run build`. It copies what `npm pack --dry-run` lists (the `files` rules of
// package.json, so exactly what npm would pack) into a staging directory, with scripts/pack-manifest.mjs
// beside it and a package.json whose `build` script does nothing, and runs npm's real `npm pack` there:
// prepack (the no-op build, then pack-manifest.mjs strip), pack, postpack (restore). The tarball is
// therefore the one `npm pack` in the repo makes from the same dist/, while the repo's own package.json
// is never rewritten, so other processes (tests, builds) may use the repo meanwhile.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const json = args.includes("--json");
const dest = resolve(args.find((a) => a !== "--json") ?? mkdtempSync(join(tmpdir(), "thermolearn-pack-")));
mkdirSync(dest, { recursive: true });

const npm = (cwd, ...npmArgs) =>
  execFileSync("npm", npmArgs, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

// What npm would pack from the repo (read-only: --dry-run with --ignore-scripts runs and writes nothing).
const [listed] = JSON.parse(npm(repo, "pack", "--dry-run", "--json", "--ignore-scripts"));
const stage = mkdtempSync(join(tmpdir(), "thermolearn-stage-"));
try {
  for (const { path } of listed.files) {
    mkdirSync(dirname(join(stage, path)), { recursive: true });
    copyFileSync(join(repo, path), join(stage, path));
  }
  mkdirSync(join(stage, "scripts"));
  copyFileSync(join(repo, "scripts", "pack-manifest.mjs"), join(stage, "scripts", "pack-manifest.mjs"));
  const manifest = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
  manifest.scripts = { ...manifest.scripts, build: 'node -e ""' }; // dist/ is built already
  writeFileSync(join(stage, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);

  const staged = readFileSync(join(stage, "package.json"), "utf8");
  const [report] = JSON.parse(npm(stage, "pack", "--json", "--pack-destination", dest));
  // postpack must have put the manifest back exactly, and left no backup behind.
  if (
    readFileSync(join(stage, "package.json"), "utf8") !== staged ||
    existsSync(join(stage, ".package.json.prepack"))
  ) {
    throw new Error("pack: postpack did not restore package.json (scripts/pack-manifest.mjs restore)");
  }
  const tarball = join(dest, report.filename);
  console.log(json ? JSON.stringify({ ...report, tarball }, null, 2) : tarball);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
