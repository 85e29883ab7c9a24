/** Where a benchmark ran: printed with, and saved beside, every figure. */
import os from "node:os";

export function machine(): Record<string, string | number> {
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.arch()}`,
  };
}

export function describeMachine(): string {
  const m = machine();
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node} (V8 ${m.v8}), ${m.platform}, ${m.date}`;
}
