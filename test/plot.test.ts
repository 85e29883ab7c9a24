import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
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
