// The main entry `thermolearn` is browser-safe (issue #10): bundling it for the browser with esbuild,
// with no externals, must succeed, and no `node:` module may be reachable from it. The Node-only
// entries (`thermolearn/mnist`, `thermolearn/node`) are checked the other way: they do reach `node:`.
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
    expect(bytes).toBeGreaterThan(100_000); // both wasm builds are inlined (≈ 2 × 80 KB of base64)
  }, 60_000);

  it("the check can fail: a Node-only entry does not bundle for the browser", async () => {
    const { errors } = await browserBundle("src/node/index.ts");
    expect(errors.join("\n")).toMatch(/node:/);
  }, 60_000);
});
