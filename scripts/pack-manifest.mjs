// The manifest that ships in the tarball: package.json without `scripts`.
//
// The repo's package.json has a `prepare` script (`npm run build`) so that `npm ci` in a clone builds
// dist/. In a packed tarball that script is dead (dist/ is already built, and src/ is not shipped), and
// npm ≥ 11 warns about it on every install of the tarball ("install-scripts … not yet covered by
// allowScripts"). The other scripts name files that are not shipped either (scripts/, bench/, …).
// So `npm pack` and `npm publish` strip them, the way `pinst` does for husky's postinstall:
//
//   prepack:  node scripts/pack-manifest.mjs strip    package.json → .package.json.prepack (the exact
//             bytes), package.json rewritten without `scripts`; npm then reads the stripped manifest,
//             so it neither runs `prepare` again nor packs it
//   postpack: node scripts/pack-manifest.mjs restore  .package.json.prepack moved back, byte for byte
//
// If a pack fails between the two, package.json stays stripped and the backup stays: `strip` then
// refuses to run until `node scripts/pack-manifest.mjs restore` has put the original back.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

function main(command) {
  // npm runs lifecycle scripts with the package's directory as the working directory.
  const file = resolve("package.json");
  const backup = resolve(".package.json.prepack");
  if (command === "strip") {
    if (existsSync(backup)) {
      throw new Error(
        `pack-manifest: ${backup} exists, so an earlier pack did not finish and package.json may be the ` +
          "stripped one: run `node scripts/pack-manifest.mjs restore` first",
      );
    }
    const text = readFileSync(file, "utf8");
    writeFileSync(backup, text);
    const { scripts: _scripts, ...shipped } = JSON.parse(text);
    writeFileSync(file, `${JSON.stringify(shipped, null, 2)}\n`);
    console.error("pack-manifest: package.json stripped of its scripts for the tarball");
  } else if (command === "restore") {
    if (!existsSync(backup)) throw new Error(`pack-manifest: no ${backup} to restore from`);
    renameSync(backup, file);
    console.error("pack-manifest: package.json restored");
  } else {
    throw new Error(`pack-manifest: command must be "strip" or "restore", got ${JSON.stringify(command)}`);
  }
}

try {
  main(process.argv[2]);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
