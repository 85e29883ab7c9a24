/**
 * Values of the thermolearn CLI's flags: numbers as people write them, and the library's option errors
 * reworded to name the flag the user typed. The flags themselves are parsed by their table (./flags.ts).
 */
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

/** Comma-separated numbers for a list flag such as --layers 784,500,10. */
export function parseList(flag: string, text: string): number[];
export function parseList(flag: string, text: string | undefined): number[] | undefined;
export function parseList(flag: string, text: string | undefined): number[] | undefined {
  return text === undefined ? undefined : text.split(",").map((p) => parseNumber(flag, p));
}

/**
 * Names the flags the user typed in a library error: a leading option name ("tEnd must be …" →
 * "--t-end must be …", "s1 must …" → "--s-step must …", "online.dt must …" → "--dt must …"; not a
 * field without a flag such as "train.labels"), also after the library function's name ("ladderRates:
 * gamma must …" → "--gamma must …"), and camelCase option names anywhere ("give nu or nuTilde" →
 * "give --nu or --nu-tilde"), which no English word looks like.
 */
export function nameFlag(message: string, flags: Record<string, string>): string {
  // "ladderRates: gamma must …": the function is the CLI's business, the flag the user's.
  const prefix = /^[A-Za-z]\w*: ([A-Za-z][\w.]*)/.exec(message);
  if (prefix && Object.hasOwn(flags, prefix[1].replace(/\[.*$/, "")))
    message = message.slice(prefix[0].length - prefix[1].length);
  // A dotted option ("online.dt must …") when it has a flag of its own.
  const dotted = /^[A-Za-z]\w*\.[A-Za-z]\w*(?![\w./])/.exec(message);
  if (dotted && Object.hasOwn(flags, dotted[0])) message = flags[dotted[0]] + message.slice(dotted[0].length);
  const named = message.replace(/^[A-Za-z][A-Za-z0-9]*(?![A-Za-z0-9./])/, (name) =>
    Object.hasOwn(flags, name) ? flags[name] : name,
  );
  return named
    .replace(/\b[a-z]+[A-Z][A-Za-z0-9]*\b/g, (name) => (Object.hasOwn(flags, name) ? flags[name] : name))
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
