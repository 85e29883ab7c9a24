/**
 * The perceptron demo (demo/perceptron.html) in real headless Chromium: the simulation runs in a Web
 * Worker, ε(t) falls, the charts render, the page stays responsive, bad input shows the library's
 * error. Needs the bundles (`npx rollup -c rollup.config.mjs`) and Chromium (see
 * test/helpers/browser.ts); THERMOLEARN_SKIP_BROWSER=1 skips it. Saves test-results/demo-perceptron.png.
 */
import { describe, it, expect } from "vitest";
import type { Page } from "playwright-core";
import { hebbianEpsilonEM, resolvePerceptronConfig } from "../src/index.js";
import {
  expectResponsive,
  fillInputs,
  measureResponsiveness,
  RESPONSIVENESS_RETRIES,
  saveScreenshot,
  skipBrowser,
  useDemo,
} from "./helpers/browser.js";

// demo/perceptron.ts declares window.__thermolearnDemo (a DemoState) for the type checker.
import type {} from "../demo/perceptron.js";

const FINAL = ["done", "stopped", "diverged", "error"];

/** Fills the controls; keys are the inputs' ids. */
async function setControls(page: Page, rule: string, values: Record<string, string>): Promise<void> {
  await page.selectOption("#rule", rule);
  await fillInputs(page, values);
}

/** Waits until the run ended and the charts show every record. */
async function waitForRunEnd(page: Page): Promise<void> {
  await page.waitForFunction(
    (final) => {
      const s = window.__thermolearnDemo;
      return final.includes(s.status) && s.rendered === s.records.length;
    },
    FINAL,
    { timeout: 60_000 },
  );
}

describe.skipIf(skipBrowser)("perceptron demo in headless Chromium", () => {
  let page: Page;
  let errors: string[];
  useDemo("demo/perceptron.html", ["perceptron.js", "perceptron-worker.js"], (demo) => ({ page, errors } = demo));

  it("runs Hebbian learning in a worker: ε falls to the theory, charts render, the page stays responsive", {
    retry: RESPONSIVENESS_RETRIES,
  }, async () => {
    await setControls(page, "hebbian", { n: "1000", nu: "3", k: "1", batch: "30", dt: "0.001", tEnd: "10", seed: "0" });
    await page.click("#start");

    // While the worker runs, measure setTimeout(0) round trips and animation frames on the page.
    const responsiveness = await measureResponsiveness(page, "__thermolearnDemo", FINAL, 55_000);
    await waitForRunEnd(page);

    const state = await page.evaluate(() => window.__thermolearnDemo);
    expect(state.error).toBeNull();
    expect(state.status).toBe("done");
    expect(["simd", "scalar"]).toContain(state.backend);
    expect(state.stepsPerSecond).toBeGreaterThan(0);
    const first = state.records[0],
      last = state.records.at(-1)!;
    expect(first.t).toBe(0);
    expect(last.t).toBeCloseTo(10, 6);
    // Random initial weights: ε(0) ≈ 0.5. The Euler–Maruyama theory for these parameters (≈ 0.134),
    // computed here in Node, is the page's reference line too.
    const c = resolvePerceptronConfig({ n: 1000, rule: "hebbian", nuTilde: 3, k: 1, batch: 30, dt: 0.001 });
    const theory = hebbianEpsilonEM({ n: c.n, nu: c.nu, dt: c.dt, batch: c.batch, k: c.k, D: c.D });
    expect(state.reference).toBe(theory);
    expect(first.epsilon).toBeGreaterThan(0.35);
    expect(first.epsilon - last.epsilon).toBeGreaterThan(0.2);
    // ε relaxes within t ≈ 3 and then fluctuates around the theory at finite n: δε ≈ (1 − ρ²)/(π sin(πε) √n)
    // ≈ 0.004 with ρ = cos(πε) (measured: sd 0.003 over seeds 0–39 at t = 10, largest |ε − theory| 0.007,
    // seed 0: −0.0024). 0.015 is four of those standard deviations.
    expect(Math.abs(last.epsilon - theory)).toBeLessThan(0.015);
    expect(last.heat).toBeGreaterThan(0); // learning dissipates heat

    // The page never froze: the event loop answered within 200 ms and frames kept coming.
    expectResponsive(responsiveness);

    // Both charts are SVGs with a drawn line; the ε chart has the Hebbian reference line.
    for (const id of ["chart-epsilon", "chart-heat"]) {
      expect(await page.locator(`#${id} svg`).count()).toBe(1);
      const d = await page.locator(`#${id} .mark-line path`).first().getAttribute("d");
      expect(d?.length ?? 0).toBeGreaterThan(100);
    }
    expect(await page.locator("#chart-epsilon svg").textContent()).toContain(`Hebbian theory ε = ${theory.toFixed(3)}`);
    await expect.poll(() => page.locator("#status").textContent()).toContain("status: done");

    await saveScreenshot(page, "demo-perceptron");
    expect(errors).toEqual([]);
  });

  it("runs the perceptron rule too (no Hebbian reference line)", async () => {
    await setControls(page, "perceptron", { n: "1000", nu: "3", tEnd: "2", seed: "1" });
    await page.click("#start");
    await waitForRunEnd(page);
    const state = await page.evaluate(() => window.__thermolearnDemo);
    expect(state.status).toBe("done");
    const first = state.records[0],
      last = state.records.at(-1)!;
    expect(last.t).toBeCloseTo(2, 6);
    expect(first.epsilon).toBeGreaterThan(0.35);
    expect(first.epsilon - last.epsilon).toBeGreaterThan(0.1);
    expect(await page.locator("#chart-epsilon svg").textContent()).not.toContain("Hebbian theory");
    expect(errors).toEqual([]);
  });

  it("shows the library's error for n = 0 in the page", async () => {
    await setControls(page, "hebbian", { n: "0", nu: "3", tEnd: "10" });
    await page.click("#start");
    const message = page.locator("#error");
    await expect.poll(() => message.isVisible()).toBe(true);
    const text = (await message.textContent()) ?? "";
    expect(text).toMatch(/RangeError: n must be/);
    expect(await page.evaluate(() => window.__thermolearnDemo.status)).toBe("error");
    // The page still works afterwards.
    await setControls(page, "hebbian", { n: "200", tEnd: "0.5" });
    await page.click("#start");
    await waitForRunEnd(page);
    expect(await message.isVisible()).toBe(false);
    expect(await page.evaluate(() => window.__thermolearnDemo.status)).toBe("done");
    expect(errors).toEqual([]);
  });
});
