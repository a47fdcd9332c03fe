// Starts kagamid on its demo site (127.0.0.1, ephemeral port, a fresh data
// directory) and stops it. Shared by the interoperability tests.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function startDemoGateway() {
  const kagamid = process.env.KAGAMID;
  if (!kagamid) throw new Error("set KAGAMID to the kagamid binary");
  const dataDir = mkdtempSync(join(tmpdir(), "kagami-interop-"));
  const child = spawn(kagamid, ["--demo", "--listen", "127.0.0.1:0", "--data-dir", dataDir],
                      { stdio: ["ignore", "pipe", "inherit"] });
  const baseUrl = await new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => reject(new Error("kagamid did not get ready in 20 s")), 20000);
    child.stdout.on("data", (chunk) => {
      buffered += chunk.toString();
      const m = buffered.match(/^READY (\S+)$/m);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`kagamid exited with ${code}`)); });
  });
  return {
    baseUrl,
    async stop() {
      const exited = new Promise((resolve) => child.on("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function fetchJson(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}
