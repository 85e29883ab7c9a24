// `npm run bench [-- --quick | --only compare|suites|eqprop|langevin|<suite>]`: makes sure the Python peers
// can import threadpoolctl (to report the BLAS kernel they ran), bundles bench/index.ts with rollup (benny
// stays external), then runs it.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..");
/** Folder the peers get on PYTHONPATH (bench/harness.ts peerEnv): holds only threadpoolctl.py, if linked. */
const pyDir = join(root, "build", "bench", "python");
/** Where Debian's python3-threadpoolctl puts its one module. */
const debianModule = "/usr/lib/python3/dist-packages/threadpoolctl.py";

/** Whether `python3` imports threadpoolctl with `pyDir` on its path (false also when python3 is missing). */
function importsThreadpoolctl() {
  const env = { ...process.env, PYTHONPATH: [pyDir, process.env.PYTHONPATH].filter(Boolean).join(":") };
  return spawnSync("python3", ["-c", "import threadpoolctl"], { env, stdio: "ignore" }).status === 0;
}

/**
 * threadpoolctl for the peers. PyPI is not reachable from this machine, Debian's apt is: install
 * python3-threadpoolctl (after `apt-get update` if the first try fails), then, because `python3` may be
 * another interpreter (pyenv) that does not read /usr/lib/python3/dist-packages, link that one
 * pure-Python module alone into `pyDir` (the rest of Debian's dist-packages, e.g. an older numpy, stays
 * out of the peers' path). On failure the peers still report their BLAS, asked through ctypes
 * (bench/peers/peer_common.py blas_info).
 */
function ensureThreadpoolctl() {
  if (importsThreadpoolctl()) return;
  if (!existsSync(debianModule)) {
    console.log("bench: python3 cannot import threadpoolctl; installing Debian's python3-threadpoolctl");
    const apt = (...args) => spawnSync("apt-get", args, { stdio: "inherit" }).status === 0;
    const install = () => apt("install", "-y", "--no-install-recommends", "python3-threadpoolctl");
    if (!install() && !(apt("update") && install()))
      console.warn("bench: apt-get could not install python3-threadpoolctl");
  }
  if (existsSync(debianModule)) {
    mkdirSync(pyDir, { recursive: true });
    rmSync(join(pyDir, "threadpoolctl.py"), { force: true });
    symlinkSync(debianModule, join(pyDir, "threadpoolctl.py"));
  }
  if (!importsThreadpoolctl())
    console.warn("bench: no threadpoolctl; the peers report their BLAS through ctypes instead");
}

ensureThreadpoolctl();
execFileSync(
  process.execPath,
  [join(root, "node_modules", "rollup", "dist", "bin", "rollup"), "-c", "rollup.bench.config.mjs", "--silent"],
  { cwd: root, stdio: "inherit" },
);
execFileSync(process.execPath, [join(root, "build", "bench", "index.js"), ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
