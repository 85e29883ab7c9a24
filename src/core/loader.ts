/**
 * Loading the wasm: one compiled `WebAssembly.Module` per backend, cached; a fresh instance (with its
 * own memory) for every simulation object. Works in Node ≥ 20, browsers and workers: both binaries
 * are inlined (src/core/binaries.generated.ts), so there is no file to fetch or serve.
 */
import { scalarBase64, simdBase64 } from "./binaries.generated.js";
import type { ThermolearnExports } from "./abi.js";

/** Which build runs the hot loops: the SIMD build (128-bit wasm SIMD) or its scalar twin. */
export type Backend = "simd" | "scalar";

const modules: Partial<Record<Backend, WebAssembly.Module>> = {};
const byteCache: Partial<Record<Backend, Uint8Array>> = {};
let preferred: Backend | undefined;

/** Thrown when the environment has no WebAssembly at all. */
export class WebAssemblyUnavailableError extends Error {
  constructor() {
    super(
      "thermolearn needs WebAssembly, and this environment does not provide it (globalThis.WebAssembly is undefined)",
    );
    this.name = "WebAssemblyUnavailableError";
  }
}

function requireWebAssembly(): void {
  if (typeof globalThis.WebAssembly === "undefined") throw new WebAssemblyUnavailableError();
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The raw bytes of a build (decoded once). */
export function wasmBytes(backend: Backend): Uint8Array {
  return (byteCache[backend] ??= decodeBase64(backend === "simd" ? simdBase64 : scalarBase64));
}

let simdValid: boolean | undefined;

/**
 * Whether this engine accepts the SIMD build. It validates the real binary, not a probe, once per
 * process: validating on every call cost ~176 µs and kept ~1.7 KB per call that GC never freed.
 */
export function simdSupported(): boolean {
  requireWebAssembly();
  return (simdValid ??= WebAssembly.validate(wasmBytes("simd") as BufferSource));
}

function checkBackend(backend: unknown): Backend | undefined {
  if (backend === undefined) return undefined;
  if (backend !== "simd" && backend !== "scalar") {
    throw new TypeError(
      `backend must be "simd" or "scalar", got ` +
        `${typeof backend === "string" ? JSON.stringify(backend) : typeof backend}`,
    );
  }
  if (backend === "simd" && !simdSupported()) {
    throw new RangeError('backend "simd" was requested, but this engine does not support WebAssembly SIMD');
  }
  return backend;
}

/** Options of {@link init} and {@link initSync}. */
export interface InitOptions {
  /** Force a build. Default: "simd" where the engine supports it, else "scalar". */
  backend?: Backend;
}

function chooseBackend(options: InitOptions = {}): Backend {
  requireWebAssembly();
  return checkBackend(options.backend) ?? (simdSupported() ? "simd" : "scalar");
}

/**
 * Compiles the chosen build asynchronously and makes it the default backend. Call once before using
 * thermolearn in a browser's main thread (engines refuse large synchronous compiles there).
 * @returns the backend now in use.
 * @throws WebAssemblyUnavailableError if there is no WebAssembly; TypeError/RangeError for a bad `backend`.
 * @example
 * import { init } from "thermolearn";
 * await init(); // "simd" or "scalar"
 */
export async function init(options: InitOptions = {}): Promise<Backend> {
  const backend = chooseBackend(options);
  modules[backend] ??= await WebAssembly.compile(wasmBytes(backend) as BufferSource);
  preferred = backend;
  return backend;
}

/**
 * Synchronous {@link init}: fine in Node and in workers. Called implicitly by every constructor that
 * needs wasm when neither init function ran.
 */
export function initSync(options: InitOptions = {}): Backend {
  const backend = chooseBackend(options);
  modules[backend] ??= new WebAssembly.Module(wasmBytes(backend) as BufferSource);
  preferred = backend;
  return backend;
}

/** The backend new objects get when they do not ask for one (initialising synchronously if needed). */
export function currentBackend(): Backend {
  return preferred ?? initSync();
}

/**
 * A new module instance with its own memory. `backend` defaults to {@link currentBackend}.
 * @internal used by the model classes.
 */
export function instantiate(backend?: Backend): { exports: ThermolearnExports; backend: Backend } {
  requireWebAssembly();
  const chosen = checkBackend(backend) ?? currentBackend();
  const module = (modules[chosen] ??= new WebAssembly.Module(wasmBytes(chosen) as BufferSource));
  // The modules import nothing (stub runtime, raw pointers), so a plain instance is all it takes.
  const instance = new WebAssembly.Instance(module, {});
  return { exports: instance.exports as unknown as ThermolearnExports, backend: chosen };
}
