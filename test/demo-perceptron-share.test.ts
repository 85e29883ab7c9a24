/**
 * The perceptron demo (demo/perceptron.html) as something to share, in real headless Chromium: its
 * parameters and seed in the URL hash (a copied link runs the same numbers, the library's runPerceptron
 * gives them too), bad hash values replaced by the form's defaults with a message, Save results as JSON
 * with the run's columns and final weights, and the thermodynamics read-out (heat split, η) beside ε(t).
 * Needs the bundles (`npx rollup -c rollup.config.mjs`) and Chromium (see test/helpers/browser.ts);
 * THERMOLEARN_SKIP_BROWSER=1 skips it.
 */
import { readFileSync } from "node:fs";
import { describe, it, expect } from "vitest";
import type { Page } from "playwright-core";
import { Perceptron, VERSION, resolvePerceptronConfig, runPerceptron, type PerceptronOptions } from "../src/index.js";
import { assertClose } from "./helpers/assert.js";
import { fillInputs, openPage, skipBrowser, useDemo } from "./helpers/browser.js";

// demo/perceptron.ts declares window.__thermolearnDemo (a DemoState) for the type checker.
import type {} from "../demo/perceptron.js";

const FINAL = ["done", "stopped", "diverged", "error"];

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

/** Clicks `selector` and returns the file it downloads, parsed as JSON (so invalid JSON fails here). */
async function downloadJSON(page: Page, selector: string): Promise<{ name: string; json: Record<string, unknown> }> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  const path = await download.path();
  return { name: download.suggestedFilename(), json: JSON.parse(readFileSync(path, "utf8")) };
}

/** A small sampled run with 3 trajectories, so ΔS and η exist (they need ≥ 2). */
const RUN = { n: "200", nu: "3", k: "1", batch: "10", dt: "0.002", tEnd: "1", trajectories: "3", seed: "7" };
const OPTIONS: PerceptronOptions = {
  n: 200,
  rule: "perceptron",
  nuTilde: 3,
  k: 1,
  inputs: "sampled",
  batch: 10,
  dt: 0.002,
  trajectories: 3,
  seed: 7,
};

describe.skipIf(skipBrowser)("perceptron demo: links, export, thermodynamics", () => {
  let page: Page;
  let errors: string[];
  useDemo("demo/perceptron.html", ["perceptron.js", "perceptron-worker.js"], (demo) => ({ page, errors } = demo));

  it("keeps the parameters in the hash; the link reproduces the run; runPerceptron gives its numbers", async () => {
    await page.selectOption("#rule", "perceptron");
    await page.selectOption("#inputs", "sampled");
    await fillInputs(page, RUN);
    await page.click("#start");
    await waitForRunEnd(page);
    const first = await page.evaluate(() => window.__thermolearnDemo);
    expect(first.status).toBe("done");
    const url = page.url();
    const hash = new URLSearchParams(new URL(url).hash.slice(1));
    expect(Object.fromEntries(hash)).toMatchObject({
      rule: "perceptron",
      inputs: "sampled",
      n: "200",
      nuTilde: "3",
      batch: "10",
      dt: "0.002",
      tEnd: "1",
      trajectories: "3",
      seed: "7",
    });

    // The copied link, opened in a new tab, fills the form and runs at once: the same records to the bit.
    const other = await openPage(page.context().browser()!, url);
    try {
      await waitForRunEnd(other.page);
      const second = await other.page.evaluate(() => window.__thermolearnDemo);
      expect(second.link).toEqual({ present: true, problems: [] });
      expect(await other.page.inputValue("#seed")).toBe("7");
      expect(await other.page.inputValue("#rule")).toBe("perceptron");
      expect(second.records.length).toBe(first.records.length);
      expect(second.records).toEqual(first.records);
      expect(other.errors).toEqual([]);
    } finally {
      await other.page.close();
    }

    // The library's own run with these options and the page's record spacing gives the same columns:
    // the same wasm steps, the same running mean over trajectories and the same η = I/(ΔS + q/(nD)).
    const r = runPerceptron({ ...OPTIONS, tEnd: 1, recordEvery: first.recordEvery });
    const col = <K extends keyof (typeof first.records)[number]>(k: K) => first.records.map((x) => x[k]);
    expect(first.recordEvery).toBe(1); // 500 steps, at most 1000 records
    // The wasm sums (heats, split) agree to the bit. ε = arccos(…)/π, I = ln 2 − S(ε), ΔS (Σ ln of
    // variance ratios) and η go through Math.acos/Math.log of the JavaScript engine, and Node 20's V8 and
    // this Chromium's differ in the last bit of a few (seen here in some ε values): rtol
    // 1e-13 is a few hundred ulps, far below any real difference (a wrong mean or formula is ≥ 1e-3).
    expect(col("t")).toEqual(Array.from(r.t));
    expect(col("heat")).toEqual(Array.from(r.heat));
    expect(col("housekeeping")).toEqual(Array.from(r.housekeepingHeat!));
    expect(col("excess")).toEqual(Array.from(r.excessHeat!));
    const engine = { rtol: 1e-13, atol: 1e-15 };
    assertClose(col("epsilon"), r.epsilon, engine);
    assertClose(col("information"), r.information, engine);
    assertClose(col("entropyChange") as number[], r.entropyChange!, engine);
    assertClose(col("efficiency") as number[], r.efficiency!, engine);
    expect(errors).toEqual([]);
  });

  it("saves the run as JSON: header, columns, and the final weights in the library's checkpoint format", async () => {
    // The previous test's run is still on the page.
    const s = await page.evaluate(() => window.__thermolearnDemo);
    expect(await page.isDisabled("#export")).toBe(false);
    const { name, json } = await downloadJSON(page, "#export");
    expect(name).toBe("thermolearn-perceptron-results.json");
    expect(json.version).toBe(VERSION);
    expect(json.config).toEqual(resolvePerceptronConfig(OPTIONS));
    expect(json.backend).toBe(s.backend);
    expect(["simd", "scalar"]).toContain(json.backend);
    expect(json.status).toBe("done");
    expect(json.link).toBe(page.url());
    expect(json.tEnd).toBe(1);
    expect(json.steps).toBe(500);
    for (const [column, key] of [
      ["t", "t"],
      ["epsilon", "epsilon"],
      ["heat", "heat"],
      ["housekeepingHeat", "housekeeping"],
      ["excessHeat", "excess"],
      ["information", "information"],
      ["entropyChange", "entropyChange"],
      ["efficiency", "efficiency"],
    ] as const) {
      expect(json[column], column).toEqual(s.records.map((r) => r[key]));
    }
    // The weights are the run's: the same simulation stepped 500 times in Node ends on them exactly.
    const checkpoint = json.checkpoint as { format: string; steps: number; trajectories: { weights: number[] }[] };
    expect(checkpoint.format).toBe("thermolearn/perceptron");
    expect(checkpoint.steps).toBe(500);
    expect(checkpoint.trajectories).toHaveLength(3);
    const sim = new Perceptron(OPTIONS);
    try {
      sim.step(500);
      for (let j = 0; j < 3; j++) {
        expect(checkpoint.trajectories[j].weights).toEqual(Array.from(sim.weights(j)));
        expect((json.teachers as number[][])[j]).toEqual(Array.from(sim.teacher(j)));
      }
    } finally {
      sim.dispose();
    }
    expect(errors).toEqual([]);
  });

  it("shows the heat split and η beside ε(t) as finite numbers: the latest record's", async () => {
    await page.selectOption("#rule", "hebbian");
    await page.selectOption("#inputs", "averaged");
    await fillInputs(page, { n: "500", nu: "3", k: "1", dt: "0.001", tEnd: "4", trajectories: "4", seed: "1" });
    await page.click("#start");
    await waitForRunEnd(page);
    const s = await page.evaluate(() => window.__thermolearnDemo);
    expect(s.status).toBe("done");
    const last = s.records.at(-1)!;
    const shown = async (id: string) => Number(((await page.textContent(`#${id}`)) ?? "").replace("−", "-"));
    const expected: [string, number | null][] = [
      ["thermo-t", last.t],
      ["thermo-epsilon", last.epsilon],
      ["thermo-heat", last.heat],
      ["thermo-housekeeping", last.housekeeping],
      ["thermo-excess", last.excess],
      ["thermo-information", last.information],
      ["thermo-entropy", last.entropyChange],
      ["thermo-efficiency", last.efficiency],
    ];
    for (const [id, value] of expected) {
      const x = await shown(id);
      expect(Number.isFinite(x), id).toBe(true);
      expect(x, id).toBe(Number(value!.toPrecision(4))); // the read-out rounds to 4 significant digits
    }
    // Averaged inputs: no excess heat, and η > 0 (the student has learnt: I > 0).
    expect(last.excess).toBe(0);
    expect(last.information).toBeGreaterThan(0.1);
    expect(last.efficiency!).toBeGreaterThan(0);
    // The η chart draws a line through every record.
    expect(await page.locator("#chart-efficiency svg").count()).toBe(1);
    expect(await page.locator("#chart-efficiency .mark-line path").count()).toBe(1);
    expect((await page.locator("#chart-efficiency svg").textContent()) ?? "").toContain("efficiency η");
    // One trajectory has no ΔS: η is shown as "–", and its chart is empty.
    await fillInputs(page, { trajectories: "1", tEnd: "0.5" });
    await page.click("#start");
    await waitForRunEnd(page);
    expect(await page.textContent("#thermo-efficiency")).toBe("–");
    expect(await page.textContent("#thermo-heat")).not.toBe("–");
    expect(await page.locator("#chart-efficiency.empty").count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it("a link with bad values uses the form's defaults, says which, and runs without NaN", async () => {
    const base = page.url().split("#")[0];
    const url = `${base}#n=abc&rule=magic&seed=-1&trajectories=2.5&dt=0&tEnd=0.3&colour=red`;
    const other = await openPage(page.context().browser()!, url);
    try {
      await waitForRunEnd(other.page);
      const s = await other.page.evaluate(() => window.__thermolearnDemo);
      expect(s.status).toBe("done");
      expect(await other.page.inputValue("#n")).toBe("1000");
      expect(await other.page.inputValue("#rule")).toBe("hebbian");
      expect(await other.page.inputValue("#seed")).toBe("0");
      expect(await other.page.inputValue("#trajectories")).toBe("2");
      expect(await other.page.inputValue("#dt")).toBe("0.001");
      expect(await other.page.inputValue("#tEnd")).toBe("0.3"); // the usable value is kept
      const message = other.page.locator("#link-message");
      expect(await message.isVisible()).toBe(true);
      const text = (await message.textContent()) ?? "";
      for (const part of [
        'n = "abc": TypeError: n must be a finite number; the default 1000 is used',
        "rule = ",
        "seed must be in [0,",
        "trajectories must be an integer",
        "dt must be > 0",
        "colour: not a parameter of this page",
      ])
        expect(text).toContain(part);
      expect(s.link.problems).toHaveLength(6);
      for (const r of s.records)
        for (const v of [r.t, r.epsilon, r.heat, r.housekeeping, r.excess, r.information, r.efficiency])
          expect(Number.isFinite(v)).toBe(true);
      // The page rewrote the hash to the values it used.
      await other.page.waitForFunction(() => location.hash.includes("n=1000"), null, { timeout: 5000 });
      expect(other.errors).toEqual([]);
    } finally {
      await other.page.close();
    }
  });
});
