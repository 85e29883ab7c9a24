/**
 * The Hopfield demo (demo/hopfield.html) with the user's own patterns, in real headless Chromium:
 * patterns uploaded as CSV (0/1 and ±1, one or several per file) and as a PNG are stored and recalled
 * after corruption; bad files are refused with a message naming them; the URL hash carries the settings,
 * the patterns and the grid, so the link replays the same recall; Save results writes the patterns, the
 * weights and the run as JSON. Needs the bundles (`npx rollup -c rollup.config.mjs`) and Chromium (see
 * test/helpers/browser.ts); THERMOLEARN_SKIP_BROWSER=1 skips it.
 */
import { readFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { describe, it, expect } from "vitest";
import type { Page } from "playwright-core";
import { VERSION } from "../src/index.js";
import { fillInputs, openPage, skipBrowser, useDemo } from "./helpers/browser.js";

// demo/hopfield.ts declares window.__thermolearnHopfield (a HopfieldDemoState) for the type checker.
import type {} from "../demo/hopfield.js";

const RUN_FINAL = ["fixed-point", "cycle", "max-sweeps", "stopped", "error"];
const SIZE = 12,
  N = SIZE * SIZE;

async function waitForRunEnd(page: Page): Promise<void> {
  await page.waitForFunction(
    (final) => {
      const s = window.__thermolearnHopfield;
      return final.includes(s.status) && s.rendered.energy === s.energies.length;
    },
    RUN_FINAL,
    { timeout: 20_000 },
  );
}

/** A ±1 pattern of N cells from a linear congruential generator (seeded, so every run tests the same). */
function randomPattern(seed: number): number[] {
  let x = seed >>> 0;
  return Array.from({ length: N }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x >>> 31 ? 1 : -1;
  });
}

/** CRC-32 (IEEE, as PNG needs it) of `bytes`. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A greyscale 8-bit PNG of `pattern` drawn `scale` pixels a cell: +1 black (0), −1 white (255), as a
 * user's drawing would be (PNG spec: signature, IHDR, one zlib IDAT of filter-0 rows, IEND).
 */
function patternPng(pattern: number[], scale: number): Buffer {
  const side = SIZE * scale;
  const rows = Buffer.alloc(side * (side + 1));
  for (let y = 0; y < side; y++) {
    rows[y * (side + 1)] = 0; // filter type 0
    for (let x = 0; x < side; x++) {
      const cell = pattern[Math.floor(y / scale) * SIZE + Math.floor(x / scale)];
      rows[y * (side + 1) + 1 + x] = cell === 1 ? 0 : 255;
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** `pattern` as a CSV of 12 lines of 12 values, 0/1 (0 = −1). */
const csv01 = (pattern: number[]) =>
  Array.from({ length: SIZE }, (_, r) =>
    pattern
      .slice(r * SIZE, (r + 1) * SIZE)
      .map((v) => (v === 1 ? 1 : 0))
      .join(","),
  ).join("\n");

async function upload(page: Page, name: string, mimeType: string, buffer: Buffer): Promise<void> {
  await page.setInputFiles("#upload", { name, mimeType, buffer });
}

/** Corrupts the grid by `flip` % with `seed`, runs the recall to its end, returns the page's state. */
async function corruptAndRun(page: Page, flip: string, seed: string) {
  await fillInputs(page, { flip, seed });
  await page.click("#corrupt");
  await page.click("#run");
  await waitForRunEnd(page);
  return page.evaluate(() => window.__thermolearnHopfield);
}

const MINE = randomPattern(11),
  TWO = [randomPattern(12), randomPattern(13)],
  FACE = randomPattern(14);

describe.skipIf(skipBrowser)("Hopfield demo: your own patterns, links and export", () => {
  let page: Page;
  let errors: string[];
  useDemo(
    "demo/hopfield.html",
    ["hopfield.js", "hopfield-worker.js"],
    (demo) => ({ page, errors } = demo),
    "__thermolearnHopfield",
  );

  it("stores a 0/1 CSV pattern, puts it on the grid, and recalls it after corruption", async () => {
    await page.selectOption("#rule", "pseudoinverse");
    await page.selectOption("#speed", "30");
    await upload(page, "mine.csv", "text/csv", Buffer.from(csv01(MINE)));
    await page.waitForFunction(() => window.__thermolearnHopfield.uploads.length === 1);
    const s = await page.evaluate(() => window.__thermolearnHopfield);
    expect(s.error).toBeNull();
    expect(s.patterns).toEqual(["A", "B", "C", "T", "X", "0", "1", "2", "3", "mine.csv"]);
    expect(s.state).toEqual(MINE); // 0 → −1, row-major
    expect(s.target).toBe("mine.csv");
    expect(s.recalled).toBe("mine.csv");
    expect(s.overlaps[9]).toBe(1);
    expect(await page.locator('.pattern[data-pattern="mine.csv"]').count()).toBe(1);
    // 15 % of the cells flipped (22 of 144): the network goes back to the uploaded pattern.
    const r = await corruptAndRun(page, "15", "5");
    expect(r.runStart!.filter((x, i) => x !== MINE[i]).length).toBe(22);
    expect(r.status).toBe("fixed-point");
    expect(r.state).toEqual(MINE);
    expect(r.success).toBe(true);
    expect(errors).toEqual([]);
  });

  it("stores every pattern of a ±1 CSV with several, and a PNG thresholded to ±1 and scaled to 12 × 12", async () => {
    const text = `# two patterns, one line each\n${TWO.map((p) => p.join(" ")).join("\n")}\n`;
    await upload(page, "two.csv", "text/csv", Buffer.from(text));
    await page.waitForFunction(() => window.__thermolearnHopfield.uploads.length === 3);
    let s = await page.evaluate(() => window.__thermolearnHopfield);
    expect(s.patterns.slice(-2)).toEqual(["two.csv #1", "two.csv #2"]);
    expect(s.state).toEqual(TWO[0]);
    // A 36 × 36 PNG (3 pixels a cell) is scaled down to one value a cell: exactly the pattern.
    await upload(page, "face.png", "image/png", patternPng(FACE, 3));
    await page.waitForFunction(() => window.__thermolearnHopfield.uploads.length === 4);
    s = await page.evaluate(() => window.__thermolearnHopfield);
    expect(s.error).toBeNull();
    expect(s.patterns.at(-1)).toBe("face.png");
    expect(s.state).toEqual(FACE);
    expect(s.recalled).toBe("face.png");
    const r = await corruptAndRun(page, "10", "8");
    expect(r.status).toBe("fixed-point");
    expect(r.state).toEqual(FACE);
    expect(r.recalled).toBe("face.png");
    expect(r.success).toBe(true);
    expect(errors).toEqual([]);
  });

  it("refuses a CSV with a bad value, of the wrong length, and a file that is no image, naming the file", async () => {
    const before = await page.evaluate(() => window.__thermolearnHopfield.patterns);
    const box = page.locator("#net-error");
    await upload(page, "bad.csv", "text/csv", Buffer.from("1,0,2\n"));
    await expect.poll(() => box.textContent()).toBe('RangeError: bad.csv: "2" (line 1, value 3) is not −1, 0 or 1');
    await upload(page, "short.csv", "text/csv", Buffer.from("1,0,1\n"));
    await expect
      .poll(() => box.textContent())
      .toBe("RangeError: short.csv: 3 values is not a multiple of N = 144 (a pattern is 12 × 12 values, row-major)");
    await upload(page, "fake.png", "image/png", Buffer.from("not a png"));
    await expect.poll(() => box.textContent()).toBe("RangeError: fake.png: not an image this browser can decode");
    expect(await page.evaluate(() => window.__thermolearnHopfield.patterns)).toEqual(before);
  });

  it("keeps settings, patterns and the grid in the hash: the link replays the same recall", async () => {
    const s = await corruptAndRun(page, "20", "21"); // the grid is face.png, as the last recall left it
    expect(s.status).not.toBe("error");
    const url = page.url();
    const hash = new URLSearchParams(new URL(url).hash.slice(1));
    expect(hash.get("rule")).toBe("pseudoinverse");
    expect(hash.get("seed")).toBe("22"); // Corrupt advances the seed; Run uses the advanced one
    expect(hash.getAll("pattern").map((p) => p.split(":")[0])).toEqual([
      "mine.csv",
      "two.csv #1",
      "two.csv #2",
      "face.png",
    ]);
    expect(hash.get("grid")).toMatch(/^[0-9a-f]{36}$/);
    const other = await openPage(page.context().browser()!, url);
    try {
      await other.page.waitForFunction(() => window.__thermolearnHopfield?.ready === true, null, { timeout: 20_000 });
      await waitForRunEnd(other.page);
      const t = await other.page.evaluate(() => window.__thermolearnHopfield);
      expect(t.link).toEqual({ present: true, problems: [] });
      expect(t.patterns).toEqual(s.patterns);
      expect(t.rule).toBe("pseudoinverse");
      expect(t.runStart).toEqual(s.runStart);
      expect(t.energies).toEqual(s.energies);
      expect(t.state).toEqual(s.state);
      expect(t.status).toBe(s.status);
      expect(other.errors).toEqual([]);
    } finally {
      await other.page.close();
    }
  });

  it("saves patterns, weights, checkpoint and the recall as JSON; the weights hold every pattern", async () => {
    const s = await page.evaluate(() => window.__thermolearnHopfield);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
    expect(download.suggestedFilename()).toBe("thermolearn-hopfield-results.json");
    const json = JSON.parse(readFileSync(await download.path(), "utf8"));
    expect(json.version).toBe(VERSION);
    expect(json.backend).toBe(s.backend);
    expect(json.status).toBe(s.status);
    expect(json.config).toMatchObject({ n: N, k: 13, rule: "pseudoinverse", patterns: "given" });
    expect(json.patterns.names).toEqual(s.patterns);
    expect(json.patterns.bits[9]).toEqual(MINE);
    expect(json.patterns.bits[12]).toEqual(FACE);
    expect(json.recall.energy).toEqual(s.energies);
    expect(json.recall.start).toEqual(s.runStart);
    expect(json.recall.state).toEqual(s.state);
    expect(json.checkpoint.format).toBe("thermolearn/hopfield");
    // The pseudo-inverse weights make every stored pattern a fixed point: sign(Wξ) = ξ, cell by cell.
    const w: number[] = json.weights;
    expect(w).toHaveLength(N * N);
    for (const xi of json.patterns.bits as number[][]) {
      for (let i = 0; i < N; i++) {
        let h = 0;
        for (let j = 0; j < N; j++) h += w[i * N + j] * xi[j];
        expect(Math.sign(h)).toBe(xi[i]);
      }
    }
    expect(errors).toEqual([]);
  });

  it("a link with bad pattern values says which, and falls back to the first stored pattern", async () => {
    const base = page.url().split("#")[0];
    const url = `${base}#grid=xyz&target=Q&forget=Z&flip=300&pattern=mine:0f`;
    const other = await openPage(page.context().browser()!, url);
    try {
      await other.page.waitForFunction(() => window.__thermolearnHopfield?.ready === true, null, { timeout: 20_000 });
      const t = await other.page.evaluate(() => window.__thermolearnHopfield);
      expect(t.link.problems).toHaveLength(5);
      const text = (await other.page.textContent("#link-message")) ?? "";
      for (const part of ["grid = ", "target = ", "forget = ", "flip = ", "pattern = "]) expect(text).toContain(part);
      expect(await other.page.inputValue("#flip")).toBe("20");
      expect(t.patterns).toEqual(["A", "B", "C", "T", "X", "0", "1", "2", "3"]);
      expect(t.recalled).toBe("A"); // the grid is the first stored pattern
      expect(t.status).toBe("idle"); // no usable grid: nothing to replay
      expect(other.errors).toEqual([]);
    } finally {
      await other.page.close();
    }
  });
});
