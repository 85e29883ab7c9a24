/**
 * The memory-kernel, equilibrium-propagation and Landauer demos as something to share, in real headless
 * Chromium: a change of the inputs rewrites the URL hash, the copied link gives the same numbers, a
 * link's bad values fall back to the form's defaults with a message, and Save results writes JSON with
 * the library's header (version, config, backend, status) and the columns (EqProp: also its parameters
 * in the TLEP format, read back here with loadParameters). The perceptron and Hopfield pages have their
 * own files (demo-perceptron-share, demo-hopfield-patterns). Needs the bundles (`npx rollup -c
 * rollup.config.mjs`, `node scripts/demo-digits.mjs`) and Chromium (see test/helpers/browser.ts);
 * THERMOLEARN_SKIP_BROWSER=1 skips it.
 */
import { readFileSync } from "node:fs";
import { describe, it, expect } from "vitest";
import type { Page } from "playwright-core";
import { VERSION, loadParameters } from "../src/index.js";
import { fillInputs, openPage, skipBrowser, useDemo, type Demo } from "./helpers/browser.js";

// The pages declare their window hooks for the type checker.
import type {} from "../demo/memory.js";
import type {} from "../demo/eqprop.js";
import type {} from "../demo/landauer.js";

/** Clicks `selector` and returns the downloaded file's name and bytes. */
async function downloaded(page: Page, selector: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

/** The hash of the page's address as an object. */
const hashOf = (page: Page) => Object.fromEntries(new URLSearchParams(new URL(page.url()).hash.slice(1)));

/** Opens `url` in a new tab of the same browser, runs `body` with it, checks it logged no error, closes it. */
async function inNewTab(page: Page, url: string, body: (other: Page) => Promise<void>): Promise<void> {
  const other = await openPage(page.context().browser()!, url);
  try {
    await body(other.page);
    expect(other.errors).toEqual([]);
  } finally {
    await other.page.close();
  }
}

describe.skipIf(skipBrowser)("memory demo: links and export", () => {
  let page: Page;
  let errors: string[];
  useDemo("demo/memory.html", ["memory.js"], (demo: Demo) => ({ page, errors } = demo), "__thermolearnMemory");

  const settle = async (p: Page) => {
    await p.waitForFunction(
      () => {
        const s = window.__thermolearnMemory;
        return s.ready && !s.pending && s.rendered === s.update;
      },
      null,
      { timeout: 15_000 },
    );
    return p.evaluate(() => window.__thermolearnMemory);
  };

  it("rewrites the hash on every change; the link gives the same curve and numbers", async () => {
    await settle(page);
    await page.selectOption("#kernel", "ladder");
    await fillInputs(page, { tauSlow: "20", gamma: "0.001", F: "40", amplitude: "30" });
    // The page may settle between two of the fills (θ then still from the earlier inputs): wait until
    // the hash holds every input, then for the render of that state.
    await page.waitForFunction(() => /gamma=0\.001/.test(location.hash) && /amplitude=30/.test(location.hash), null, {
      timeout: 5000,
    });
    await settle(page);
    // θ is re-fitted after the last render (thetaAuto): let a late update start, then settle again.
    await page.waitForTimeout(500);
    const s = await settle(page);
    expect(hashOf(page)).toMatchObject({ kernel: "ladder", tauSlow: "20", gamma: "0.001", F: "40", thetaAuto: "1" });
    await inNewTab(page, page.url(), async (other) => {
      const t = await settle(other);
      expect(t.link).toEqual({ present: true, problems: [] });
      expect(t.params).toEqual(s.params);
      expect(t.dw).toEqual(s.dw);
      expect(t.theta).toBe(s.theta);
      expect(t.offset).toBe(s.offset);
      expect(t.dynamicRange).toBe(s.dynamicRange);
      expect(t.dissipation).toBe(s.dissipation);
      expect(t.ladderMoments).toEqual(s.ladderMoments);
    });
    expect(errors).toEqual([]);
  });

  it("saves the inputs and the Δw(A) curve as JSON", async () => {
    const s = await settle(page);
    const { name, bytes } = await downloaded(page, "#export");
    expect(name).toBe("thermolearn-memory-results.json");
    const json = JSON.parse(bytes.toString("utf8"));
    expect(json.version).toBe(VERSION);
    expect(json.config).toEqual(s.params);
    expect(json.status).toBe("completed");
    expect(json).toHaveProperty("backend");
    expect(json.amplitudes).toEqual(s.amplitudes);
    expect(json.dw).toEqual(s.dw);
    expect(json.dissipation).toBe(s.dissipation);
    expect(json.link).toBe(page.url());
  });

  it("a link with bad values uses the defaults for them and says which", async () => {
    const base = page.url().split("#")[0];
    await inNewTab(page, `${base}#tauFast=-1&kernel=wavelet&thetaAuto=maybe&tauSlow=12&x=1`, async (other) => {
      const t = await settle(other);
      expect(t.link.problems).toHaveLength(4);
      const text = (await other.textContent("#link-message")) ?? "";
      for (const part of ["tauFast must be > 0, got -1", 'kernel = "wavelet"', "thetaAuto must be 1 or 0", "x: not a"])
        expect(text).toContain(part);
      expect(t.params).toMatchObject({ tauFast: 1, tauSlow: 12, kernel: "ecoli", thetaAuto: true });
      expect(t.error).toBeNull();
      for (const v of t.dw) expect(Number.isFinite(v)).toBe(true);
    });
  });
});

describe.skipIf(skipBrowser)("equilibrium-propagation demo: links and export", () => {
  let page: Page;
  let errors: string[];
  useDemo(
    "demo/eqprop.html",
    ["eqprop.js", "eqprop-worker.js", "digits.bin"],
    (demo: Demo) => ({ page, errors } = demo),
    "__thermolearnEqprop",
  );

  const waitForRunEnd = (p: Page) =>
    p.waitForFunction(
      () => {
        const s = window.__thermolearnEqprop;
        return ["done", "stopped", "error"].includes(s.status) && s.rendered.chart === s.epochs.length;
      },
      null,
      { timeout: 60_000 },
    );

  it("the link trains the same network: the same errors and answers; its parameters load", async () => {
    await page.selectOption("#variant", "plain");
    await fillInputs(page, { epochs: "1", seed: "3" });
    await page.click("#start");
    await waitForRunEnd(page);
    const s = await page.evaluate(() => window.__thermolearnEqprop);
    expect(s.status).toBe("done");
    expect(hashOf(page)).toEqual({ variant: "plain", epochs: "1", seed: "3" });

    const results = await downloaded(page, "#export");
    expect(results.name).toBe("thermolearn-eqprop-results.json");
    const json = JSON.parse(results.bytes.toString("utf8"));
    expect(json.version).toBe(VERSION);
    expect(json.config).toEqual({ layers: [784, 500, 10], variant: "plain", seed: 3, epochs: 1 });
    expect(json.backend).toBe(s.backend);
    expect(json.status).toBe("done");
    expect(json.epoch).toEqual([0, 1]);
    expect(json.testError).toEqual(s.epochs.map((r) => r.testError));
    expect(json.trainError).toEqual([null, s.epochs[1].trainError]);
    expect(json.digits.predictions).toEqual(s.digits.predictions);

    // The parameters, in the library's own format: loadParameters reads them (CRC checked) as 784-500-10.
    const tlep = await downloaded(page, "#export-parameters");
    expect(tlep.name).toBe("thermolearn-eqprop-parameters.tlep");
    const loaded = loadParameters(new Uint8Array(tlep.bytes));
    expect(loaded.parameters.layers).toEqual([784, 500, 10]);
    expect(loaded.epoch).toBe(1);
    expect(loaded.parameters.weights[0]).toHaveLength(784 * 500);

    await inNewTab(page, page.url(), async (other) => {
      await other.waitForFunction(() => window.__thermolearnEqprop?.ready === true, null, { timeout: 20_000 });
      await waitForRunEnd(other);
      const t = await other.evaluate(() => window.__thermolearnEqprop);
      expect(t.link).toEqual({ present: true, problems: [] });
      expect(t.config).toEqual(s.config);
      expect(t.epochs.map((r) => [r.trainError, r.testError])).toEqual(
        s.epochs.map((r) => [r.trainError, r.testError]),
      );
      expect(t.digits.outputs).toEqual(s.digits.outputs);
      expect(Array.from(t.parameters!)).toEqual(Array.from(new Uint8Array(tlep.bytes)));
    });
    expect(errors).toEqual([]);
  });

  it("a link with bad values uses the defaults for them and says which", async () => {
    const base = page.url().split("#")[0];
    await inNewTab(page, `${base}#epochs=0&variant=quantum&seed=1.5`, async (other) => {
      await other.waitForFunction(() => window.__thermolearnEqprop?.ready === true, null, { timeout: 20_000 });
      const t = await other.evaluate(() => window.__thermolearnEqprop);
      expect(t.link.problems).toHaveLength(3);
      const text = (await other.textContent("#link-message")) ?? "";
      for (const part of ["epochs must be in [1, 200], got 0", 'variant = "quantum"', "seed must be an integer"])
        expect(text).toContain(part);
      expect(await other.inputValue("#epochs")).toBe("10");
      expect(await other.inputValue("#variant")).toBe("memory");
      // It trains with the defaults: stop it once it runs.
      await other.waitForFunction(() => window.__thermolearnEqprop.status === "running", null, { timeout: 20_000 });
      await other.click("#stop");
    });
  });
});

describe.skipIf(skipBrowser)("Landauer demo: links and export", () => {
  let page: Page;
  let errors: string[];
  useDemo(
    "demo/landauer.html",
    ["landauer.js", "landauer-worker.js"],
    (demo: Demo) => ({ page, errors } = demo),
    "__thermolearnLandauer",
  );

  /** Waits for run `after` + 1 or later to finish `cycles` cycles with `seed`, and returns the state. */
  const cyclesDone = async (p: Page, seed: number, cycles: number) => {
    await p.waitForFunction(
      ({ seed, cycles }) => {
        const s = window.__thermolearnLandauer;
        return !s.pending && s.params?.seed === seed && (s.cycles >= cycles || s.status === "error");
      },
      { seed, cycles },
      { timeout: 30_000 },
    );
    return p.evaluate(() => window.__thermolearnLandauer);
  };

  it("the link erases the same bits: the same heat and work, cycle by cycle", async () => {
    await page.selectOption("#pace", "fast");
    await fillInputs(page, { tau: "1", particles: "300", seed: "5" });
    const s = await cyclesDone(page, 5, 3);
    expect(s.status).toBe("running");
    await page.waitForFunction(() => location.hash.includes("seed=5"), null, { timeout: 5000 });
    expect(hashOf(page)).toMatchObject({ tau: "1", particles: "300", seed: "5", pace: "fast" });
    const first = { heat: s.perCycle.heat.slice(0, 3), work: s.perCycle.work.slice(0, 3) };
    expect(first.heat.every(Number.isFinite)).toBe(true);
    await inNewTab(page, page.url(), async (other) => {
      const t = await cyclesDone(other, 5, 3);
      expect(t.link).toEqual({ present: true, problems: [] });
      expect(t.params).toEqual(s.params);
      expect({ heat: t.perCycle.heat.slice(0, 3), work: t.perCycle.work.slice(0, 3) }).toEqual(first);
      expect(t.perCycle.success.slice(0, 3)).toEqual(s.perCycle.success.slice(0, 3));
    });
    // Another seed erases other bits (so the equality above is the seed's doing).
    await fillInputs(page, { seed: "6" });
    const u = await cyclesDone(page, 6, 1);
    expect(u.perCycle.heat[0]).not.toBe(first.heat[0]);
    expect(errors).toEqual([]);
  });

  it("saves the run's statistics as JSON: per-cycle and running means, histograms", async () => {
    await page.click("#stop");
    await page.waitForFunction(() => window.__thermolearnLandauer.workerStopped, null, { timeout: 5000 });
    const s = await page.evaluate(() => window.__thermolearnLandauer);
    const { name, bytes } = await downloaded(page, "#export");
    expect(name).toBe("thermolearn-landauer-results.json");
    const json = JSON.parse(bytes.toString("utf8"));
    expect(json.version).toBe(VERSION);
    expect(json.config).toEqual(s.params);
    expect(json.backend).toBe(s.backend);
    expect(json.status).toBe("stopped");
    expect(json.cycles).toBe(s.cycles);
    expect(json.perCycle.meanHeat).toEqual(s.perCycle.heat);
    expect(json.perCycle.cycle).toEqual(s.perCycle.heat.map((_: number, i: number) => i));
    expect(json.runningMeans.erasures.at(-1)).toBe(s.samples);
    expect(json.runningMeans.meanHeat.at(-1)).toBe(s.heat!.mean);
    expect(json.histograms.heat.counts).toEqual(s.histograms!.heat.counts);
    expect(json.heat).toEqual(s.heat);
  });

  it("a link with bad values uses the defaults for them and says which", async () => {
    const base = page.url().split("#")[0];
    await inNewTab(page, `${base}#tau=abc&particles=-3&pace=slow&seed=2`, async (other) => {
      const t = await cyclesDone(other, 2, 0);
      expect(t.link.problems).toHaveLength(3);
      const text = (await other.textContent("#link-message")) ?? "";
      for (const part of ['tau = "abc"', "particles must be in [1,", 'pace = "slow"']) expect(text).toContain(part);
      expect(t.params).toMatchObject({ tau: 10, particles: 1000, seed: 2, pace: "watch" });
      expect(t.error).toBeNull();
    });
  });
});
