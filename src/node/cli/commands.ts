/**
 * The table of thermolearn's commands: each with its flag table (for parsing and `--help`) and its
 * function; `figure` has sub-commands with tables of their own. main.ts dispatches through it, and
 * `thermolearn --help` lists it, so a command added here has its help and its line in the usage.
 */
import { VERSION } from "../../version.js";
import type { CommandSpec } from "./flags.js";
import { BLOG, blogCommand } from "./blog.js";
import { BOUND, boundCommand } from "./bound.js";
import { EQPROP, eqpropCommand } from "./eqprop.js";
import { FIGURE, figureCommand } from "./figure.js";
import { FIGURE_COST, costFigureCommand } from "./figure-cost.js";
import { FIGURE_EFFICIENCY, efficiencyFigureCommand } from "./figure-efficiency.js";
import { FIGURE_LANDAUER, landauerFigureCommand } from "./figure-landauer.js";
import { HOPFIELD_CAPACITY, hopfieldCapacityCommand } from "./hopfield-capacity.js";
import { HOPFIELD_RECALL, hopfieldRecallCommand } from "./hopfield-recall.js";
import { KERNEL_UPDATE, kernelUpdateCommand } from "./kernel-update.js";
import { LADDER, ladderCommand } from "./ladder.js";
import { PERCEPTRON, perceptronCommand } from "./perceptron.js";
import { THEORY, theoryCommand } from "./theory.js";
import { TUR, turCommand } from "./tur.js";

/** A command: its flag table, its function (the arguments after its name in, the exit code out), its sub-commands. */
export interface CommandEntry {
  spec: CommandSpec;
  run: (argv: string[]) => Promise<number>;
  subcommands?: Readonly<Record<string, CommandEntry>>;
}

/** Every command, in the order `thermolearn --help` lists them. */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  perceptron: { spec: PERCEPTRON, run: perceptronCommand },
  blog: { spec: BLOG, run: blogCommand },
  theory: { spec: THEORY, run: theoryCommand },
  bound: { spec: BOUND, run: boundCommand },
  tur: { spec: TUR, run: turCommand },
  "hopfield-recall": { spec: HOPFIELD_RECALL, run: hopfieldRecallCommand },
  "hopfield-capacity": { spec: HOPFIELD_CAPACITY, run: hopfieldCapacityCommand },
  "kernel-update": { spec: KERNEL_UPDATE, run: kernelUpdateCommand },
  ladder: { spec: LADDER, run: ladderCommand },
  figure: {
    spec: FIGURE,
    run: figureCommand,
    subcommands: {
      efficiency: { spec: FIGURE_EFFICIENCY, run: efficiencyFigureCommand },
      landauer: { spec: FIGURE_LANDAUER, run: landauerFigureCommand },
      cost: { spec: FIGURE_COST, run: costFigureCommand },
    },
  },
  eqprop: { spec: EQPROP, run: eqpropCommand },
};

/** Every command and sub-command as typed after `thermolearn` ("ladder", "figure landauer"), with its entry. */
export function allCommands(): [string, CommandEntry][] {
  return Object.entries(COMMANDS).flatMap(([name, entry]) => [
    [name, entry] as [string, CommandEntry],
    ...Object.entries(entry.subcommands ?? {}).map(([sub, e]) => [`${name} ${sub}`, e] as [string, CommandEntry]),
  ]);
}

/** `thermolearn --help`: every command with its summary, and where each one's flags are explained. */
export function usageText(): string {
  const rows = allCommands().map(([name, { spec }]) => {
    const left = `  thermolearn ${name}`;
    return `${left.padEnd(34)} ${spec.summary}`;
  });
  return [
    `thermolearn ${VERSION}: the thermodynamics of learning`,
    "",
    "usage: thermolearn <command> [flags]",
    "",
    "commands:",
    ...rows,
    "",
    "  thermolearn <command> --help     that command's flags, with their defaults and units (also -h,",
    "                                   and thermolearn help <command>)",
    "  thermolearn --version            the version",
    "",
    "Every flag takes a value: --flag value or --flag=value (negative numbers too: --mean -5).",
    "--json - writes the JSON to stdout (the messages then go to stderr).",
    "Exit codes: 0 done; 1 unexpected failure; 2 bad input (nothing computed); 3 the simulation diverged;",
    "130 stopped by Ctrl-C (what was computed is written).",
  ].join("\n");
}
