/**
 * What every `thermolearn figure …` command does, once: parse its flags by its table, validate the
 * library options before anything runs (errors name the flag), check the outputs (default paths made
 * with their directory; a default SVG skipped with a note when vega is missing), run with a progress
 * bar and Ctrl-C, print the summary, write the JSON and the SVG, and turn the status into the exit code
 * (0 completed, 3 diverged, 130 interrupted).
 */
import { usageError, withFlags } from "./args.js";
import { flagNames, optionsFromFlags, parseCommand, type CommandSpec, type ParsedFlags } from "./flags.js";
import {
  checkOutputs,
  checkSvgRenderer,
  defaultSvgOutput,
  say,
  writeJson,
  writeOutput,
  type Output,
} from "./output.js";
import { EXIT_DIVERGED, EXIT_INTERRUPTED, interruptOnSigint, progressBar } from "./terminal.js";

/** Progress of a figure: tasks done of the total. */
export interface FigureProgress {
  done: number;
  total: number;
}

/** What the run hands the figure's computation. */
export interface FigureHooks {
  onProgress: (p: FigureProgress) => void;
  /** Aborted by Ctrl-C; only for interruptible figures. */
  signal?: AbortSignal;
  /** Whether an SVG will be drawn (a figure that renders as it computes can skip it). */
  svg: boolean;
}

/** What a figure's result comes to on the terminal and in the files. */
export interface FigureReport {
  /** Summary lines (stdout; stderr when an output goes to stdout). */
  lines: string[];
  /** The JSON value written to --json. */
  json: unknown;
  /** The SVG (text, or drawn on demand), or null when there is nothing to draw. */
  svg: string | (() => Promise<string>) | null;
  status: "completed" | "aborted" | "diverged";
  /** The stderr line for an aborted or diverged run (without the "thermolearn: " prefix). */
  note?: string;
}

/** One figure command: its flag table, how flags become options, how it validates, runs and reports. */
export interface FigureDefinition<O, R> {
  spec: CommandSpec;
  /** The progress bar's label. */
  label: string;
  /** Default output paths (their directory is made when missing); without them --json and --svg are optional. */
  defaults?: { json: string; svg: string };
  /** Library options from the parsed flags (default: every flag's `option`, {@link optionsFromFlags}). */
  options?: (parsed: ParsedFlags) => O;
  /** Validates the options before anything runs (TypeError/RangeError naming the option). */
  resolve: (options: O) => unknown;
  /** Whether Ctrl-C stops the run and keeps what was computed (the run takes `signal`). */
  interruptible: boolean;
  run: (options: O, hooks: FigureHooks) => Promise<R>;
  report: (result: R) => FigureReport;
}

/** The outputs of a figure: typed ones must be writable (and drawable); default ones are made or skipped. */
async function figureOutputs(
  str: Record<string, string | undefined>,
  defaults: { json: string; svg: string } | undefined,
): Promise<{ json?: Output; svg?: Output }> {
  const output = (flag: string, given: string | undefined, fallback: string | undefined): Output | undefined => {
    if (given !== undefined) return { flag, path: given, stdout: true };
    return fallback === undefined ? undefined : { flag, path: fallback, create: true };
  };
  const json = output("--json", str.json, defaults?.json);
  const svgPath = output("--svg", str.svg, defaults?.svg);
  checkOutputs([json, svgPath]);
  // An asked-for --svg must be drawable (else exit 2 with the install command); a default one is skipped.
  if (svgPath === undefined || str.svg !== undefined) {
    await checkSvgRenderer(svgPath);
    return { json, svg: svgPath };
  }
  return { json, svg: await defaultSvgOutput(svgPath) };
}

/** Runs a figure command on `argv` (the flags after its name) and returns its exit code. */
export async function runFigureCommand<O, R>(def: FigureDefinition<O, R>, argv: string[]): Promise<number> {
  const parsed = parseCommand(def.spec, argv);
  const names = flagNames(def.spec);
  const options = def.options ? def.options(parsed) : (optionsFromFlags(def.spec, parsed) as O);
  withFlags(names, () => def.resolve(options));
  const { json, svg } = await figureOutputs(parsed.str, def.defaults);
  const bar = progressBar(def.label);
  const sigint = def.interruptible ? interruptOnSigint() : undefined;
  const hooks: FigureHooks = {
    onProgress: (p) => bar.update(p.done / p.total, `${p.done}/${p.total}`),
    svg: svg !== undefined,
    ...(sigint ? { signal: sigint.signal } : {}),
  };
  const result = await def
    .run(options, hooks)
    .catch((error) => {
      throw usageError(names, error);
    })
    .finally(() => {
      sigint?.release();
      bar.done();
    });
  const report = def.report(result);
  for (const line of report.lines) say(line);
  if (json) writeJson(json, report.json);
  if (svg && report.svg !== null) {
    writeOutput(svg, typeof report.svg === "string" ? report.svg : await report.svg());
  }
  if (report.note !== undefined) console.error(`thermolearn: ${report.note}`);
  return report.status === "aborted" ? EXIT_INTERRUPTED : report.status === "diverged" ? EXIT_DIVERGED : 0;
}
