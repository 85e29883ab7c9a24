/**
 * The Hopfield demo (demo/hopfield.html) in real headless Chromium: a stored letter, corrupted,
 * settles back sweep by sweep with a non-increasing energy; the capacity sweep runs in a Web Worker
 * and its curves come out right; bad input shows the library's error. Needs the bundles
 * (`npx rollup -c rollup.config.mjs`) and Chromium (see test/helpers/browser.ts);
 * THERMOLEARN_SKIP_BROWSER=1 skips it. Saves test-results/demo-hopfield.png.
 */
import { describe, it, expect } from "vitest";
import type { Page } from "playwright-core";
import {
  expectResponsive,
  fillInputs,
  measureResponsiveness,
  RESPONSIVENESS_RETRIES,
  saveScreenshot,
  skipBrowser,
  useDemo,
} from "./helpers/browser.js";

// demo/hopfield.ts declares window.__thermolearnHopfield (a HopfieldDemoState) for the type checker.
import type {} from "../demo/hopfield.js";

const RUN_FINAL = ["fixed-point", "cycle", "max-sweeps", "stopped", "error"];
const CAPACITY_FINAL = ["completed", "aborted", "error"];

/** Waits until the recall run ended and the energy chart shows the whole trace. */
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

/** Waits until the capacity sweep ended and its charts show every load. */
async function waitForCapacityEnd(page: Page): Promise<void> {
  await page.waitForFunction(
    (final) => {
      const c = window.__thermolearnHopfield.capacity;
      return (
        c !== null && final.includes(c.status) && window.__thermolearnHopfield.rendered.capacity === c.loads.length
      );
    },
    CAPACITY_FINAL,
    { timeout: 30_000 },
  );
}

describe.skipIf(skipBrowser)("Hopfield demo in headless Chromium", () => {
  let page: Page;
  let errors: string[];
  useDemo(
    "demo/hopfield.html",
    ["hopfield.js", "hopfield-worker.js"],
    (demo) => ({ page, errors } = demo),
    "__thermolearnHopfield",
  );

  it("recalls a corrupted letter: the energy falls sweep by sweep to the stored pattern", async () => {
    const initial = await page.evaluate(() => window.__thermolearnHopfield);
    expect(["simd", "scalar"]).toContain(initial.backend);
    expect(initial.patterns).toEqual(["A", "B", "C", "T", "X", "0", "1", "2", "3"]);
    expect(await page.locator("#grid .cell").count()).toBe(initial.size * initial.size);

    await page.selectOption("#rule", "pseudoinverse");
    await page.selectOption("#dynamics", "async");
    await page.selectOption("#speed", "30");
    await fillInputs(page, { "max-sweeps": "30", flip: "20", seed: "3" });

    // Pick T: the grid shows it, and it is a stored memory (overlap 1).
    await page.click('.pattern[data-pattern="T"] .pick');
    const picked = await page.evaluate(() => window.__thermolearnHopfield);
    expect(picked.target).toBe("T");
    expect(picked.recalled).toBe("T");
    expect(picked.overlaps[picked.patterns.indexOf("T")]).toBe(1);
    const pattern = picked.state;

    // Corrupt 20 %: exactly round(0.2 · 144) = 29 cells flip; the seed field advances.
    await page.click("#corrupt");
    const corrupted = await page.evaluate(() => window.__thermolearnHopfield);
    const flipped = corrupted.state.filter((x, i) => x !== pattern[i]).length;
    expect(flipped).toBe(29);
    expect(corrupted.recalled).toBeNull();
    expect(corrupted.overlaps[corrupted.patterns.indexOf("T")]).toBeCloseTo(1 - (2 * 29) / 144, 12);
    expect(await page.inputValue("#seed")).toBe("4");

    // Run the asynchronous dynamics and watch it settle: the page shows one sweep per step.
    const watched = await page.evaluate(async (final) => {
      const s = window.__thermolearnHopfield;
      document.getElementById("run")!.click(); // run() does its first sweep before yielding
      const first = { status: s.status, sweeps: s.sweeps, energies: s.energies.length };
      // The sweep count at every animation frame until the run ends. This frame callback is always
      // asked for before run()'s next one (which comes after its pause), so it sees each count.
      const seen: number[] = [];
      const started = performance.now();
      while (!final.includes(s.status) && performance.now() - started < 15_000) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        seen.push(s.sweeps);
      }
      return { first, seen: [...new Set(seen)] };
    }, RUN_FINAL);
    expect(watched.first).toEqual({ status: "running", sweeps: 1, energies: 2 });
    await waitForRunEnd(page);
    const s = await page.evaluate(() => window.__thermolearnHopfield);
    // Frames were drawn after every sweep: the page showed 1, 2, …, the last sweep count in turn.
    expect(watched.seen).toEqual(Array.from({ length: s.sweeps }, (_, i) => i + 1));
    expect(s.error).toBeNull();
    expect(s.status).toBe("fixed-point");
    expect(s.sweeps).toBeGreaterThanOrEqual(2); // at least one sweep that flips, one that confirms
    expect(s.energies).toHaveLength(s.sweeps + 1);
    // Asynchronous dynamics with symmetric weights never raise the energy (f32 weights: tiny slack).
    for (let t = 1; t < s.energies.length; t++)
      expect(s.energies[t]).toBeLessThanOrEqual(s.energies[t - 1] + 1e-6 * Math.abs(s.energies[0]));
    expect(s.energies.at(-1)!).toBeLessThan(s.energies[0] - 1);
    // Recall succeeded: the final state is T itself.
    expect(s.state).toEqual(pattern);
    expect(s.recalled).toBe("T");
    expect(s.success).toBe(true);
    expect(s.overlaps[s.patterns.indexOf("T")]).toBe(1);

    // The grid on screen shows the final state (dark = +1).
    const shown = await page
      .locator("#grid .cell")
      .evaluateAll((cells) => cells.map((c) => (c.classList.contains("on") ? 1 : -1)));
    expect(shown).toEqual(s.state);
    expect(await page.locator("#net-status").textContent()).toMatch(/fixed point.*state = T ✓ recalled/);
    expect(await page.locator('.pattern[data-pattern="T"]').getAttribute("class")).toContain("recalled");
    // The energy chart draws the trace.
    expect(await page.locator("#chart-energy svg").count()).toBe(1);
    expect(
      (await page.locator("#chart-energy .mark-line path").first().getAttribute("d"))?.length ?? 0,
    ).toBeGreaterThan(10);
    expect(errors).toEqual([]);
  });

  it("computes the capacity curve in a worker and plots it", async () => {
    await page.selectOption("#cap-rule", "hebbian");
    await fillInputs(page, {
      "cap-n": "100",
      "cap-trials": "3",
      "cap-from": "0.05",
      "cap-to": "0.2",
      "cap-step": "0.05",
      "cap-seed": "0",
    });
    await page.click("#cap-start");
    await waitForCapacityEnd(page);
    const { capacity: c, error } = await page.evaluate(() => window.__thermolearnHopfield);
    expect(error).toBeNull();
    expect(c!.status).toBe("completed");
    expect(c!.progress).toBe(1);
    expect(c!.config).toEqual({ n: 100, rule: "hebbian", trials: 3, seed: 0 });
    expect(c!.loads).toEqual([0.05, 0.1, 0.15, 0.2]);
    expect(c!.k).toEqual([5, 10, 15, 20]);
    for (const key of [
      "unstableFraction",
      "predictedUnstable",
      "exactUnstable",
      "retrievalOverlap",
      "perfectRecallFraction",
    ] as const) {
      expect(c![key]).toHaveLength(4);
    }
    // More patterns, more crosstalk: the unstable fraction grows with the load …
    const u = c!.unstableFraction;
    for (let i = 1; i < u.length; i++) expect(u[i]).toBeGreaterThanOrEqual(u[i - 1]);
    expect(u[3]).toBeGreaterThan(u[0]);
    expect(u[3]).toBeGreaterThan(0.002); // Φ(−√5) ≈ 0.013 at α = 0.2
    for (let i = 1; i < 4; i++) expect(c!.predictedUnstable[i]).toBeGreaterThan(c!.predictedUnstable[i - 1]);
    // … and retrieval from a stored pattern degrades: perfect at 0.05, clearly worse at 0.2.
    expect(c!.retrievalOverlap[0]).toBeGreaterThan(c!.retrievalOverlap[3]);
    expect(c!.retrievalOverlap[0]).toBeGreaterThan(0.99);

    await expect.poll(() => page.locator("#cap-status").textContent()).toContain("completed");
    expect(await page.locator("#cap-progress").evaluate((p) => (p as HTMLProgressElement).value)).toBe(1);
    for (const id of ["chart-unstable", "chart-overlap"]) {
      expect(await page.locator(`#${id} svg`).count()).toBe(1);
      expect((await page.locator(`#${id} .mark-line path`).first().getAttribute("d"))?.length ?? 0).toBeGreaterThan(10);
    }
    expect(await page.locator("#chart-unstable svg").textContent()).toContain("Φ(−√(N/K))");

    await saveScreenshot(page, "demo-hopfield");
    expect(errors).toEqual([]);
  });

  it("stops a long capacity sweep (AbortController in the worker) with the loads measured so far", {
    retry: RESPONSIVENESS_RETRIES,
  }, async () => {
    await page.selectOption("#cap-rule", "hebbian");
    await fillInputs(page, {
      "cap-n": "2000",
      "cap-trials": "5",
      "cap-from": "0.01",
      "cap-to": "0.2",
      "cap-step": "0.01",
    });
    await page.click("#cap-start");
    await page.waitForFunction(() => (window.__thermolearnHopfield.capacity?.loads.length ?? 0) >= 2, null, {
      timeout: 20_000,
    });
    // The page stays live while the worker computes and the charts take new loads: 1 s of a sweep
    // that takes ≈ 7 s in all (Node, the same wasm: networks of 2000 neurons with up to 400 patterns).
    const responsiveness = await measureResponsiveness(page, "__thermolearnHopfield.capacity", CAPACITY_FINAL, 1_000);
    await page.click("#cap-stop");
    await waitForCapacityEnd(page);
    expectResponsive(responsiveness, "running");
    const c = (await page.evaluate(() => window.__thermolearnHopfield.capacity))!;
    expect(c.status).toBe("aborted");
    expect(c.loads.length).toBeGreaterThanOrEqual(2);
    expect(c.loads.length).toBeLessThan(20);
    expect(c.progress).toBeLessThan(1);
    expect(c.unstableFraction).toHaveLength(c.loads.length);
    expect(await page.locator("#cap-status").textContent()).toContain("aborted");
    expect(await page.locator("#cap-start").isEnabled()).toBe(true);
    expect(errors).toEqual([]);
  });

  it("draws on the grid and stores the drawing as a new pattern", async () => {
    await page.click("#clear");
    const first = page.locator("#grid .cell").nth(0),
      sixth = page.locator("#grid .cell").nth(5);
    const a = (await first.boundingBox())!,
      b = (await sixth.boundingBox())!;
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 });
    await page.mouse.up();
    let s = await page.evaluate(() => window.__thermolearnHopfield);
    expect(s.state.slice(0, 8)).toEqual([1, 1, 1, 1, 1, 1, -1, -1]);
    expect(s.state.filter((x) => x === 1)).toHaveLength(6);
    expect(s.target).toBeNull();
    expect(s.recalled).toBeNull();
    expect(await page.locator("#grid .cell.on").count()).toBe(6);
    // A click toggles one cell back.
    await sixth.click();
    s = await page.evaluate(() => window.__thermolearnHopfield);
    expect(s.state.filter((x) => x === 1)).toHaveLength(5);

    await page.click("#store");
    s = await page.evaluate(() => window.__thermolearnHopfield);
    expect(s.patterns).toHaveLength(10);
    expect(s.patterns.at(-1)).toBe("✎1");
    expect(s.recalled).toBe("✎1");
    expect(await page.locator('.pattern[data-pattern="✎1"]').count()).toBe(1);
    // Unticking a pattern forgets it (the network is rebuilt without it).
    await page.locator('.pattern[data-pattern="✎1"] input[type="checkbox"]').uncheck();
    s = await page.evaluate(() => window.__thermolearnHopfield);
    expect(s.patterns).toHaveLength(9);
    expect(s.recalled).toBeNull();
    expect(errors).toEqual([]);
  });

  it("shows the library's errors in the page, and recovers", async () => {
    await fillInputs(page, { "cap-n": "0" });
    await page.click("#cap-start");
    const capError = page.locator("#cap-error");
    await expect.poll(() => capError.isVisible()).toBe(true);
    expect(await capError.textContent()).toMatch(/RangeError: n must be in \[2, \d+\], got 0/);
    let s = await page.evaluate(() => window.__thermolearnHopfield);
    expect(s.capacity!.status).toBe("error");
    expect(s.error).toMatch(/n must be/);

    // Glauber dynamics without a positive temperature: the library's message, at Run.
    await page.selectOption("#dynamics", "glauber");
    await fillInputs(page, { temperature: "0" });
    await page.click("#run");
    const netError = page.locator("#net-error");
    await expect.poll(() => netError.isVisible()).toBe(true);
    expect(await netError.textContent()).toMatch(/RangeError: temperature must be > 0, got 0/);
    expect(await page.evaluate(() => window.__thermolearnHopfield.status)).toBe("error");

    // Both panels work again with good input.
    await fillInputs(page, { temperature: "0.3", "max-sweeps": "3" });
    await page.selectOption("#speed", "30");
    await page.click("#run");
    await waitForRunEnd(page);
    s = await page.evaluate(() => window.__thermolearnHopfield);
    expect(s.status).toBe("max-sweeps"); // Glauber dynamics never stop early
    expect(s.energies).toHaveLength(4);
    expect(await netError.isVisible()).toBe(false);

    await fillInputs(page, { "cap-n": "60", "cap-from": "0.1", "cap-to": "0.1" });
    await page.click("#cap-start");
    await waitForCapacityEnd(page);
    s = await page.evaluate(() => window.__thermolearnHopfield);
    expect(s.capacity!.status).toBe("completed");
    expect(s.capacity!.loads).toEqual([0.1]);
    expect(s.error).toBeNull();
    expect(await capError.isVisible()).toBe(false);
    expect(errors).toEqual([]);
  });
});
