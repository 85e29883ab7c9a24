/**
 * One declarative table of flags per command: the parser (`--flag value`, `--flag=value`, negative
 * numbers such as `--mean -5`, "did you mean" for a mistyped flag) and the command's `--help` text
 * are both made from it, so the help cannot leave a flag out and a flag cannot miss its help.
 */
import { closestName } from "../../core/suggest.js";
import { UsageError, parseList, parseNumber } from "./args.js";

/** What a flag's value is: a decimal number, a word or file name, or a comma-separated list of numbers. */
export type FlagKind = "number" | "string" | "list";

/** One flag of a command. */
export interface FlagSpec {
  /** The name without the dashes: "t-end" is `--t-end`. */
  name: string;
  kind: FlagKind;
  /** One line of help. */
  help: string;
  /** The default as the help shows it ("10", "3·√n", "all cores"); none: the flag is off by default. */
  default?: string | number;
  /** The unit of the value ("time units", "µM", "k_BT"), shown beside its help. */
  unit?: string;
  /** The placeholder in the help ("FILE", "γ"); by default from the kind or the choices. */
  meta?: string;
  /** The words a string flag takes (shown in the help; the library checks them). */
  choices?: readonly string[];
  /** The library option it sets, for error messages ("tEnd" → "--t-end"), and for {@link optionsFromFlags}. */
  option?: string;
}

/** A command's flags, its one-line summary and what its help says beyond the flags. */
export interface CommandSpec {
  /** As typed after `thermolearn`: "ladder", "figure landauer". */
  name: string;
  /** One line for the command list of `thermolearn --help`. */
  summary: string;
  /** The usage line after "thermolearn " when it is more than "NAME [flags]". */
  usage?: string;
  flags: readonly FlagSpec[];
  /** Lines printed after the flags (what the command writes, what Ctrl-C keeps). */
  notes?: readonly string[];
  /** Library option names that are no flag here, named in words in error messages. */
  names?: Readonly<Record<string, string>>;
}

/** The values a command was given: numbers, strings and number lists (undefined where not given). */
export interface ParsedFlags {
  num: Record<string, number | undefined>;
  str: Record<string, string | undefined>;
  list: Record<string, number[] | undefined>;
}

/** Whether `argv` asks for help: `--help` or `-h` anywhere among the flags. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((a) => a === "--help" || a === "-h");
}

/** A token that starts a flag rather than being a value: `--x`, or `-x` with a letter (not `-1`, `-.5`, `-`). */
function looksLikeFlag(token: string): boolean {
  return token.startsWith("--") || /^-[A-Za-z]/.test(token);
}

/** `Unknown option '--x' for CMD; did you mean '--y'? (accepted: …)`. */
function unknownFlag(spec: CommandSpec, written: string): UsageError {
  const names = spec.flags.map((f) => f.name);
  const bare = written.replace(/^-+/, "");
  const match = closestName(bare, names);
  const hint = match === undefined ? "" : `; did you mean '--${match}'?`;
  const accepted = names.map((n) => `--${n}`).join(", ");
  return new UsageError(
    `Unknown option '${written}' for ${spec.name}${hint} (accepted: ${accepted}; ` +
      `thermolearn ${spec.name} --help explains them)`,
  );
}

/**
 * Parses `argv` by the command's table: `--flag value` or `--flag=value`; a value may start with a
 * dash when it is a number or `-` (stdout), so `--mean -5` and `--json -` work. Numbers and lists are
 * parsed as decimals (errors name the flag); a repeated flag keeps its last value.
 * @throws UsageError for an unknown flag (with the closest known one and the list of all), a flag
 *   without its value, a positional argument or a value that is not a number.
 */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): ParsedFlags {
  const byName = new Map(spec.flags.map((f) => [f.name, f]));
  const raw = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (!looksLikeFlag(token)) {
      throw new UsageError(
        `unexpected argument "${token}" for ${spec.name}: flags are --name value (thermolearn ${spec.name} --help)`,
      );
    }
    const eq = token.indexOf("=");
    const written = eq < 0 ? token : token.slice(0, eq);
    const flag = written.startsWith("--") ? byName.get(written.slice(2)) : undefined;
    if (flag === undefined) throw unknownFlag(spec, written);
    let value: string;
    if (eq >= 0) value = token.slice(eq + 1);
    else if (i + 1 < argv.length && !looksLikeFlag(argv[i + 1])) value = argv[++i];
    else throw new UsageError(`--${flag.name} needs a value: ${helpLine(flag).trim().replace(/\s+/g, " ")}`);
    raw.set(flag.name, value);
  }
  const parsed: ParsedFlags = { num: {}, str: {}, list: {} };
  for (const flag of spec.flags) {
    const text = raw.get(flag.name);
    if (flag.kind === "number") parsed.num[flag.name] = text === undefined ? undefined : parseNumber(flag.name, text);
    else if (flag.kind === "list") parsed.list[flag.name] = parseList(flag.name, text);
    else parsed.str[flag.name] = text;
  }
  return parsed;
}

/**
 * The library options set by the flags that name one (`option`), from the parsed values; a dotted
 * option ("online.n") goes into a nested object. Flags not given are left out (the library's defaults).
 */
export function optionsFromFlags(spec: CommandSpec, parsed: ParsedFlags): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const flag of spec.flags) {
    if (flag.option === undefined) continue;
    const value =
      flag.kind === "number"
        ? parsed.num[flag.name]
        : flag.kind === "list"
          ? parsed.list[flag.name]
          : parsed.str[flag.name];
    if (value === undefined) continue;
    const path = flag.option.split(".");
    let target = options;
    for (const key of path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[path[path.length - 1]] = value;
  }
  return options;
}

/** Library option name → the words of an error message: `--flag` for every flag's option, plus `names`. */
export function flagNames(spec: CommandSpec): Record<string, string> {
  const names: Record<string, string> = { ...spec.names };
  for (const flag of spec.flags) if (flag.option !== undefined) names[flag.option] = `--${flag.name}`;
  return names;
}

/** The placeholder of a flag in the help. */
function meta(flag: FlagSpec): string {
  if (flag.meta !== undefined) return flag.meta;
  if (flag.choices !== undefined) return flag.choices.join("|");
  return flag.kind === "number" ? "X" : flag.kind === "list" ? "A,B,…" : "TEXT";
}

/** The column where the help of each flag starts. */
const HELP_COLUMN = 26;

/** The width the help is wrapped to (a terminal's 100 columns). */
const HELP_WIDTH = 100;

/** `text` broken at spaces into lines of at most `width` characters (a longer word stays whole). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

/**
 * One flag in the help: `--name META   help [unit] (default D)`, the text from column 26, wrapped to
 * 100 columns (a placeholder too long for its column puts the text on the next line).
 */
export function helpLine(flag: FlagSpec): string {
  const left = `  --${flag.name} ${meta(flag)}`;
  const unit = flag.unit === undefined ? "" : ` [${flag.unit}]`;
  const fallback = flag.default === undefined ? "" : ` (default ${flag.default})`;
  const indent = "".padEnd(HELP_COLUMN);
  const pad = left.length <= HELP_COLUMN - 2 ? left.padEnd(HELP_COLUMN) : `${left}\n${indent}`;
  return `${pad}${wrap(`${flag.help}${unit}${fallback}`, HELP_WIDTH - HELP_COLUMN).join(`\n${indent}`)}`;
}

/** The command's `--help`: its summary, usage, every flag with its unit and default, and its notes. */
export function helpText(spec: CommandSpec): string {
  const lines = [
    wrap(`thermolearn ${spec.name}: ${spec.summary}`, HELP_WIDTH).join("\n  "),
    "",
    `usage: thermolearn ${spec.usage ?? `${spec.name} [flags]`}`,
    "",
    "flags:",
    ...spec.flags.map(helpLine),
    "  --help, -h              this help",
  ];
  if (spec.notes !== undefined && spec.notes.length > 0) lines.push("", ...spec.notes);
  if (spec.flags.some((f) => f.meta === "FILE")) {
    lines.push("", "A FILE you name goes into an existing directory (defaults make results/); - is stdout.");
  }
  return lines.join("\n");
}

/** The JSON output flag (`-` writes the JSON to stdout; other messages then go to stderr). */
export function jsonFlag(what = "the results", fallback?: string): FlagSpec {
  return {
    name: "json",
    kind: "string",
    meta: "FILE",
    help: `write ${what} as JSON (-: stdout)`,
    ...(fallback === undefined ? {} : { default: fallback }),
  };
}

/** The SVG output flag (needs the optional packages vega and vega-lite). */
export function svgFlag(what: string, fallback?: string): FlagSpec {
  return {
    name: "svg",
    kind: "string",
    meta: "FILE",
    help: `draw ${what} as SVG (-: stdout; needs vega, vega-lite)`,
    ...(fallback === undefined ? {} : { default: fallback }),
  };
}

/** The seed flag. */
export function seedFlag(help = "integer seed of every random stream"): FlagSpec {
  return { name: "seed", kind: "number", meta: "S", help, default: 0, option: "seed" };
}

/** --rule of the perceptron commands (perceptron, bound, theory …): the learning rule, Hebbian by default. */
export function learningRuleFlag(): FlagSpec {
  return {
    name: "rule",
    kind: "string",
    choices: ["hebbian", "perceptron", "adatron", "alphatron"],
    help: "learning rule",
    default: "hebbian",
    option: "rule",
  };
}

/** --alpha: α of the α-tron rule. */
export function alphaFlag(): FlagSpec {
  return { name: "alpha", kind: "number", meta: "A", help: "α of the α-tron", default: 0.5, option: "alpha" };
}

/** --rule of the Hopfield commands: the storage rule, Hebbian by default. */
export function storageRuleFlag(): FlagSpec {
  return {
    name: "rule",
    kind: "string",
    choices: ["hebbian", "storkey", "pseudoinverse"],
    help: "storage rule",
    default: "hebbian",
    option: "rule",
  };
}

/** The worker-threads flag of the figures. */
export function workersFlag(): FlagSpec {
  return {
    name: "workers",
    kind: "number",
    meta: "W",
    help: "worker threads",
    default: "one per core",
    option: "workers",
  };
}
