/**
 * Vega-lite specs rendered to SVG strings, in Node and in browsers: compile the spec with vega-lite,
 * run a headless vega view with the `'none'` renderer and call `view.toSVG()`. The optional `canvas`
 * package is not needed; without it vega estimates text widths, which is fine for charts.
 *
 * `vega` and `vega-lite` are optional peer dependencies of thermolearn, imported on the first render
 * (dynamic `import()`), so the spec builders of src/plot/spec.ts and the rest of the library load
 * without them. A missing one is reported as a {@link MissingDependencyError} whose message ends
 * with the command that installs both: {@link PLOT_INSTALL_COMMAND}.
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import { lineChartSpec, type LineChartOptions } from "./spec.js";

/** The command that installs the packages SVG rendering needs (vega-lite compiles, vega renders). */
export const PLOT_INSTALL_COMMAND = "npm install vega vega-lite";

/** The optional peer dependencies SVG rendering imports, in the order they are named in messages. */
const PLOT_PACKAGES = ["vega", "vega-lite"] as const;

/** One of the packages SVG rendering imports. */
export type PlotPackage = (typeof PLOT_PACKAGES)[number];

/**
 * An optional package a feature needs could not be imported. `install` is the exact command that
 * installs what is missing; the message ends with it. `cause` is the first import's own error.
 * @example
 * ```ts
 * import { MissingDependencyError, loadPlotModules, setPlotImporter } from "thermolearn/plot";
 * setPlotImporter(async (name) => { throw new Error(`cannot find ${name}`); }); // simulate a missing peer
 * try {
 *   await loadPlotModules();
 * } catch (error) {
 *   if (!(error instanceof MissingDependencyError)) throw error;
 *   console.log(error.packages, error.install); // ["vega", "vega-lite"], "npm install vega vega-lite"
 * } finally {
 *   setPlotImporter(); // back to the default importer
 * }
 * ```
 */
export class MissingDependencyError extends Error {
  constructor(
    message: string,
    /** The packages that could not be imported. */
    readonly packages: readonly string[],
    /** The command that installs them, e.g. `npm install vega vega-lite`. */
    readonly install: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "MissingDependencyError";
  }
}

/** The two modules SVG rendering uses. */
export interface PlotModules {
  /** The `vega` module. */
  vega: typeof import("vega");
  /** The `vega-lite` module. */
  vegaLite: typeof import("vega-lite");
}

/** Imports one package by name (a dynamic `import()`); replaced in tests to simulate a missing one. */
export type PlotImporter = (name: PlotPackage) => Promise<unknown>;

/** The real imports (a dynamic `import()` from this module), written out so bundlers see both module names. */
export const defaultPlotImporter: PlotImporter = (name) => (name === "vega" ? import("vega") : import("vega-lite"));

/** How {@link loadPlotModules} imports the packages when given no importer. */
let plotImporter: PlotImporter = defaultPlotImporter;

/** The loaded modules, kept after the first successful import (a failed one is retried next time). */
let loaded: Promise<PlotModules> | undefined;

/**
 * Replaces how vega and vega-lite are imported from now on (`undefined`: {@link defaultPlotImporter}),
 * and forgets the modules imported so far. Node code uses it to look beyond this module's own
 * node_modules, e.g. the CLI also searches the working directory (src/node/cli/output.ts).
 * @example
 * ```ts
 * import { setPlotImporter } from "thermolearn/plot";
 * setPlotImporter((name) => import(name)); // e.g. to import the peers from elsewhere
 * setPlotImporter(); // restores the default
 * ```
 */
export function setPlotImporter(importer?: PlotImporter): void {
  plotImporter = importer ?? defaultPlotImporter;
  loaded = undefined;
}

/** The first line of an error's message (Node appends the importing file on later lines). */
function firstLine(error: unknown): string {
  return String((error as Error | undefined)?.message ?? error).split("\n")[0];
}

async function importPlotModules(importer: PlotImporter): Promise<PlotModules> {
  const failures: { name: PlotPackage; error: unknown }[] = [];
  const modules = await Promise.all(
    PLOT_PACKAGES.map((name) =>
      Promise.resolve()
        .then(() => importer(name))
        .catch((error: unknown) => {
          failures.push({ name, error });
          return undefined;
        }),
    ),
  );
  if (failures.length > 0) {
    failures.sort((a, b) => PLOT_PACKAGES.indexOf(a.name) - PLOT_PACKAGES.indexOf(b.name));
    const names = failures.map((f) => f.name);
    const [first] = failures;
    throw new MissingDependencyError(
      `SVG rendering needs the optional packages vega and vega-lite; ${names.join(" and ")} could not be ` +
        `imported (${firstLine(first.error)}). Install them: ${PLOT_INSTALL_COMMAND}`,
      names,
      PLOT_INSTALL_COMMAND,
      { cause: first.error },
    );
  }
  return { vega: modules[0] as PlotModules["vega"], vegaLite: modules[1] as PlotModules["vegaLite"] };
}

/**
 * Imports vega and vega-lite (once; later calls return the same modules).
 * @param importer imports one package by name; the default is a dynamic `import()` (or the one set
 *   with {@link setPlotImporter}). A given
 *   importer is used for this call only (nothing is cached), so tests can simulate a missing package.
 * @throws MissingDependencyError naming the packages that could not be imported and the command
 *   that installs them, `npm install vega vega-lite`.
 * @example
 * ```ts
 * import { loadPlotModules } from "thermolearn/plot";
 * const { vega, vegaLite } = await loadPlotModules(); // imported once, on first use
 * console.log(typeof vega.View, typeof vegaLite.compile); // "function", "function"
 * ```
 */
export function loadPlotModules(importer?: PlotImporter): Promise<PlotModules> {
  if (importer !== undefined) return importPlotModules(importer);
  loaded ??= importPlotModules(plotImporter).catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

/**
 * Render a vega-lite spec to an SVG string (compile to vega, run a headless view with the `'none'`
 * renderer, call `toSVG()`, then finalize the view). Works without the `canvas` package; text sizes
 * are then estimated.
 * @throws MissingDependencyError when vega or vega-lite is not installed (`npm install vega vega-lite`).
 * @example
 * ```ts
 * import { lineChartSpec, renderSvg } from "thermolearn/plot";
 * const series = [{ name: "run", x: [0, 1, 2], y: [0.5, 0.3, 0.2] }];
 * const svg = await renderSvg(lineChartSpec({ xLabel: "t", yLabel: "ε", series }));
 * console.log(svg.length > 1000); // true: a standalone SVG document
 * ```
 */
export async function renderSvg(spec: object): Promise<string> {
  const { vega, vegaLite } = await loadPlotModules();
  const vgSpec = vegaLite.compile(spec as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Build a line chart with {@link lineChartSpec} and render it with {@link renderSvg}.
 * @throws TypeError/RangeError for bad options (before anything is imported), MissingDependencyError
 *   when vega or vega-lite is not installed.
 * @example
 * ```ts
 * import { lineChartSvg } from "thermolearn/plot";
 * const series = [{ name: "run", x: [0, 1, 2], y: [0.5, 0.3, 0.2] }];
 * const svg = await lineChartSvg({ xLabel: "t", yLabel: "ε", series });
 * console.log(svg.startsWith("<svg")); // true (needs the optional peers vega and vega-lite)
 * ```
 */
export async function lineChartSvg(opts: LineChartOptions): Promise<string> {
  return renderSvg(lineChartSpec(opts));
}
