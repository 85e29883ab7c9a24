/** The package version, written into every result file. Keep in step with package.json (a test checks). */
export const VERSION = "0.2.0";
