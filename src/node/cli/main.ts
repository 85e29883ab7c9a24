#!/usr/bin/env node
/**
 * The thermolearn command line (dist/cli.js, the package's `bin`): dispatches to one file per command.
 *
 *   thermolearn perceptron [flags]   one run of the stochastic perceptron, with JSON/SVG output
 *   thermolearn blog [flags]         the blog's experiment: every rule at n = 10⁴, table + plot
 *   thermolearn eqprop [flags]       equilibrium propagation on MNIST (plain or with memory)
 *   … and hopfield-recall, hopfield-capacity, kernel-update, ladder, figure (see ./usage.ts).
 *
 * Exit codes: 0 done; 1 unexpected failure (or an output that could not be written after all);
 * 2 bad input (flags, values, output paths: all checked before computing; also an optional package
 * an output needs, named with its install command); 3 the simulation diverged; 130 stopped by
 * Ctrl-C, with what was computed written (status "aborted"; eqprop: "interrupted"). Ctrl-C is heard
 * only during a long run (./terminal.ts, `interruptOnSigint`); elsewhere it ends the process at once.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { VERSION } from "../../version.js";
import { UsageError, nameFlag } from "./args.js";
import { WriteError, withCwdFallback } from "./output.js";
import { setPlotImporter } from "../../plot/index.js";
import { USAGE } from "./usage.js";
import { blogCommand } from "./blog.js";
import { boundCommand } from "./bound.js";
import { theoryCommand } from "./theory.js";
import { turCommand } from "./tur.js";
import { eqpropCommand } from "./eqprop.js";
import { figureCommand } from "./figure.js";
import { hopfieldCapacityCommand } from "./hopfield-capacity.js";
import { hopfieldRecallCommand } from "./hopfield-recall.js";
import { kernelUpdateCommand } from "./kernel-update.js";
import { ladderCommand } from "./ladder.js";
import { PERCEPTRON_FLAGS, perceptronCommand } from "./perceptron.js";

/** A command: its arguments after the command name in, its exit code out. */
type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  perceptron: perceptronCommand,
  blog: blogCommand,
  bound: boundCommand,
  theory: theoryCommand,
  tur: turCommand,
  "hopfield-recall": hopfieldRecallCommand,
  "hopfield-capacity": hopfieldCapacityCommand,
  "kernel-update": kernelUpdateCommand,
  figure: figureCommand,
  ladder: ladderCommand,
  eqprop: eqpropCommand,
};

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

/** Runs the CLI on `argv` (the arguments after the script) and returns its exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // vega and vega-lite from thermolearn's install, else from the project the CLI runs in (npx).
  setPlotImporter(withCwdFallback());
  try {
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === "--version" || command === "-v") {
      console.log(VERSION);
      return 0;
    }
    if (Object.hasOwn(COMMANDS, command)) return await COMMANDS[command](rest);
    throw new UsageError(`unknown command "${command}" (try --help)`);
  } catch (error) {
    if (isUsageError(error)) {
      console.error(`thermolearn: ${nameFlag(error.message, PERCEPTRON_FLAGS)}`);
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
