/**
 * The output files of CLI commands: every path checked before anything is computed (so a long run
 * never ends in a path it cannot write), the SVG renderer's optional packages checked likewise, and
 * results written as JSON with their `Float64Array` columns as plain arrays. A path `-` is stdout:
 * then every message of the run goes to stderr ({@link say}), so that stdout is the output alone.
 * Each file written is recorded, and main.ts ends the run with "wrote …".
 */
import { closeSync, mkdirSync, openSync, statSync, unlinkSync, writeFileSync, writeSync, type Stats } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { defaultPlotImporter, loadPlotModules, type PlotImporter, type PlotPackage } from "../../plot/index.js";
import { UsageError } from "./args.js";

/** An output file that could not be written after all (checked up front, so rare): one line, exit code 1. */
export class WriteError extends Error {}

/** An output file of a command: the flag that names it (for messages) and its path. */
export interface Output {
  flag: string;
  /** The file, or `-` for stdout (where `stdout` allows it). */
  path: string;
  /**
   * A default path the user did not type (results/landauer.json): its missing directories are created.
   * A path the user typed must be in an existing directory (a typo there would otherwise make one).
   */
  create?: boolean;
  /** Whether `-` (stdout) is allowed: text outputs (--json, --svg), not binary ones (--save). */
  stdout?: boolean;
}

/** The path that means stdout. */
export const STDOUT = "-";

/** The state of one CLI run: whether stdout carries an output, and the files written so far. */
const run = { stdoutTaken: false, written: [] as string[] };

/** Starts a CLI run afresh (main.ts, before each command): stdout free, no file written. */
export function resetRun(): void {
  run.stdoutTaken = false;
  run.written = [];
}

/** The files written by this run so far, in order, each once. */
export function writtenFiles(): string[] {
  return [...run.written];
}

/** Whether an output of this run goes to stdout (then messages go to stderr). */
export function stdoutIsOutput(): boolean {
  return run.stdoutTaken;
}

/** Prints a message line of a command: on stdout, or on stderr when stdout carries an output (`--json -`). */
export function say(line = ""): void {
  if (run.stdoutTaken) console.error(line);
  else console.log(line);
}

/** `statSync`, or null when nothing is there (also when a parent is a file: ENOTDIR). */
function statOrNull(path: string, what: string): Stats | null {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") return null;
    throw new UsageError(`${what}: ${(error as Error).message}`);
  }
}

/** A file-system error in words, without the path Node appends ("EACCES: permission denied"). */
export function reason(error: unknown): string {
  return (error as Error).message.replace(/, \w+ '[^']*'$/, "");
}

/** Opens `path` with `flags`, writes zero bytes (which /proc files and /dev/full refuse) and closes it. */
function probeWrite(path: string, flags: string): void {
  const fd = openSync(path, flags);
  try {
    writeSync(fd, new Uint8Array(0));
  } finally {
    closeSync(fd);
  }
}

/** A probe file's name, unique to this process and call. */
function probeName(dir: string): string {
  return join(dir, `.thermolearn-probe-${process.pid}-${Math.random().toString(36).slice(2)}`);
}

/**
 * Refuses, before anything is computed, an output path the command could not write: an empty name,
 * a directory, a path under a file, or a place that takes no new file or no write (/proc, a
 * read-only mount, /dev/full). Missing directories are fine (they are created when writing) if the
 * nearest existing one takes a new file. An existing file is opened for append, not changed; the
 * probe file made beside a new one is removed.
 */
function checkOutput({ flag, path, create, stdout }: Output): void {
  if (path.trim() === "") throw new UsageError(`${flag} needs a file name, got ""`);
  if (path === STDOUT) {
    if (!stdout)
      throw new UsageError(`${flag} -: only text outputs (--json, --svg) can go to stdout; give a file name`);
    return;
  }
  const what = `${flag} ${path}`;
  const target = statOrNull(path, what);
  if (target?.isDirectory()) throw new UsageError(`${what} is a directory; give a file name`);
  if (target) {
    try {
      probeWrite(path, "a");
    } catch (error) {
      throw new UsageError(`${what}: cannot write it (${reason(error)})`);
    }
    return;
  }
  let dir = dirname(resolve(path));
  let found = statOrNull(dir, what);
  const missing = found ? undefined : dir;
  while (!found) found = statOrNull((dir = dirname(dir)), what); // ends at "/", which exists
  if (!found.isDirectory()) throw new UsageError(`${what}: ${dir} is not a directory`);
  if (missing !== undefined && !create) {
    throw new UsageError(`${what}: the directory ${dirname(path)} does not exist (create it first, or fix the path)`);
  }
  const probe = probeName(dir);
  try {
    probeWrite(probe, "wx");
  } catch (error) {
    throw new UsageError(`${what}: cannot create a file in ${dir} (${reason(error)})`);
  }
  unlinkSync(probe);
}

/** Checks every output of a command up front ({@link checkOutput}); two flags naming one file are refused too. */
export function checkOutputs(outputs: (Output | undefined)[]): void {
  const seen = new Map<string, string>();
  for (const output of outputs) {
    if (output === undefined) continue;
    checkOutput(output);
    const key = output.path === STDOUT ? STDOUT : resolve(output.path),
      other = seen.get(key);
    if (other !== undefined && key === STDOUT) {
      throw new UsageError(`${other} and ${output.flag} both ask for stdout (-); only one output can go there`);
    }
    if (other !== undefined) throw new UsageError(`${other} and ${output.flag} name the same file ${output.path}`);
    seen.set(key, output.flag);
  }
  // Checked: from here on, messages go to stderr when an output goes to stdout.
  if (seen.has(STDOUT)) run.stdoutTaken = true;
}

/**
 * An importer of vega and vega-lite that tries `first` (by default the plot module's own dynamic
 * import, which resolves from thermolearn's install) and then the project in `cwd`: `npx thermolearn`
 * runs from npm's cache, where the `npm install vega vega-lite` the CLI asks for is not seen. The
 * package is resolved as `require.resolve` from `cwd` would (vega's and vega-lite's `default` export
 * is their ES module) and imported by file URL. Fails with `first`'s error when `cwd` lacks it too.
 */
export function withCwdFallback(first: PlotImporter = defaultPlotImporter, cwd = process.cwd()): PlotImporter {
  return async (name: PlotPackage) => {
    try {
      return await first(name);
    } catch (error) {
      let path: string;
      try {
        path = createRequire(join(cwd, "index.js")).resolve(name);
      } catch {
        throw error;
      }
      return import(pathToFileURL(path).href);
    }
  };
}

/**
 * Checks, before computing, that an SVG output can be drawn: vega and vega-lite (optional packages)
 * import. Nothing to check without an SVG output.
 * @param importer replaces the dynamic import (tests simulate a missing package with it).
 * @throws UsageError naming the flag, the path and the install command (`npm install vega vega-lite`).
 */
export async function checkSvgRenderer(svg: Output | undefined, importer?: PlotImporter): Promise<void> {
  if (svg === undefined) return;
  try {
    await loadPlotModules(importer);
  } catch (error) {
    if ((error as Error | undefined)?.name !== "MissingDependencyError") throw error;
    throw new UsageError(`${svg.flag} ${svg.path}: ${(error as Error).message}`);
  }
}

/**
 * An SVG the command writes by default (not asked for with --svg): drawn when vega and vega-lite are
 * installed; otherwise skipped with a note on stderr naming the install command, so that the rest of
 * the command (its JSON, its table) still works from a bare `npx thermolearn`.
 * @returns the output, or undefined when it is skipped.
 */
export async function defaultSvgOutput(svg: Output, importer?: PlotImporter): Promise<Output | undefined> {
  try {
    await checkSvgRenderer(svg, importer);
    return svg;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(
      `thermolearn: not drawing ${svg.path}: ${error.message.slice(svg.flag.length + svg.path.length + 3)}`,
    );
    return undefined;
  }
}

/** The --json and --svg outputs a command was given (undefined where not), checked up front. */
export async function jsonSvgOutputs(
  str: Record<string, string | undefined>,
): Promise<{ json?: Output; svg?: Output }> {
  const json = str.json === undefined ? undefined : { flag: "--json", path: str.json, stdout: true };
  const svg = str.svg === undefined ? undefined : { flag: "--svg", path: str.svg, stdout: true };
  checkOutputs([json, svg]);
  await checkSvgRenderer(svg);
  return { json, svg };
}

/**
 * Writes an output: to stdout for `-`, else to its file (creating missing directories of a default
 * path), recorded for the closing "wrote …"; a failure is one line naming the flag, not a stack trace.
 */
export function writeOutput({ flag, path, create }: Output, text: string | Uint8Array): void {
  if (path === STDOUT) {
    process.stdout.write(text);
    return;
  }
  try {
    if (create) mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (error) {
    throw new WriteError(`${flag} ${path}: cannot write it (${reason(error)})`);
  }
  if (!run.written.includes(path)) run.written.push(path);
}

/** JSON.stringify's replacer for results: typed-array columns become plain arrays (NaN then null). */
function plainArrays(_key: string, value: unknown): unknown {
  return ArrayBuffer.isView(value) ? Array.from(value as Float64Array) : value;
}

/** `value` as JSON text with a final newline, typed arrays written as arrays, indented by `indent`. */
export function jsonText(value: unknown, indent = 1): string {
  return `${JSON.stringify(value, plainArrays, indent)}\n`;
}

/** Writes `value` as JSON ({@link jsonText}) to an output. */
export function writeJson(output: Output, value: unknown, indent = 1): void {
  writeOutput(output, jsonText(value, indent));
}
