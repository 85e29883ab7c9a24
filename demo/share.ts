/**
 * Shareable runs for the demo pages: the page's parameters and seed kept in the URL hash (so a pasted
 * link reproduces the run), and the run's results saved as a file.
 *
 * The hash is `#key=value&key=value` (URLSearchParams). On load a page reads it with {@link readLink}:
 * every field named in it is checked as the library checks an option (a number must be finite, then the
 * field's own check, e.g. `check.integer("n", v, 1, …)`; a select's value must be one of its options; a
 * checkbox "1" or "0") and put into the form; a field the hash leaves out, or gives a bad value, gets the
 * form's default (the HTML's `value`, `selected`, `checked`), and each bad value or unknown key is listed in
 * a visible message. The page then runs. On every change it rewrites the hash with {@link LinkWriter}
 * (history.replaceState, at most every 150 ms: Chromium refuses more than ~200 history calls in 10 s).
 *
 * Results are saved with {@link download} as JSON, columnar like the library's results (`version`,
 * `config`, `backend`, `status`, then arrays), through {@link toJSON}: typed arrays become arrays and
 * non-finite numbers null.
 */
import { errorText } from "./page.js";

/**
 * One form field kept in the hash: the element with id `id` (a number input, a select or a checkbox),
 * under the key `key` (default: the id). `check(value)` validates a number as the library validates
 * the option and throws a TypeError/RangeError naming it (e.g. `(v) => check.integer("n", v, 1, MAX_N)`).
 */
export interface LinkField {
  id: string;
  key?: string;
  check?: (value: number) => unknown;
}

/** What {@link readLink} found in the hash. */
export interface LinkRead {
  /** Whether the hash held any parameter (a link to a run, rather than the bare page). */
  present: boolean;
  /** The keys it set, in the fields' order. */
  applied: string[];
  /** One message per value it could not use (the field then has its default) and per unknown key. */
  problems: string[];
  /** The hash's keys that are not fields (the page may read them itself, e.g. a pattern). */
  extra: URLSearchParams;
}

const keyOf = (f: LinkField) => f.key ?? f.id;
const element = (f: LinkField) => document.getElementById(f.id) as HTMLInputElement | HTMLSelectElement;

/** The form's default of `el`: its HTML value, its option marked `selected` (else the first), its `checked`. */
function defaultOf(el: HTMLInputElement | HTMLSelectElement): string {
  if (el instanceof HTMLSelectElement) {
    const chosen = Array.from(el.options).find((o) => o.defaultSelected) ?? el.options[0];
    return chosen?.value ?? "";
  }
  if (el.type === "checkbox") return el.defaultChecked ? "1" : "0";
  return el.defaultValue;
}

/** The value of `el` as the hash writes it: a checkbox as "1" or "0", anything else as its text. */
function fieldValue(el: HTMLInputElement | HTMLSelectElement): string {
  return el instanceof HTMLInputElement && el.type === "checkbox" ? (el.checked ? "1" : "0") : el.value.trim();
}

/** Sets `el` to the hash text `text` (a checkbox from "1"/"0"). */
function setValue(el: HTMLInputElement | HTMLSelectElement, text: string): void {
  if (el instanceof HTMLInputElement && el.type === "checkbox") el.checked = text === "1";
  else el.value = text;
}

/**
 * `text` checked for field `f`: undefined when usable, else why not (the library's words where a
 * check is given, e.g. "RangeError: n must be in [1, 16777216], got 0").
 */
function problemOf(f: LinkField, el: HTMLInputElement | HTMLSelectElement, text: string): string | undefined {
  const name = keyOf(f);
  if (el instanceof HTMLSelectElement) {
    const allowed = Array.from(el.options, (o) => o.value);
    return allowed.includes(text)
      ? undefined
      : `TypeError: ${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`;
  }
  if (el.type === "checkbox") return text === "1" || text === "0" ? undefined : `TypeError: ${name} must be 1 or 0`;
  const value = text === "" ? NaN : Number(text);
  if (!Number.isFinite(value)) return `TypeError: ${name} must be a finite number`;
  try {
    f.check?.(value);
    return undefined;
  } catch (e) {
    return errorText(e);
  }
}

/** The hash's parameters (without the leading "#"). */
export function hashParams(hash = location.hash): URLSearchParams {
  return new URLSearchParams(hash.replace(/^#/, ""));
}

/**
 * Reads the hash into the form (see the module comment): each field gets the hash's value if it is
 * usable, else the form's default. Fires `input` and `change` on every field it set, so the page's own
 * listeners (slider read-outs, fields shown or disabled) follow.
 */
export function readLink(fields: LinkField[], hash = location.hash): LinkRead {
  const params = hashParams(hash);
  const known = new Set(fields.map(keyOf));
  const problems: string[] = [];
  const applied: string[] = [];
  for (const f of fields) {
    const el = element(f);
    const text = params.get(keyOf(f));
    let value = defaultOf(el);
    if (text !== null) {
      const problem = problemOf(f, el, text.trim());
      if (problem === undefined) {
        value = text.trim();
        applied.push(keyOf(f));
      } else {
        problems.push(`${keyOf(f)} = ${JSON.stringify(text)}: ${problem}; the default ${value} is used`);
      }
    }
    setValue(el, value);
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }
  const extra = new URLSearchParams();
  for (const [key, value] of params) if (!known.has(key)) extra.append(key, value);
  return { present: [...params.keys()].length > 0, applied, problems, extra };
}

/** The fields' current values as hash parameters, in the fields' order. */
export function linkParams(fields: LinkField[]): URLSearchParams {
  const params = new URLSearchParams();
  for (const f of fields) params.set(keyOf(f), fieldValue(element(f)));
  return params;
}

/**
 * Keeps the hash equal to the form: `schedule()` rewrites it within 150 ms (coalescing bursts such as a
 * drag), `flush()` at once (e.g. when a run starts). `extra()` adds page-specific parameters after the
 * fields (a grid state, stored patterns). Uses history.replaceState, so no history entry and no
 * `hashchange` event.
 */
export class LinkWriter {
  #timer: ReturnType<typeof setTimeout> | null = null;
  constructor(
    readonly fields: LinkField[],
    readonly extra: () => [string, string][] = () => [],
  ) {}

  /** The hash the form stands for now, with the leading "#". */
  hash(): string {
    const params = linkParams(this.fields);
    for (const [key, value] of this.extra()) params.append(key, value);
    return `#${params.toString()}`;
  }

  schedule(): void {
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => this.flush(), 150);
  }

  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const hash = this.hash();
    if (hash !== location.hash) history.replaceState(history.state, "", hash);
  }

  /**
   * Rewrites the hash after every input or change event on the page (they bubble to the document), so
   * that a field set through its slider or its page's code followed by an event is caught too.
   */
  watch(): void {
    document.addEventListener("input", () => this.schedule());
    document.addEventListener("change", () => this.schedule());
  }
}

/**
 * Shows the problems {@link readLink} found in the box `box` (hidden when there are none), e.g.
 * "This link's values could not all be used: n = "abc": TypeError: n must be a finite number; the default
 * 1000 is used".
 */
export function showLinkProblems(box: HTMLElement, problems: string[]): void {
  box.hidden = problems.length === 0;
  box.textContent = problems.length === 0 ? "" : `This link's values could not all be used: ${problems.join(" · ")}`;
}

/**
 * A copy of `value` that JSON can hold as the library's results mean it: typed arrays as arrays, and
 * NaN and ±∞ as null (JSON.stringify would write NaN as null too, but inside a typed array it writes an
 * object with index keys).
 */
export function toJSON(value: unknown): unknown {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>, (x) => toJSON(Number(x)));
  }
  if (Array.isArray(value)) return value.map(toJSON);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined && typeof v !== "function") out[k] = toJSON(v);
    return out;
  }
  return value;
}

/** Offers `data` (text or bytes) as a file named `name` to download. */
export function download(name: string, data: string | Uint8Array, type = "application/json"): void {
  const blob = new Blob([data as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `results` as pretty JSON (see {@link toJSON}), offered as `name`. */
export function downloadJSON(name: string, results: object): void {
  download(name, `${JSON.stringify(toJSON(results), null, 1)}\n`);
}

/** A file name for a page's download: "thermolearn-<page>-<what>.<ext>". */
export function fileName(page: string, what: string, ext = "json"): string {
  return `thermolearn-${page}-${what}.${ext}`;
}

/**
 * Reloads the page when the user edits or pastes a different hash into the address bar of an open page
 * (a `hashchange` event; the page's own history.replaceState fires none), so that link's run starts.
 */
export function reloadOnHashChange(): void {
  window.addEventListener("hashchange", () => location.reload());
}
