/**
 * `thermolearn/plot`: vega-lite specs of thermolearn results (dependency-free) and their SVG
 * rendering (imports the optional peers vega and vega-lite on first use).
 * @module thermolearn/plot
 */
export { lineChartSpec, spinGridSpec, concatSpecs, MAX_POINTS_PER_SERIES } from "./spec.js";
export type { Series, LineChartOptions, SpinGridOptions, ConcatOptions } from "./spec.js";
export {
  renderSvg,
  lineChartSvg,
  loadPlotModules,
  setPlotImporter,
  defaultPlotImporter,
  MissingDependencyError,
  PLOT_INSTALL_COMMAND,
} from "./svg.js";
export type { PlotModules, PlotImporter, PlotPackage } from "./svg.js";
