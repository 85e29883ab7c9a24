/**
 * Flags of the thermolearn CLI: `--flag value` pairs parsed strictly (node:util parseArgs), numbers
 * as people write them, and the library's option errors reworded to name the flag the user typed.
 */
import { parseArgs } from "node:util";

/** A bad flag or value: reported with exit code 2. */
export class UsageError extends Error {}

/** A decimal number as people write one: 12, -0.5, .5, 1e-3 (not hex, not Infinity, not blank). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The number `text` of `--flag`; a {@link UsageError} naming the flag for anything else. */
export function parseNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!DECIMAL.test(text) || !Number.isFinite(value)) throw new UsageError(`--${flag} expects a number, got "${text}"`);
  return value;
}

/** The values of one command's flags: numbers (undefined where not given) and strings. */
export interface ParsedFlags {
  num: Record<string, number | undefined>;
  str: Record<string, string | undefined>;
}

/** Parses `--flag value` pairs: `numbers` become numbers (named in errors), `strings` stay strings. */
export function parseFlags(argv: string[], numbers: readonly string[], strings: readonly string[]): ParsedFlags {
  const options = Object.fromEntries([...numbers, ...strings].map((f) => [f, { type: "string" as const }]));
  let values: Record<string, string | undefined>;
  try {
    const parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
    values = parsed.values as Record<string, string | undefined>;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const num: Record<string, number | undefined> = {};
  for (const flag of numbers) num[flag] = values[flag] === undefined ? undefined : parseNumber(flag, values[flag]!);
  const str: Record<string, string | undefined> = {};
  for (const flag of strings) str[flag] = values[flag];
  return { num, str };
}

/** Comma-separated numbers for a list flag such as --layers 784,500,10. */
export function parseList(flag: string, text: string): number[];
export function parseList(flag: string, text: string | undefined): number[] | undefined;
export function parseList(flag: string, text: string | undefined): number[] | undefined {
  return text === undefined ? undefined : text.split(",").map((p) => parseNumber(flag, p));
}

/**
 * Names the flags the user typed in a library error: a leading option name ("tEnd must be …" →
 * "--t-end must be …", "s1 must …" → "--s-step must …"; not a field such as "train.labels"), and
 * camelCase option names anywhere ("give nu or nuTilde" → "give --nu or --nu-tilde"), which no
 * English word looks like.
 */
export function nameFlag(message: string, flags: Record<string, string>): string {
  const named = message.replace(/^[A-Za-z][A-Za-z0-9]*(?![A-Za-z0-9./])/, (name) => flags[name] ?? name);
  return named
    .replace(/\b[a-z]+[A-Z][A-Za-z0-9]*\b/g, (name) => flags[name] ?? name)
    .replace(/^give (\w+) or /, (text, name: string) => (flags[name] ? `give ${flags[name]} or ` : text));
}

/** The library's option errors (TypeError/RangeError) as usage errors naming the CLI flag; others as they are. */
export function usageError(flags: Record<string, string>, error: unknown): unknown {
  const isOptionError = error instanceof TypeError || error instanceof RangeError;
  return isOptionError ? new UsageError(nameFlag(error.message, flags)) : error;
}

/** Runs `f`, turning the library's option errors into messages that name the CLI flag. */
export function withFlags<T>(flags: Record<string, string>, f: () => T): T {
  try {
    return f();
  } catch (error) {
    throw usageError(flags, error);
  }
}
