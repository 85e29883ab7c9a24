#!/usr/bin/env bash
# Measures what a user gets (issues #10, #13): the packed tarball (packed and unpacked size, file count,
# the source maps' share), the install in an empty project (size, and any warning npm prints), and the
# bundle a web page importing `thermolearn` gets from esbuild, Vite and webpack 5 at their default
# settings (with any warning about Node built-ins). Needs the npm registry for the bundlers only.
# The tarball is the release one (scripts/pack.mjs: npm's pack lifecycle, manifest without scripts).
# Usage: [MEASURE_INSTALL_ONLY=1] bash scripts/measure-package.sh [WORKDIR]   (repo root, after npm run build)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
node "$repo/scripts/pack.mjs" --json "$work" > "$work/pack.json"
tarball="$(basename "$(node -p "require('$work/pack.json').tarball")")"
node -e '
const r = require(process.argv[1]);
const kb = (b) => (b / 1000).toFixed(1) + " kB";
const maps = r.files.filter((f) => f.path.endsWith(".map")).reduce((s, f) => s + f.size, 0);
const types = r.files.filter((f) => f.path.startsWith("dist/types/")).reduce((s, f) => s + f.size, 0);
console.log(`tarball: ${r.filename}, ${kb(r.size)} packed, ${kb(r.unpackedSize)} unpacked, ${r.files.length} files`);
console.log(`  of the unpacked size: source maps ${kb(maps)}, declarations ${kb(types)}`);
' "$work/pack.json"

# 1. The install: an empty project, the tarball alone.
mkdir -p "$work/install" && cd "$work/install"
npm init -y >/dev/null
npm install --no-audit --no-fund --offline "$work/$tarball" > install.log 2>&1
echo "install warnings: $(grep -ci "warn" install.log || true)"
packages=$( (ls -d node_modules/* node_modules/@*/* 2>/dev/null || true) | grep -vc "/@[^/]*$" || true)
echo "install: $(du -sk node_modules | cut -f1) KiB of node_modules, $packages packages"
# MEASURE_INSTALL_ONLY=1 stops here (no registry needed: the install above is --offline).
[ "${MEASURE_INSTALL_ONLY:-}" = 1 ] && { echo "work dir: $work"; exit 0; }

# 2. A page: index.html + main.js importing the main entry.
mkdir -p "$work/page/src" && cd "$work/page"
npm init -y >/dev/null
npm pkg set type=module >/dev/null
npm install --no-audit --no-fund --silent "$work/$tarball" esbuild vite webpack webpack-cli
cat > src/main.js <<'JS'
import { Perceptron, init } from "thermolearn";
await init();
const sim = new Perceptron({ n: 100, seed: 1 });
sim.step(100);
document.body.textContent = `epsilon = ${sim.observe().epsilon[0]}`;
JS
cat > index.html <<'HTML'
<!doctype html><html><body><script type="module" src="/src/main.js"></script></body></html>
HTML
report() { # name, output file, log
  local warn; warn=$(grep -ciE "node:|built-?in|polyfill|externalized|fs/promises" "$3" || true)
  echo "$1: $(du -k "$2" | cut -f1) KiB, exit ok, node-builtin warnings: $warn"
}
npx esbuild src/main.js --bundle --format=esm --outfile=out/esbuild.js > esbuild.log 2>&1 \
  && report esbuild out/esbuild.js esbuild.log \
  || { echo "esbuild: FAILED"; cat esbuild.log | head -20; }
npx vite build --outDir out/vite > vite.log 2>&1 \
  && report vite "$(ls out/vite/assets/*.js | head -1)" vite.log \
  || { echo "vite: FAILED"; head -20 vite.log; }
npx webpack --entry ./src/main.js --output-path out/webpack --mode production > webpack.log 2>&1 \
  && report webpack out/webpack/main.js webpack.log \
  || { echo "webpack: FAILED"; grep -iE "error|node:" webpack.log | head -20; }
echo "work dir: $work"
