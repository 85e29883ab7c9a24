// The main entry `thermolearn` is browser-safe (issue #10): bundling it for the browser with esbuild,
// with no externals, must succeed, and no `node:` module may be reachable from it. The Node-only
// entries (`thermolearn/mnist`, `thermolearn/node`) are checked the other way: they do reach `node:`.
// With code splitting, the scalar wasm build lands in a chunk of its own (issue #13).
import { describe, expect, it } from "vitest";
import { build, type Metafile } from "esbuild";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");

/** Bundles `entry` for the browser; returns the errors (as text) and the inputs esbuild reached. */
async function browserBundle(entry: string): Promise<{ errors: string[]; inputs: string[]; bytes: number }> {
  try {
    const result = await build({
      entryPoints: [join(root, entry)],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const metafile = result.metafile as Metafile;
    return { errors: [], inputs: Object.keys(metafile.inputs), bytes: result.outputFiles[0].contents.length };
  } catch (error) {
    const errors = (error as { errors?: { text: string }[] }).errors ?? [{ text: String(error) }];
    return { errors: errors.map((e) => e.text), inputs: [], bytes: 0 };
  }
}

describe("browser bundle of the main entry", () => {
  it("src/index.ts bundles for the browser with esbuild, no externals, and reaches no node: module", async () => {
    const { errors, inputs, bytes } = await browserBundle("src/index.ts");
    expect(errors).toEqual([]);
    expect(
      inputs.filter(
        (path) => path.startsWith("node:") || path.includes("/src/node/") || path.includes("/src/data/mnist"),
      ),
    ).toEqual([]);
    expect(inputs.some((path) => path.endsWith("src/core/loader.ts"))).toBe(true); // it did bundle the library
    // esbuild without `splitting` inlines dynamic imports too: both wasm builds (≈ 88 + 72 kB of base64).
    expect(bytes).toBeGreaterThan(100_000);
  }, 60_000);

  it("with code splitting, the scalar wasm build is a chunk of its own, outside the entry's", async () => {
    // src/core/loader.ts reaches src/core/binaries.scalar.generated.ts only through import(), so a
    // bundler that splits puts it in a separate file that a SIMD engine never fetches.
    const result = await build({
      entryPoints: [join(root, "src/index.ts")],
      bundle: true,
      platform: "browser",
      format: "esm",
      splitting: true,
      outdir: join(root, "build/bundle-test"), // nothing is written (write: false): it names the outputs
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const outputs = Object.entries((result.metafile as Metafile).outputs);
    const holding = (input: string) =>
      outputs.filter(([, output]) => Object.keys(output.inputs).some((path) => path.endsWith(input)));
    const entry = outputs.filter(([, output]) => output.entryPoint?.endsWith("src/index.ts"));
    expect(entry.length).toBe(1);
    const scalar = holding("src/core/binaries.scalar.generated.ts");
    expect(scalar.length).toBe(1);
    expect(scalar[0][0]).not.toBe(entry[0][0]);
    // The entry reaches the scalar chunk only dynamically.
    const imports = entry[0][1].imports;
    expect(imports.some((i) => i.path === scalar[0][0] && i.kind === "dynamic-import")).toBe(true);
    expect(imports.some((i) => i.path === scalar[0][0] && i.kind === "import-statement")).toBe(false);
    // The SIMD build stays reachable synchronously: in the entry or in a chunk it imports statically.
    const simd = holding("src/core/binaries.generated.ts").map(([path]) => path);
    const staticallyReached = (path: string) =>
      path === entry[0][0] || imports.some((i) => i.path === path && i.kind === "import-statement");
    expect(simd.some(staticallyReached)).toBe(true);
  }, 60_000);

  it("the check can fail: a Node-only entry does not bundle for the browser", async () => {
    const { errors } = await browserBundle("src/node/index.ts");
    expect(errors.join("\n")).toMatch(/node:/);
  }, 60_000);
});
