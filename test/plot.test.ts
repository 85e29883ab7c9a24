import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  lineChartSpec,
  lineChartSvg,
  renderSvg,
  MAX_POINTS_PER_SERIES,
  spinGridSpec,
  concatSpecs,
  loadPlotModules,
  MissingDependencyError,
  PLOT_INSTALL_COMMAND,
  type LineChartOptions,
  type PlotPackage,
} from "../src/plot/index.js";

interface Row {
  series: string;
  x: number;
  y: number;
}

/** The inlined data rows of the line layer (the first layer). */
function rowsOf(spec: object): Row[] {
  return (spec as { layer: { data: { values: Row[] } }[] }).layer[0].data.values;
}

const base: LineChartOptions = {
  title: "Energy vs time",
  xLabel: "time",
  yLabel: "energy",
  series: [
    { name: "run A", x: [0, 1, 2, 3], y: [4, 3, 2.5, 2.2] },
    { name: "run B", x: new Float64Array([0, 1, 2]), y: new Float64Array([5, 4, 3]) },
  ],
};

describe("lineChartSpec", () => {
  it("has one data row per finite point, in series order", () => {
    const rows = rowsOf(lineChartSpec(base));
    expect(rows).toHaveLength(7);
    expect(rows[0]).toEqual({ series: "run A", x: 0, y: 4 });
    expect(rows[6]).toEqual({ series: "run B", x: 2, y: 3 });
  });

  it("drops NaN and infinite points", () => {
    const rows = rowsOf(
      lineChartSpec({
        ...base,
        series: [{ name: "s", x: [0, 1, 2, 3, NaN], y: [1, NaN, Infinity, 4, 5] }],
      }),
    );
    expect(rows).toEqual([
      { series: "s", x: 0, y: 1 },
      { series: "s", x: 3, y: 4 },
    ]);
  });

  it("drops non-positive values on a log axis", () => {
    const rows = rowsOf(
      lineChartSpec({
        ...base,
        yScale: "log",
        series: [{ name: "s", x: [0, 1, 2], y: [0, -1, 2] }],
      }),
    );
    expect(rows).toEqual([{ series: "s", x: 2, y: 2 }]);
  });

  it("thins long series evenly, keeping the endpoints", () => {
    const n = 10_001;
    const x = Float64Array.from({ length: n }, (_, i) => i);
    const y = x.map((v) => v * v);
    const rows = rowsOf(lineChartSpec({ ...base, series: [{ name: "long", x, y }] }));
    expect(rows).toHaveLength(MAX_POINTS_PER_SERIES);
    expect(rows[0]).toEqual({ series: "long", x: 0, y: 0 });
    expect(rows[rows.length - 1]).toEqual({ series: "long", x: n - 1, y: (n - 1) ** 2 });
    for (let i = 1; i < rows.length; i++) expect(rows[i].x).toBeGreaterThan(rows[i - 1].x);
  });

  it("uses the default size and legend order", () => {
    const spec = lineChartSpec(base) as {
      width: number;
      height: number;
      layer: { encoding: { color: { scale: { domain: string[] } } } }[];
    };
    expect(spec.width).toBe(560);
    expect(spec.height).toBe(320);
    expect(spec.layer[0].encoding.color.scale.domain).toEqual(["run A", "run B"]);
  });

  it("throws TypeError/RangeError naming the bad option", () => {
    const bad = (o: Partial<LineChartOptions>) => () => lineChartSpec({ ...base, ...o } as LineChartOptions);
    expect(bad({ series: [base.series[0], { name: "b", x: [1, 2], y: [1] }] })).toThrow(
      new TypeError("series[1].y must have the same length as series[1].x"),
    );
    expect(bad({ series: [] })).toThrow(TypeError);
    expect(bad({ series: [] })).toThrow(/series/);
    expect(bad({ xLabel: "" })).toThrow(TypeError);
    expect(bad({ xLabel: "" })).toThrow(/xLabel/);
    expect(bad({ yLabel: undefined })).toThrow(/yLabel/);
    expect(bad({ width: 0 })).toThrow(RangeError);
    expect(bad({ width: 0 })).toThrow(/width/);
    expect(bad({ height: -5 })).toThrow(RangeError);
    expect(bad({ height: -5 })).toThrow(/height/);
    expect(bad({ referenceLines: [{ name: "r", y: NaN }] })).toThrow(/referenceLines\[0\]\.y/);
  });
});

describe("SVG rendering", () => {
  it("renders an SVG with the title and each series name", async () => {
    const svg = await lineChartSvg(base);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("Energy vs time");
    expect(svg).toContain("run A");
    expect(svg).toContain("run B");
    expect(svg).toContain("time");
    expect(svg).toContain("energy");
  });

  it("renders reference lines, log scales and their labels", async () => {
    const svg = await lineChartSvg({
      ...base,
      yScale: "log",
      xScale: "log",
      series: [{ name: "decay", x: [1, 10, 100], y: [1, 0.1, 0.01] }],
      referenceLines: [{ name: "analytic limit", y: 0.05 }],
    });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("analytic limit");
    expect(svg).toContain("stroke-dasharray");
  });

  it("renderSvg accepts a hand-written vega-lite spec", async () => {
    const svg = await renderSvg({
      data: {
        values: [
          { a: 1, b: 2 },
          { a: 2, b: 3 },
        ],
      },
      mark: "point",
      encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } },
    });
    expect(svg.startsWith("<svg")).toBe(true);
  });
});

describe("scatter series, state grids and panels", () => {
  type Layer = { mark: { type: string }; data: { values: Row[] } };
  const layersOf = (spec: object) => (spec as { layer: Layer[] }).layer;

  it("puts `points: true` series in a dot layer after the lines, and adds none without them", () => {
    const spec = lineChartSpec({
      ...base,
      series: [...base.series, { name: "now", x: [1.5], y: [2.7], points: true }],
    });
    const [lines, dots] = layersOf(spec);
    expect(lines.mark.type).toBe("line");
    expect(lines.data.values.map((r) => r.series)).not.toContain("now");
    expect(lines.data.values).toHaveLength(7);
    expect(dots.mark.type).toBe("point");
    expect(dots.data.values).toEqual([{ series: "now", x: 1.5, y: 2.7 }]);
    expect(layersOf(lineChartSpec(base)).map((l) => l.mark.type)).toEqual(["line"]);
  });

  it("spinGridSpec lays ±1 out row-major on a square grid (black = +1)", () => {
    const spec = spinGridSpec({ title: "A", spins: [1, -1, -1, 1, 1] }) as unknown as {
      width: number;
      height: number;
      data: { values: { col: number; row: number; on: number }[] };
    };
    // 5 cells: side ⌈√5⌉ = 3, two rows, cells of 180/3 = 60 px.
    expect(spec.data.values).toEqual([
      { col: 0, row: 0, on: 1 },
      { col: 1, row: 0, on: 0 },
      { col: 2, row: 0, on: 0 },
      { col: 0, row: 1, on: 1 },
      { col: 1, row: 1, on: 1 },
    ]);
    expect([spec.width, spec.height]).toEqual([180, 120]);
    expect(() => spinGridSpec({ title: "A", spins: [] })).toThrow(/spins must be a non-empty array/);
    expect(() => spinGridSpec({ title: "A", spins: [1], side: 0 })).toThrow(/side must be a positive integer/);
  });

  it("concatSpecs joins panels under one title and renders", async () => {
    const grid = spinGridSpec({ title: "pattern", spins: [1, -1, 1, -1] });
    const spec = concatSpecs({
      title: "recall",
      specs: [grid, lineChartSpec(base)],
      direction: "vertical",
    }) as unknown as {
      title: string;
      vconcat: object[];
    };
    expect(spec.title).toBe("recall");
    expect(spec.vconcat).toHaveLength(2);
    expect(spec.vconcat.every((p) => !("$schema" in p))).toBe(true);
    const svg = await renderSvg(spec);
    expect(svg).toContain("pattern");
    expect(svg).toContain("run B");
    expect(() => concatSpecs({ specs: [] })).toThrow(/specs must be a non-empty array/);
  });
});

describe("vega and vega-lite are optional peers, imported on first render", () => {
  /** An importer in which `missing` fail as Node reports a package that is not installed. */
  const failing = (...missing: PlotPackage[]) => {
    const asked: string[] = [];
    const importer = async (name: PlotPackage) => {
      asked.push(name);
      if (!missing.includes(name)) return { name };
      throw Object.assign(new Error(`Cannot find package '${name}' imported from /app/dist/plot.js\nmore`), {
        code: "ERR_MODULE_NOT_FOUND",
      });
    };
    return { importer, asked };
  };

  it("a missing vega-lite rejects with MissingDependencyError naming it and the exact install command", async () => {
    const { importer, asked } = failing("vega-lite");
    const error = await loadPlotModules(importer).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MissingDependencyError);
    const e = error as MissingDependencyError;
    expect(e.name).toBe("MissingDependencyError");
    expect(e.packages).toEqual(["vega-lite"]);
    expect(e.install).toBe("npm install vega vega-lite");
    expect(PLOT_INSTALL_COMMAND).toBe("npm install vega vega-lite");
    expect(e.message).toMatch(
      /; vega-lite could not be imported \(Cannot find package 'vega-lite' imported from \/app\/dist\/plot\.js\)/,
    );
    expect(e.message.endsWith("Install them: npm install vega vega-lite")).toBe(true);
    expect(e.message).not.toContain("\n");
    expect((e.cause as { code: string }).code).toBe("ERR_MODULE_NOT_FOUND");
    expect(asked.sort()).toEqual(["vega", "vega-lite"]);
  });

  it("both missing: both named, in order, the first failure as the cause; a throwing importer counts too", async () => {
    const { importer } = failing("vega-lite", "vega");
    const e = (await loadPlotModules(importer).catch((x: unknown) => x)) as MissingDependencyError;
    expect(e.packages).toEqual(["vega", "vega-lite"]);
    expect(e.message).toMatch(/vega and vega-lite could not be imported \(Cannot find package 'vega' /);
    const sync = (await loadPlotModules(() => {
      throw new Error("boom");
    }).catch((x: unknown) => x)) as Error;
    expect(sync).toBeInstanceOf(MissingDependencyError);
    expect(sync.message).toMatch(/\(boom\)\. Install them: npm install vega vega-lite$/);
  });

  it("an injected importer is used once: it neither fills nor spoils the real modules", async () => {
    const fake = await loadPlotModules(async (name) => ({ fake: name }));
    expect(fake).toEqual({ vega: { fake: "vega" }, vegaLite: { fake: "vega-lite" } });
    await expect(loadPlotModules(failing("vega").importer)).rejects.toThrow(MissingDependencyError);
    const real = await loadPlotModules();
    expect(typeof real.vega.View).toBe("function");
    expect(typeof real.vegaLite.compile).toBe("function");
    expect(await loadPlotModules()).toBe(real);
  });

  it("the spec builders import nothing at run time (vega-lite only as a type)", () => {
    const source = readFileSync(new URL("../src/plot/spec.ts", import.meta.url), "utf8");
    const imports = source.split("\n").filter((line) => /^\s*import\b/.test(line));
    // Any quote style: only `import type` lines, which TypeScript erases.
    expect(imports).toHaveLength(1);
    expect(imports[0]).toMatch(/^import type \{ TopLevelSpec \} from ["']vega-lite["'];$/);
  });
});

/**
 * What a reader sees in a rendered SVG, read from vega's output: every text with its class, absolute
 * position, anchor and font size, and every data line as absolute pixel points. vega writes only
 * `translate(…)` transforms on groups, plus `rotate(…)` on vertical axis titles.
 */
interface SvgText {
  text: string;
  role: string;
  x: number;
  y: number;
  anchor: string;
  size: number;
  rotated: boolean;
}
function readSvg(svg: string): {
  texts: SvgText[];
  lines: [number, number][][];
  axes: { title: SvgText; labels: string[] }[];
} {
  const texts: SvgText[] = [];
  const lines: [number, number][][] = [];
  const stack: { dx: number; dy: number; role: string }[] = [{ dx: 0, dy: 0, role: "" }];
  let open: { attrs: string; x: number; y: number; role: string } | null = null;
  const translate = (attrs: string) => {
    const m = /transform="translate\(([-\d.e]+),([-\d.e]+)\)/.exec(attrs);
    return m ? [Number(m[1]), Number(m[2])] : [0, 0];
  };
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)([^>]*?)(\/?)>|([^<]+)/g)) {
    const [, close, tag, attrs = "", selfClose, content] = m;
    const top = stack[stack.length - 1];
    if (content !== undefined) {
      if (open) {
        const text = content.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
        texts.push({
          text,
          role: open.role,
          x: open.x,
          y: open.y,
          anchor: /text-anchor="(\w+)"/.exec(open.attrs)?.[1] ?? "start",
          size: Number(/font-size="([\d.]+)px"/.exec(open.attrs)?.[1] ?? 11),
          rotated: /rotate\(/.test(open.attrs),
        });
      }
      continue;
    }
    if (close) {
      if (tag === "g") stack.pop();
      if (tag === "text") open = null;
      continue;
    }
    const [dx, dy] = translate(attrs);
    const role = /class="[^"]*\b(role-[a-z-]+)/.exec(attrs)?.[1] ?? top.role;
    if (tag === "g" && !selfClose) stack.push({ dx: top.dx + dx, dy: top.dy + dy, role });
    if (tag === "text") open = { attrs, x: top.dx + dx, y: top.dy + dy, role };
    if (tag === "path" && top.role === "role-mark" && /aria-roledescription="line mark"/.test(attrs)) {
      const d = /\sd="([^"]*)"/.exec(attrs)?.[1] ?? "";
      const nums = d.match(/-?[\d.]+(?:e-?\d+)?/g)?.map(Number) ?? [];
      const points: [number, number][] = [];
      for (let i = 0; i + 1 < nums.length; i += 2) points.push([top.dx + dx + nums[i], top.dy + dy + nums[i + 1]]);
      lines.push(points);
    }
  }
  // Each axis (grid-only axes have no title) with its tick labels, in document order.
  const axes: { title: SvgText; labels: string[] }[] = [];
  let labels: string[] = [];
  for (const t of texts) {
    if (t.role === "role-axis-label") labels.push(t.text);
    else if (t.role === "role-axis-title") {
      axes.push({ title: t, labels });
      labels = [];
    }
  }
  return { texts, lines, axes };
}

/** The approximate box of a horizontal text (0.62 em a glyph, ascent 0.8 em, descent 0.2 em). */
function textBox(t: SvgText): [number, number, number, number] {
  const w = t.text.length * t.size * 0.62;
  const left = t.anchor === "end" ? t.x - w : t.anchor === "middle" ? t.x - w / 2 : t.x;
  return [left, t.y - 0.8 * t.size, left + w, t.y + 0.2 * t.size];
}

/** Data points of `lines` inside `box` (lines are sampled densely enough that a crossing has one). */
function pointsIn(lines: [number, number][][], box: [number, number, number, number]): number {
  let n = 0;
  for (const line of lines)
    for (const [x, y] of line) if (x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3]) n++;
  return n;
}

/**
 * An axis title with units ends in " (unit)": a parenthesis after a space, so "ln(dynamic range)"
 * (a function's argument) does not count; dimensionless quantities say "(dimensionless)",
 * "(fraction)" or "(%)".
 */
const WITH_UNIT = / \([^()]*(?:\([^()]*\)[^()]*)*\)$/;
/** Axes that count something: their tick labels must be integers. */
const COUNT_AXIS = /^(epoch|sweep|step)/;

/** The structural checks every chart must pass; returns what they found, for the tests' messages. */
function checkChart(name: string, svg: string): void {
  const { texts, axes } = readSvg(svg);
  expect(svg, `${name}: NaN coordinate`).not.toMatch(/NaN/);
  expect(axes.length, `${name}: axes with titles`).toBeGreaterThanOrEqual(2);
  for (const { title, labels } of axes) {
    expect(title.text, `${name}: axis title without units`).toMatch(WITH_UNIT);
    if (COUNT_AXIS.test(title.text)) {
      expect(labels.length, `${name}: ${title.text} has tick labels`).toBeGreaterThan(0);
      for (const l of labels) expect(l, `${name}: ${title.text} tick`).toMatch(/^-?\d+$/);
    }
  }
  // vega cuts a text that exceeds its limit with "…"; no title, axis title or legend label may be cut.
  for (const t of texts.filter((t) => /title|legend-label/.test(t.role))) {
    expect(t.text, `${name}: cut ${t.role}`).not.toMatch(/…$/);
  }
}

describe("chart structure", () => {
  it("count axes get integer ticks, symlog axes decades, dots a padded domain, labels stay off the data", async () => {
    const epochs = [1, 2, 3];
    const svg = await lineChartSvg({
      xLabel: "epoch (passes)",
      yLabel: "error (%)",
      xInteger: true,
      markers: true,
      series: [{ name: "test error", x: epochs, y: [43.5, 20.5, 14.5] }],
    });
    checkChart("epochs", svg);
    const { axes } = readSvg(svg);
    expect(axes[0].labels).toEqual(["1", "2", "3"]);
    // The first and last dots are inside the plot (8 px of padding), not on its edge at x = 0 and 560.
    const dots = [...svg.matchAll(/aria-roledescription="point"[^>]*transform="translate\(([-\d.]+),/g)];
    const xs = dots.map((m) => Number(m[1]));
    expect(xs).toHaveLength(3);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(4);
    expect(Math.max(...xs)).toBeLessThanOrEqual(556);

    // A kernel-like spike: 5400 at the start, then ≈ −9 … −1.
    const t = Array.from({ length: 200 }, (_, i) => i / 199);
    const k = t.map((x, i) => (i === 1 ? 5400 : -9 * (1 - x) - 0.5));
    const spec = lineChartSpec({
      xLabel: "t (1)",
      yLabel: "K (1/time²)",
      yScale: "symlog",
      series: [{ name: "K", x: t, y: k }],
    });
    const yEnc = (spec as unknown as { layer: { encoding: { y: { scale: object; axis: { values: number[] } } } }[] })
      .layer[0].encoding.y;
    expect(yEnc.scale).toMatchObject({ type: "symlog", constant: 1, domain: [-10, 10000] });
    expect(yEnc.axis.values).toEqual([-10, -1, 0, 1, 10, 100, 1000, 10000]);
    const sym = readSvg(await renderSvg(spec));
    expect(sym.axes[1].labels).toEqual(["−10", "−1", "0", "1", "10", "100", "1,000", "10,000"]);
  });

  it("a reference line's label goes where it covers no data (left here: the curve ends on the line)", async () => {
    const x = Array.from({ length: 400 }, (_, i) => i / 40);
    const y = x.map((v) => 0.13 + 0.37 * Math.exp(-v));
    const name = "analytic (EM)";
    const svg = await lineChartSvg({
      xLabel: "t (model units)",
      yLabel: "ε (fraction)",
      series: [{ name: "ε", x, y }],
      referenceLines: [{ name, y: 0.13 }],
    });
    const { texts, lines } = readSvg(svg);
    const label = texts.find((t) => t.text === name)!;
    expect(label).toBeDefined();
    expect(pointsIn(lines, textBox(label))).toBe(0);
    expect(label.x).toBeLessThan(100); // the right end, where the curve meets the line, is taken
  });

  it("legend labels are never cut", async () => {
    const long = "E. coli kernel, I = 0, b = 20, on [0, 1), a rather long legend entry";
    const svg = await lineChartSvg({
      xLabel: "x (1)",
      yLabel: "y (1)",
      series: [
        { name: long, x: [1, 2], y: [1, 2], points: true },
        { name: "ideal", x: [1, 2], y: [1, 1] },
      ],
    });
    checkChart("legend", svg);
    expect(readSvg(svg).texts.map((t) => t.text)).toContain(long);
  });
});

describe("every SVG the CLI writes (dist/cli.js, built by npm test's pretest)", () => {
  const dir = mkdtempSync(join(tmpdir(), "thermolearn-plots-"));
  /** name → the CLI's arguments; small runs (≈ 1–5 s each), the charts of the defaults. */
  const CHARTS: Record<string, string[]> = {
    perceptron: ["perceptron", "--t-end", "3", "--n", "500"],
    bound: ["bound", "--n", "50", "--trajectories", "50", "--t-end", "1"],
    ladder: ["ladder", "--gamma", "0.01"],
    "hopfield-capacity": ["hopfield-capacity", "--n", "100", "--trials", "2", "--loads", "0.05:0.2:0.05"],
    "hopfield-recall": ["hopfield-recall"],
    "kernel-update": ["kernel-update"],
    eqprop: ["eqprop", "--epochs", "2", "--train", "200", "--test", "100", "--json", join(dir, "eqprop.json")],
    "4c": ["figure", "4c", "--points", "30", "--dt", "0.005", "--workers", "2"],
    "5c": ["figure", "5c", "--points", "30", "--dt", "0.005", "--workers", "2"],
    "6b": ["figure", "6b", "--points", "60", "--workers", "2"],
    "8": ["figure", "8", "--points", "7", "--dt", "0.001", "--workers", "2"],
    efficiency: ["figure", "efficiency", "--points", "4", "--dots", "0", "--rules", "hebbian", "--workers", "2"],
    landauer: [
      ...["figure", "landauer", "--taus", "10,40", "--particles", "500", "--groups", "2", "--workers", "2"],
      ...["--json", join(dir, "landauer.json")],
    ],
    cost: ["figure", "cost", "--gammas", "1,0.01,0.0001", "--steps", "256", "--json", join(dir, "cost.json")],
  };
  const svgOf = (name: string): string => {
    const path = join(dir, `${name}.svg`);
    const run = spawnSync(process.execPath, ["dist/cli.js", ...CHARTS[name], "--svg", path], { encoding: "utf8" });
    expect(run.status, `${name}: ${run.stderr}`).toBe(0);
    return readFileSync(path, "utf8");
  };

  for (const name of Object.keys(CHARTS)) {
    it(`${name}: axis titles with units, no NaN, nothing cut, integer ticks on count axes`, () => {
      const svg = svgOf(name);
      checkChart(name, svg);
      if (name === "ladder") {
        // symlog: the tail (≈ −9 … −1) gets ticks of its own, not one band under a 0 … 6000 axis.
        expect(readSvg(svg).axes[1].labels).toEqual(expect.arrayContaining(["−1", "0", "1", "10", "1,000"]));
      }
      if (name === "eqprop") {
        const { axes } = readSvg(svg);
        expect(axes[0].title.text).toMatch(/^epoch/);
        expect(axes[1].title.text).toBe("error (%)");
        expect(svg).toContain('aria-roledescription="point"'); // lines with points
      }
      if (name === "perceptron" || name === "cost") {
        // The analytic ε (and the 1-bit line) labels do not sit on the data.
        const { texts, lines } = readSvg(svg);
        const label = texts.find((t) => /analytic|1 bit/.test(t.text) && t.role === "role-mark")!;
        expect(label, `${name}: reference label`).toBeDefined();
        expect(pointsIn(lines, textBox(label))).toBe(0);
      }
    });
  }

  it("blog: the Hebbian analytic label stays off five curves", () => {
    const out = join(dir, "blog");
    const args = ["blog", "--t-end", "2", "--n", "300", "--out", out];
    const run = spawnSync(process.execPath, ["dist/cli.js", ...args], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const svg = readFileSync(join(out, readdirSync(out).find((f) => f.endsWith(".svg"))!), "utf8");
    checkChart("blog", svg);
    const { texts, lines } = readSvg(svg);
    const label = texts.find((t) => /analytic/.test(t.text))!;
    expect(pointsIn(lines, textBox(label))).toBe(0);
  });
});
