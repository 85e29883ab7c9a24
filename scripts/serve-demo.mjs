// A tiny static file server for the browser demos: `node scripts/serve-demo.mjs [--port P]` serves
// the repository root on 127.0.0.1 and prints the URL of /demo/index.html. Build the bundles first
// (`npx rollup -c rollup.config.mjs`). The tests reuse `serveStatic` (test/helpers/browser.ts).
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * Serves the files under `root` on 127.0.0.1:`port` (0 picks a free port). Directories serve their
 * index.html; paths that leave `root` get 403.
 * @returns {Promise<{url: string, close: () => Promise<void>}>} `url` is the server's base URL, ending in "/".
 */
export function serveStatic(root, port = 0) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    const send = (code, body, type = "text/plain; charset=utf-8") => {
      res.writeHead(code, { "Content-Type": type, "Cache-Control": "no-store" });
      res.end(body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed");
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    } catch {
      return send(400, "bad request");
    }
    let file = resolve(base, `.${path}`);
    if (path.includes("\0") || (file !== base && !file.startsWith(base + sep))) return send(403, "forbidden");
    try {
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      res.writeHead(200, {
        "Content-Type": MIME[extname(file).toLowerCase()] ?? "application/octet-stream",
        "Content-Length": body.length,
        "Cache-Control": "no-store",
      });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      send(404, "not found");
    }
  });
  return new Promise((resolveServer, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const { port: actual } = server.address();
      resolveServer({
        url: `http://127.0.0.1:${actual}/`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

// Run as a script: serve the repository root.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const at = process.argv.indexOf("--port");
  const port = at > 0 ? Number(process.argv[at + 1]) : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve-demo: --port must be an integer in [0, 65535], got ${process.argv[at + 1]}`);
    process.exit(1);
  }
  const root = fileURLToPath(new URL("..", import.meta.url));
  const { url } = await serveStatic(root, port);
  console.log(`Serving ${root} at ${url}`);
  console.log(`thermolearn demos: ${url}demo/index.html   (Ctrl-C to stop)`);
}
