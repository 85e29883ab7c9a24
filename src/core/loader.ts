/**
 * Loading the wasm: one compiled `WebAssembly.Module` per backend, cached; a fresh instance (with its
 * own memory) for every simulation object. Works in Node ≥ 20, browsers and workers: both binaries
 * are JavaScript modules holding base64 (scripts/build-wasm.mjs), so there is no .wasm file to serve.
 * The SIMD build is imported statically (src/core/binaries.generated.ts). The scalar build
 * (src/core/binaries.scalar.generated.ts, ≈ 72 kB of base64) is reached only through a dynamic
 * `import()`, by {@link init} where the engine has no wasm SIMD or `backend: "scalar"` is asked for, so
 * bundlers emit it as a chunk of its own that a SIMD engine never fetches. The synchronous paths
 * ({@link initSync}, the model constructors) cannot import it: they throw
 * {@link ScalarBuildNotLoadedError} until an `await init(…)` has loaded it.
 */
import { simdBase64 } from "./binaries.generated.js";
import type { ThermolearnExports } from "./abi.js";

/** Which build runs the hot loops: the SIMD build (128-bit wasm SIMD) or its scalar twin. */
export type Backend = "simd" | "scalar";

const modules: Partial<Record<Backend, WebAssembly.Module>> = {};
const byteCache: Partial<Record<Backend, Uint8Array>> = {};
let preferred: Backend | undefined;

/**
 * Thrown when the environment has no WebAssembly at all.
 * @example
 * ```ts
 * import { WebAssemblyUnavailableError, init } from "thermolearn";
 * try {
 *   await init();
 * } catch (error) {
 *   if (error instanceof WebAssemblyUnavailableError) console.log("this runtime has no WebAssembly");
 *   else throw error;
 * }
 * ```
 */
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

/**
 * Thrown by the synchronous paths ({@link initSync}, the constructors, {@link currentBackend}) when they
 * need the scalar build before an `await init(…)` has loaded it: that build is a separate module,
 * fetched only where it is needed, and a module cannot be imported synchronously.
 * @example
 * ```ts
 * import { Rng, ScalarBuildNotLoadedError, init } from "thermolearn";
 * try {
 *   new Rng({ backend: "scalar" }).dispose(); // synchronous: the scalar build may not be loaded yet
 * } catch (error) {
 *   if (!(error instanceof ScalarBuildNotLoadedError)) throw error;
 *   await init({ backend: "scalar" }); // loads it; from now on the synchronous paths can use it
 *   new Rng({ backend: "scalar" }).dispose();
 * }
 * ```
 */
export class ScalarBuildNotLoadedError extends Error {
  constructor(why: string) {
    super(
      `${why}, and the scalar build is not loaded yet: it is a separate module that loads asynchronously. ` +
        'Call `await init({ backend: "scalar" })` first (or `await init()`, which picks it where SIMD is missing)',
    );
    this.name = "ScalarBuildNotLoadedError";
  }
}

function decodeBase64(text: string): Uint8Array {
  // atob skips ASCII whitespace, so the line breaks of the scalar module's text are harmless.
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The scalar build's base64 once {@link loadScalar} has imported it. */
let scalarBase64: string | undefined;
let scalarLoading: Promise<void> | undefined;

/**
 * Imports the scalar build's module (once; a failed import, e.g. a network error, may be retried).
 * The specifier is a literal, so that every bundler sees the `import()` and splits the module out.
 */
function loadScalar(): Promise<void> {
  return (scalarLoading ??= import("./binaries.scalar.generated.js").then(
    (module) => {
      scalarBase64 = module.scalarBase64;
    },
    (error: unknown) => {
      scalarLoading = undefined;
      throw error;
    },
  ));
}

/**
 * The raw bytes of a build (decoded once).
 * @throws ScalarBuildNotLoadedError for "scalar" before an `await init(…)` loaded it.
 */
export function wasmBytes(backend: Backend): Uint8Array {
  if (backend === "simd") return (byteCache.simd ??= decodeBase64(simdBase64));
  if (scalarBase64 === undefined) throw new ScalarBuildNotLoadedError('backend "scalar" is needed');
  return (byteCache.scalar ??= decodeBase64(scalarBase64));
}

let simdValid: boolean | undefined;

/**
 * Whether this engine accepts the SIMD build. It validates the real binary, not a probe, once per
 * process: validating on every call cost ~176 µs and kept ~1.7 KB per call that GC never freed.
 * @example
 * ```ts
 * import { simdSupported } from "thermolearn";
 * console.log(simdSupported()); // true on Node 20 and current browsers
 * ```
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

/** Loads (the scalar build's module, if needed) and compiles `backend` asynchronously, once. */
async function compile(backend: Backend): Promise<void> {
  if (backend === "scalar") await loadScalar();
  modules[backend] ??= await WebAssembly.compile(wasmBytes(backend) as BufferSource);
}

/**
 * Compiles the chosen build asynchronously and makes it the default backend. Call once before using
 * thermolearn in a browser's main thread (engines refuse large synchronous compiles there). Where the
 * scalar build is chosen (no wasm SIMD, or `backend: "scalar"`), this first imports its module, which
 * is a separate file in a bundle: after that, the synchronous paths can use it too.
 * @returns the backend now in use.
 * @throws WebAssemblyUnavailableError if there is no WebAssembly; TypeError/RangeError for a bad `backend`.
 * @example
 * ```ts
 * import { init } from "thermolearn";
 * console.log(await init()); // "simd" (or "scalar" where wasm SIMD is missing)
 * ```
 */
export async function init(options: InitOptions = {}): Promise<Backend> {
  const backend = chooseBackend(options);
  await compile(backend);
  preferred = backend;
  return backend;
}

/**
 * Loads and compiles `backend` without making it the default, so that objects created later with
 * `{ backend }` can be built synchronously: `await preload("scalar")` makes the scalar build available
 * to every synchronous path while new objects keep the default build. (Test set-ups use it.)
 * @throws WebAssemblyUnavailableError if there is no WebAssembly; TypeError/RangeError for a bad `backend`.
 * @example
 * import { preload } from "thermolearn";
 * await preload("scalar");
 */
export async function preload(backend: Backend): Promise<void> {
  requireWebAssembly();
  // checkBackend lets undefined through (it means "the default" elsewhere); here a build must be named.
  await compile(checkBackend(backend ?? null) as Backend);
}

/**
 * Synchronous {@link init}: fine in Node and in workers. Called implicitly by every constructor that
 * needs wasm when neither init function ran.
 * @throws ScalarBuildNotLoadedError where the scalar build is chosen (no wasm SIMD, or `backend: "scalar"`)
 * and no `await init(…)` has loaded it yet.
 * @example
 * ```ts
 * import { initSync } from "thermolearn";
 * console.log(initSync()); // "simd" where wasm SIMD is available
 * ```
 */
export function initSync(options: InitOptions = {}): Backend {
  const backend = chooseBackend(options);
  modules[backend] ??= new WebAssembly.Module(
    scalarOrSimdBytes(backend, options.backend !== undefined) as BufferSource,
  );
  preferred = backend;
  return backend;
}

/** {@link wasmBytes}, with an error that says why the scalar build was wanted. */
function scalarOrSimdBytes(backend: Backend, asked = true): Uint8Array {
  if (backend === "scalar" && scalarBase64 === undefined) {
    throw new ScalarBuildNotLoadedError(
      asked
        ? 'backend "scalar" was asked for'
        : "this engine does not support WebAssembly SIMD, so thermolearn runs its scalar build",
    );
  }
  return wasmBytes(backend);
}

/**
 * The backend new objects get when they do not ask for one (initialising synchronously if needed).
 * @example
 * ```ts
 * import { currentBackend, init } from "thermolearn";
 * await init();
 * console.log(currentBackend()); // the build models use by default: "simd" or "scalar"
 * ```
 */
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
  const module = (modules[chosen] ??= new WebAssembly.Module(scalarOrSimdBytes(chosen) as BufferSource));
  // The modules import nothing (stub runtime, raw pointers), so a plain instance is all it takes.
  const instance = new WebAssembly.Instance(module, {});
  return { exports: instance.exports as unknown as ThermolearnExports, backend: chosen };
}
