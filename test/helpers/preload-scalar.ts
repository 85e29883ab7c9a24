/**
 * vitest set-up file (vitest.config.ts `setupFiles`): loads the scalar build before every test file.
 * That build is a separate module which only `await init(…)`/`await preload(…)` can import
 * (src/core/loader.ts); the tests build scalar twins synchronously (`new X({ backend: "scalar" })`)
 * everywhere, as a program that preloaded it would. The default backend stays unset (the SIMD build,
 * chosen on first use), so the tests of the default still see it.
 */
import { preload } from "../../src/core/loader.js";

await preload("scalar");
