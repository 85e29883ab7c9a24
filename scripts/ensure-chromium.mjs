// The browser tests drive Debian's Chromium through playwright-core (playwright's own browser
// downloads cannot reach their servers here). This installs it with apt when it is missing and we
// are root; otherwise it says what to do. Run by `npm test` (pretest) and by .ci/run.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

if (existsSync(CHROMIUM)) process.exit(0);
if (process.env.THERMOLEARN_SKIP_BROWSER === "1") {
  console.warn("ensure-chromium: THERMOLEARN_SKIP_BROWSER=1, the browser tests will be skipped");
  process.exit(0);
}
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
if (!isRoot || !existsSync("/usr/bin/apt-get")) {
  console.error(
    `ensure-chromium: ${CHROMIUM} is missing. Install Chromium (Debian: sudo apt-get install -y chromium), ` +
      "set CHROMIUM_PATH to another Chromium, or set THERMOLEARN_SKIP_BROWSER=1 to skip the browser tests.",
  );
  process.exit(1);
}
console.log("ensure-chromium: installing Debian's chromium for the browser tests (apt-get)…");
execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium", { stdio: "inherit" });
