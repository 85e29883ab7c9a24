#!/usr/bin/env node
/**
 * The thermolearn command line (dist/cli.js, the package's `bin`): dispatches to one file per command
 * through the table of ./commands.ts, each command parsing its flags by its own table (./flags.ts).
 *
 *   thermolearn perceptron [flags]   one run of the stochastic perceptron, with JSON/SVG output
 *   thermolearn blog [flags]         the blog's experiment: every rule at n = 10⁴, table + plot
 *   thermolearn eqprop [flags]       equilibrium propagation on MNIST (plain or with memory)
 *   … and theory, bound, tur, hopfield-recall, hopfield-capacity, kernel-update, ladder, figure.
 *   thermolearn <command> --help     that command's flags with defaults and units (also -h, and
 *                                    `thermolearn help <command>`); exit 0
 *
 * Exit codes: 0 done; 1 unexpected failure (or an output that could not be written after all);
 * 2 bad input (flags, values, output paths: all checked before computing; also an optional package
 * an output needs, named with its install command); 3 the simulation diverged; 130 stopped by
 * Ctrl-C, with what was computed written (status "aborted"; eqprop: "interrupted"). Ctrl-C is heard
 * only during a long run (./terminal.ts, `interruptOnSigint`); elsewhere it ends the process at once.
 * A run that wrote files ends with "wrote FILE, …" (stdout; stderr when `--json -` took stdout).
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { closestName } from "../../core/suggest.js";
import { VERSION } from "../../version.js";
import { UsageError, nameFlag } from "./args.js";
import { COMMANDS, usageText, type CommandEntry } from "./commands.js";
import { flagNames, helpText, wantsHelp } from "./flags.js";
import { WriteError, resetRun, say, withCwdFallback, writtenFiles } from "./output.js";
import { setPlotImporter } from "../../plot/index.js";

/** Errors the user can act on: one line on stderr, exit code 2 (the message names the flag). */
function isUsageError(error: unknown): error is Error {
  return (
    error instanceof UsageError ||
    error instanceof TypeError ||
    error instanceof RangeError ||
    // An optional package (vega, vega-lite, mnist) that is not installed: its message names the install command.
    (error instanceof Error && error.name === "MissingDependencyError")
  );
}

/** The command `argv` names (a sub-command such as `figure landauer` included) and its arguments. */
function resolveCommand(argv: string[]): { entry: CommandEntry; args: string[] } {
  const [name, ...args] = argv;
  if (!Object.hasOwn(COMMANDS, name)) {
    const match = closestName(name, Object.keys(COMMANDS));
    const hint = match === undefined ? "" : `; did you mean "${match}"?`;
    throw new UsageError(
      `unknown command "${name}"${hint} (commands: ${Object.keys(COMMANDS).join(", ")}; thermolearn --help)`,
    );
  }
  const entry = COMMANDS[name];
  const sub = args[0];
  if (entry.subcommands && sub !== undefined && Object.hasOwn(entry.subcommands, sub)) {
    return { entry: entry.subcommands[sub], args: args.slice(1) };
  }
  return { entry, args };
}

/** Says which files the run wrote, if any. */
function reportWritten(): void {
  const files = writtenFiles();
  if (files.length > 0) say(`wrote ${files.join(", ")}`);
}

/** Runs the CLI on `argv` (the arguments after the script) and returns its exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  resetRun();
  // vega and vega-lite from thermolearn's install, else from the project the CLI runs in (npx).
  setPlotImporter(withCwdFallback());
  let names: Record<string, string> = {};
  try {
    if (command === undefined) {
      console.error(usageText());
      return 2;
    }
    if (command === "--help" || command === "-h" || (command === "help" && rest.length === 0)) {
      console.log(usageText());
      return 0;
    }
    if (command === "--version" || command === "-v") {
      console.log(VERSION);
      return 0;
    }
    if (command === "help") {
      console.log(helpText(resolveCommand(rest).entry.spec));
      return 0;
    }
    const { entry, args } = resolveCommand(argv);
    if (wantsHelp(args)) {
      console.log(helpText(entry.spec));
      return 0;
    }
    names = flagNames(entry.spec);
    const code = await entry.run(args);
    reportWritten();
    return code;
  } catch (error) {
    reportWritten();
    if (isUsageError(error)) {
      console.error(`thermolearn: ${nameFlag(error.message, names)}`);
      return 2;
    }
    if (error instanceof WriteError) {
      console.error(`thermolearn: ${error.message}`);
      return 1;
    }
    console.error(`thermolearn: ${(error as Error).stack ?? error}`);
    return 1;
  }
}

/** True when this file is the program node runs, also through a bin symlink (npx, node_modules/.bin). */
function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
