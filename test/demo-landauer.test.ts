/**
 * The Landauer demo (demo/landauer.html) in real headless Chromium: erasure cycles run in a Web
 * Worker, the heat and work histograms fill, the mean heat stays above k_BT ln 2 (within its error)
 * and equals what the library computes in Node for the same cycle, a new τ restarts the run with
 * that τ, bad input (τ or D ≤ 0, a dt too coarse for the potential, too few particles) shows the
 * message naming the option, Stop stops and Start starts afresh, the page stays responsive and logs
 * no console errors. Needs the bundles (`npx rollup -c rollup.config.mjs`) and Chromium (see
 * test/helpers/browser.ts); THERMOLEARN_SKIP_BROWSER=1 skips it. Saves test-results/demo-landauer.png.
 */
import { describe, it, expect, beforeAll } from "vitest";
import type { Page } from "playwright-core";
import { init } from "../src/index.js";
import { runErasure } from "../src/langevin/landauer.js";
import {
  expectResponsive,
  fillInputs,
  measureResponsiveness,
  RESPONSIVENESS_RETRIES,
  saveScreenshot,
  skipBrowser,
  useDemo,
} from "./helpers/browser.js";

// demo/landauer.ts declares window.__thermolearnLandauer (a LandauerDemoState) for the type checker.
import type { LandauerDemoState } from "../demo/landauer.js";

const LN2 = Math.LN2;

/** The number of the run on the page now (each restart adds one). */
const runNow = (page: Page) => page.evaluate(() => window.__thermolearnLandauer.run);

/**
 * Waits until a run after run `after` with τ = `tau` has finished at least `cycles` cycles and the
 * charts show them, or has failed.
 */
async function waitForCycles(page: Page, after: number, tau: number, cycles: number): Promise<LandauerDemoState> {
  await page.waitForFunction(
    ({ after, tau, cycles }) => {
      const s = window.__thermolearnLandauer;
      if (s.run <= after || s.pending) return false;
      return (
        (s.status === "running" && s.params?.tau === tau && s.cycles >= cycles && s.rendered >= cycles) ||
        s.status === "error"
      );
    },
    { after, tau, cycles },
    { timeout: 15_000 },
  );
  return page.evaluate(() => window.__thermolearnLandauer);
}

/**
 * The mean heat (k_BT) of the page's first cycle, computed here in Node by the library's runErasure:
 * the same cycle (erasureProtocol's defaults, Heun), seed 0, trajectories 0 … particles − 1.
 */
const firstCycleHeat = (tau: number, particles: number) => runErasure({ tau, particles, seed: 0 }).meanHeat;

describe.skipIf(skipBrowser)("Landauer demo in headless Chromium", () => {
  let page: Page;
  let errors: string[];
  beforeAll(() => init());
  useDemo(
    "demo/landauer.html",
    ["landauer.js", "landauer-worker.js"],
    (demo) => ({ page, errors } = demo),
    "__thermolearnLandauer",
  );

  it("erases bits in a worker: histograms fill, ⟨Q⟩ ≥ ln 2, the library's numbers", async () => {
    let s = await page.evaluate(() => window.__thermolearnLandauer);
    expect(s.error).toBeNull();
    expect(s.params).toMatchObject({ tau: 10, D: 1, dt: 0.002, particles: 1000, seed: 0, pace: "watch" });
    expect(s.framesDrawn).toBeGreaterThan(0);
    // The canvas shows the potential and the dots: plenty of painted pixels.
    const painted = await page.evaluate(() => {
      const c = document.getElementById("well") as HTMLCanvasElement;
      const data = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(2000);

    await page.selectOption("#pace", "fast"); // no restart: the run goes on, faster
    s = await waitForCycles(page, 0, 10, 4);
    expect(s.run).toBe(1);
    expect(s.error).toBeNull();
    expect(["simd", "scalar"]).toContain(s.backend);
    expect(s.stepsPerCycle).toBe(5000); // τ/dt
    expect(s.samples).toBe(s.cycles * 1000);
    // Every erasure is in each histogram (inside its cells or counted outside them).
    for (const h of [s.histograms!.heat, s.histograms!.work]) {
      expect(h.counts.reduce((a, b) => a + b, 0) + h.below + h.above).toBe(s.samples);
      // The cells span the first cycle's 0.5–99.5 % quantiles (widened by a cell): ≈ 99 % inside.
      expect(h.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.98 * s.samples);
    }
    // The first cycle's mean heat is the library's: the same ensemble in Node (the SIMD and scalar
    // builds give the same bits; only the page's summation order differs, ~1e-15 relative).
    expect(s.firstCycleHeat).toBeCloseTo(firstCycleHeat(10, 1000), 10);
    // Landauer: ⟨Q⟩ ≥ ln 2 on average over erasures. At τ = 10 it is ≈ 1.48 k_BT (4000 erasures in
    // Node, dt = 0.002: 1.484 ± 0.026), far above; the check allows three standard errors below ln 2,
    // and the generalised bound for the measured success p is below ln 2.
    const heat = s.heat!,
      work = s.work!;
    expect(Number.isFinite(heat.mean) && Number.isFinite(heat.error) && heat.error > 0).toBe(true);
    expect(heat.mean).toBeGreaterThan(LN2 - 3 * heat.error);
    expect(heat.mean).toBeGreaterThan(s.bound! - 3 * heat.error);
    expect(s.bound!).toBeLessThanOrEqual(LN2);
    // The energy returns to the same wells, so ⟨W⟩ = ⟨Q⟩ + ⟨ΔV⟩ with ⟨ΔV⟩ ≈ 0: within a few errors
    // (W and Q are strongly correlated, so their difference is far smaller than either's spread).
    expect(Math.abs(work.mean - heat.mean)).toBeLessThan(5 * heat.error);
    // Success: 0.9995 in Node at τ = 10 (4000 erasures); over ≥ 4000 here the fraction is ≥ 0.99.
    expect(s.success).toBeGreaterThan(0.99);
    // Some single erasures cost less than ln 2 (the histogram reaches below it).
    expect(s.belowLn2).toBeGreaterThan(0);
    expect(s.belowLn2).toBeLessThan(0.5);

    // The charts: each histogram is three lines (the histogram, ln 2 and the mean), the running
    // means five (⟨Q⟩, ⟨Q⟩ ± error, ⟨W⟩, the bound at the measured p).
    for (const id of ["chart-heat", "chart-work"]) {
      expect(await page.locator(`#${id} svg`).count()).toBe(1);
      expect(await page.locator(`#${id} .mark-line path`).count()).toBe(3);
      expect((await page.locator(`#${id} .mark-line path`).first().getAttribute("d"))?.length ?? 0).toBeGreaterThan(
        100,
      );
    }
    expect(await page.locator("#chart-mean .mark-line path").count()).toBe(5);
    expect(await page.locator("#chart-mean svg").textContent()).toContain("ln 2");
    expect(await page.locator("main").textContent()).not.toContain("NaN");
    // The mean heat as the page shows it: finite, the state's value to its 3 decimals, above the
    // generalised bound shown beside it (within three of its standard errors), and plausible: the
    // Node value is 1.48 ± 0.03, so 2.5 k_BT (> 30 errors above) catches a wrong unit or sum.
    // The run goes on, so the text and the state are read together (one task of the page).
    const now = await page.evaluate(() => ({
      shown: document.getElementById("mean-heat")!.textContent ?? "",
      bound: document.getElementById("bound")!.textContent ?? "",
      mean: window.__thermolearnLandauer.heat!.mean,
    }));
    expect(now.shown).toMatch(/^\d+\.\d{3} ± 0\.\d{3}$/);
    const [meanShown, errorShown] = now.shown.split(" ± ").map(Number);
    const boundShown = Number(now.bound);
    expect(Number.isFinite(meanShown) && Number.isFinite(errorShown) && Number.isFinite(boundShown)).toBe(true);
    expect(Math.abs(meanShown - now.mean)).toBeLessThanOrEqual(0.0005 + 1e-12); // rounding to 3 decimals
    expect(meanShown).toBeGreaterThan(boundShown - 3 * errorShown);
    expect(meanShown).toBeLessThan(2.5);
    expect(errors).toEqual([]);
  });

  it("restarts with a new τ: faster erasure, more heat", async () => {
    const before = await page.evaluate(() => window.__thermolearnLandauer);
    const tau10 = before.heat!;
    await fillInputs(page, { tau: "1" });
    const s = await waitForCycles(page, before.run, 1, 3);
    expect(s.error).toBeNull();
    expect(s.run).toBeGreaterThan(before.run);
    expect(s.stepsPerCycle).toBe(500);
    expect(s.samples).toBe(s.cycles * 1000); // the statistics started afresh
    expect(s.firstCycleHeat).toBeCloseTo(firstCycleHeat(1, 1000), 10);
    // At τ = 1 the heat is ≈ 6.3 k_BT (Node, 4000 erasures: 6.26 ± 0.06) against ≈ 1.48 at τ = 10:
    // the difference is dozens of standard errors.
    expect(s.heat!.mean - tau10.mean).toBeGreaterThan(5 * (s.heat!.error + tau10.error));
    expect(s.heat!.mean).toBeGreaterThan(LN2);
    // The log slider sets τ = 10^value (0.5 → 3.16).
    await page.locator("#tau-range").fill("0.5");
    const dragged = await waitForCycles(page, s.run, 3.16, 1);
    expect(await page.inputValue("#tau")).toBe("3.16");
    expect(dragged.stepsPerCycle).toBe(1580);
    expect(await page.locator("main").textContent()).not.toContain("NaN");
    expect(errors).toEqual([]);
  });

  it("shows the library's message for a dt too coarse, bad D or particles, and recovers", async () => {
    const errorBox = page.locator("#error");
    const failing = async (values: Record<string, string>, pattern: RegExp) => {
      const after = await runNow(page);
      await fillInputs(page, values);
      await page.waitForFunction(
        (after) => {
          const s = window.__thermolearnLandauer;
          return s.run > after && !s.pending && s.status === "error";
        },
        after,
        { timeout: 10_000 },
      );
      const s = await page.evaluate(() => window.__thermolearnLandauer);
      expect(s.error).toMatch(pattern);
      expect(await errorBox.isVisible()).toBe(true);
      expect(await errorBox.textContent()).toBe(s.error);
      expect(await page.locator("main").textContent()).not.toContain("NaN");
    };
    // Checked on the page (τ and D shape the drawing), with the library's validator.
    await failing({ tau: "-1" }, /^RangeError: tau must be > 0, got -1$/);
    // Checked by the library in the worker: dt·max ∂ₓ²V ≥ 1 where the equilibrium density lives
    // (dt·∂ₓ²V reaches 2.86 at dt = 0.01, D = 1).
    await failing({ tau: "10", dt: "0.01" }, /^RangeError: dt = 0\.01 is too coarse for the potential/);
    // A hot bath widens the domain, so dt = 0.003 (fine at D = 1) is too coarse at D = 3 (dt·∂ₓ²V = 1.33).
    await failing({ dt: "0.003", D: "3" }, /^RangeError: dt = 0\.003 is too coarse/);
    await failing({ dt: "0.002", D: "0" }, /^RangeError: D must be > 0, got 0$/);
    await failing({ D: "1", particles: "0" }, /^RangeError: particles/);
    const after = await runNow(page);
    await fillInputs(page, { particles: "500" });
    const s = await waitForCycles(page, after, 10, 2);
    expect(s.error).toBeNull();
    expect(await errorBox.isVisible()).toBe(false);
    expect(s.samples).toBe(s.cycles * 500);
    expect(errors).toEqual([]);
  });

  it("Stop ends the run and keeps its statistics; changes wait for Start, which starts afresh", async () => {
    const stop = page.locator("#stop"),
      start = page.locator("#start");
    expect(await page.evaluate(() => window.__thermolearnLandauer.status)).toBe("running");
    expect(await stop.isDisabled()).toBe(false);
    await page.click("#stop");
    const stopped = await page.evaluate(() => window.__thermolearnLandauer);
    expect(stopped.status).toBe("stopped");
    expect(stopped.error).toBeNull();
    expect(stopped.cycles).toBeGreaterThanOrEqual(2); // the previous test waited for 2
    expect(await stop.isDisabled()).toBe(true);
    expect(await start.textContent()).toBe("Start");
    expect(await page.locator("#status").textContent()).toContain("stopped after");
    // The worker confirms that the run ended (it looks at its queue after each slice of ≤ 30 ms).
    await page.waitForFunction(() => window.__thermolearnLandauer.workerStopped, null, { timeout: 5000 });
    // A new τ while stopped does not start a run: the throttled restart runs and does nothing.
    await fillInputs(page, { tau: "2" });
    await page.waitForFunction(() => !window.__thermolearnLandauer.pending, null, { timeout: 5000 });
    const still = await page.evaluate(() => window.__thermolearnLandauer);
    expect(still.status).toBe("stopped");
    expect(still.run).toBe(stopped.run);
    expect(still.cycles).toBe(stopped.cycles); // no cycle of the stopped run was counted after Stop
    expect(still.framesDrawn).toBe(stopped.framesDrawn);
    expect(still.heat).toEqual(stopped.heat);
    // The histograms stay on screen.
    for (const id of ["chart-heat", "chart-work"]) expect(await page.locator(`#${id} .mark-line path`).count()).toBe(3);
    // Start: a fresh run with the page's values (τ = 2 now).
    await page.click("#start");
    const s = await waitForCycles(page, stopped.run, 2, 1);
    expect(s.error).toBeNull();
    expect(s.run).toBe(stopped.run + 1);
    expect(s.stepsPerCycle).toBe(1000);
    expect(s.samples).toBe(s.cycles * 500);
    expect(await stop.isDisabled()).toBe(false);
    expect(await start.textContent()).toBe("Restart");
    expect(errors).toEqual([]);
  });

  it("is linked from the demos' index page", async () => {
    const index = await page.request.get(new URL("index.html", page.url()).href);
    expect(index.ok()).toBe(true);
    expect(await index.text()).toContain('<a href="./landauer.html">');
  });

  it("stays responsive while the worker erases as fast as it can", { retry: RESPONSIVENESS_RETRIES }, async () => {
    await page.selectOption("#pace", "fast");
    const after = await runNow(page);
    await fillInputs(page, { tau: "3", particles: "2000" });
    await page.click("#start"); // in case an earlier test left the page stopped
    expect((await waitForCycles(page, after, 3, 1)).error).toBeNull();
    const r = await measureResponsiveness(page, "__thermolearnLandauer", ["error"], 2500);
    expectResponsive(r, "running");
    await saveScreenshot(page, "demo-landauer");
    expect(errors).toEqual([]);
  });
});
