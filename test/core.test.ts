import { existsSync, readFileSync } from "node:fs";
import { describe, it, expect, afterEach } from "vitest";
import {
  init,
  initSync,
  simdSupported,
  currentBackend,
  WebAssemblyUnavailableError,
  Perceptron,
  Rng,
} from "../src/index.js";
import { WasmInstance } from "../src/core/instance.js";
import { MAX_MEMORY_BYTES, type ThermolearnExports } from "../src/core/abi.js";
import { wasmBytes } from "../src/core/loader.js";
import { instantiateSync } from "@assemblyscript/loader";

describe("loading", () => {
  afterEach(() => initSync({ backend: "simd" }));

  it("Node 20 supports the SIMD build and init picks it", async () => {
    expect(simdSupported()).toBe(true);
    expect(await init()).toBe("simd");
    expect(currentBackend()).toBe("simd");
  });

  it("initSync can force the scalar build for every later object", () => {
    expect(initSync({ backend: "scalar" })).toBe("scalar");
    const sim = new Perceptron({ n: 10 });
    expect(sim.backend).toBe("scalar");
    sim.dispose();
  });

  it("the binaries import nothing, so they also load through @assemblyscript/loader with the same results", () => {
    // thermolearn instantiates with a plain `new WebAssembly.Instance(module, {})`; a user who drives the
    // raw exports through AssemblyScript's loader gets the same module: same exports, same numbers.
    for (const backend of ["simd", "scalar"] as const) {
      const module = new WebAssembly.Module(wasmBytes(backend) as BufferSource);
      expect(WebAssembly.Module.imports(module)).toEqual([]);
      const viaLoader = instantiateSync<Record<string, unknown>>(module, {}).exports as unknown as ThermolearnExports;
      const plain = new WasmInstance("test", backend);
      const dot = (e: ThermolearnExports, f64: Float64Array) => {
        const a = e.alloc(8 * 64),
          b = e.alloc(8 * 64);
        for (let i = 0; i < 64; i++) {
          f64[(a >> 3) + i] = Math.sin(i);
          f64[(b >> 3) + i] = Math.cos(3 * i);
        }
        return e.dot_f64(a, b, 64);
      };
      const expected = dot(plain.exports, plain.f64);
      expect(dot(viaLoader, new Float64Array(viaLoader.memory.buffer))).toBe(expected);
      expect(expected).not.toBe(0);
      plain.dispose();
    }
  });

  it("each build reports what it is", () => {
    for (const backend of ["simd", "scalar"] as const) {
      const wasm = new WasmInstance("test", backend);
      expect(wasm.exports.simd_enabled()).toBe(backend === "simd" ? 1 : 0);
      wasm.dispose();
    }
  });

  it("a bad backend is a TypeError naming the option", async () => {
    expect(() => initSync({ backend: "gpu" as never })).toThrow(/backend must be "simd" or "scalar"/);
    await expect(init({ backend: "wasm64" as never })).rejects.toThrow(TypeError);
  });

  it("a missing WebAssembly gives a clear error, not a ReferenceError", async () => {
    const saved = globalThis.WebAssembly;
    try {
      // Simulate an engine without WebAssembly (e.g. some locked-down browsers).
      (globalThis as { WebAssembly?: unknown }).WebAssembly = undefined;
      await expect(init()).rejects.toThrow(WebAssemblyUnavailableError);
      expect(() => new Rng({ seed: 1 })).toThrow(/needs WebAssembly/);
    } finally {
      globalThis.WebAssembly = saved;
    }
  });
});

describe("wasm memory", () => {
  it("views are re-created after memory growth", () => {
    const wasm = new WasmInstance("test", "simd");
    const before = wasm.f64;
    const address = wasm.alloc(8, "x");
    wasm.f64[address >> 3] = 1.5;
    wasm.alloc(16 * 2 ** 20, "big block"); // grows memory, detaching `before`
    expect(before.byteLength).toBe(0);
    expect(wasm.f64.length).toBeGreaterThan(2 * 2 ** 20);
    expect(wasm.f64[address >> 3]).toBe(1.5);
    wasm.dispose();
  });

  it("allocation past the maximum is a RangeError naming what asked, checked before wasm traps", () => {
    const wasm = new WasmInstance("test", "simd");
    expect(() => wasm.alloc(MAX_MEMORY_BYTES, "the weights")).toThrow(/the weights needs 2\.00 GiB/);
    wasm.dispose();
  });
});

describe("the bundle", () => {
  it("dist/thermolearn.js (ESM, wasm inlined, shared code in dist/chunks/) runs in Node", async () => {
    const path = "../dist/thermolearn.js";
    const bundle = await import(/* @vite-ignore */ path);
    const r = bundle.runPerceptron({ n: 200, steps: 100, seed: 1 });
    expect(r.status).toBe("completed");
    expect(r.epsilon.length).toBe(101);
    expect(r.version).toBe(bundle.VERSION);
  });

  it("the other entries load from dist/ and export what package.json promises", async () => {
    const load = (file: string) => import(/* @vite-ignore */ `../dist/${file}`);
    const plot = await load("plot.js");
    expect(typeof plot.lineChartSpec).toBe("function");
    const mnist = await load("mnist.js");
    expect(typeof mnist.loadMnist).toBe("function");
    const node = await load("node.js");
    expect(typeof node.runPool).toBe("function");
    expect(typeof node.ProgressBar).toBe("function");
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    for (const [entry, target] of Object.entries(
      pkg.exports as Record<string, { import?: string; default?: string; types?: string }>,
    )) {
      if (typeof target === "string") continue;
      expect(existsSync(new URL(`../${target.import ?? target.default}`, import.meta.url)), entry).toBe(true);
      expect(existsSync(new URL(`../${target.types}`, import.meta.url)), `${entry} types`).toBe(true);
    }
    expect(pkg.dependencies ?? {}).toEqual({}); // no runtime dependency (issue #10)
  });
});
