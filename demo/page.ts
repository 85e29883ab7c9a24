/**
 * The page kit shared by the demo pages (demo/main.ts, hopfield.ts, memory.ts, eqprop.ts) and their
 * workers: looking up an element and reading a number input (pages only), and an error as a worker
 * posts it and as a page shows it.
 */

/** An error as a worker posts it to its page (structured cloning keeps only the standard errors' names). */
export interface ErrorReply {
  name: string;
  message: string;
}

/** The element with id `id`, typed as `T` (the pages' ids are fixed in their HTML). */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

/** A number input's value; an empty field gives NaN so the library's check names the option. */
export function num(id: string): number {
  const text = (document.getElementById(id) as HTMLInputElement).value.trim();
  return text === "" ? NaN : Number(text);
}

/** `error` as a worker posts it: an Error's name and message, anything else as an "Error" with its text. */
export function errorReply(error: unknown): ErrorReply {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: "Error", message: String(error) };
}

/**
 * `error` as the pages show it: "RangeError: n must be …" for an Error or an {@link ErrorReply}
 * (e.g. a worker's error message), anything else (a page's own message) as its text.
 */
export function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  const e = error as Partial<ErrorReply> | null;
  if (typeof e?.name === "string" && typeof e.message === "string") return `${e.name}: ${e.message}`;
  return String(error);
}

/** The `onError` of a chart scheduler (live-chart.ts `throttled`): shows "chart: " and the error through `show`. */
export function chartError(show: (message: string) => void): (error: unknown) => void {
  return (error) => show(`chart: ${errorText(error)}`);
}

/**
 * A page's `showError`: shows `error` (an Error, a worker's {@link ErrorReply} or a message, as
 * {@link errorText} words it) in the element `box`; null empties and hides the box. `onChange` then
 * receives the message shown (null when hidden), e.g. to record it in the page's test hook.
 */
export function errorDisplay(
  box: HTMLElement,
  onChange: (message: string | null) => void = () => {},
): (error: unknown) => void {
  return (error) => {
    const message = error === null ? null : errorText(error);
    box.textContent = message ?? "";
    box.hidden = message === null;
    onChange(message);
  };
}
