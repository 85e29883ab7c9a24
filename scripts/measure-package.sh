#!/usr/bin/env bash
# Measures what a user gets (issue #10): the install size of the packed tarball in an empty project,
# and the bundle a web page importing `thermolearn` gets from esbuild, Vite and webpack 5 at their
# default settings (with any warning about Node built-ins). Needs the npm registry for the bundlers.
# Usage: bash scripts/measure-package.sh [WORKDIR]   (from the repo root, after npm run build)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
tarball="$(cd "$repo" && npm pack --ignore-scripts --silent --pack-destination "$work" | tail -1)"
echo "tarball: $tarball ($(du -k "$work/$tarball" | cut -f1) KiB packed)"

# 1. The install: an empty project, the tarball alone.
mkdir -p "$work/install" && cd "$work/install"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "$work/$tarball"
packages=$(ls -d node_modules/* node_modules/@*/* 2>/dev/null | grep -v "/@[^/]*$" | wc -l)
echo "install: $(du -sk node_modules | cut -f1) KiB of node_modules, $packages packages"

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
