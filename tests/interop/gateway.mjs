// Starts kagamid on its demo site (127.0.0.1, ephemeral port, a fresh data
// directory) and stops it. Shared by the interoperability tests. The demo
// serves HTTPS with a certificate it generates in the data directory, and
// every request needs credentials (config/demo/site.json).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:https";
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
    // The gateway's own certificate: clients trust exactly this one.
    ca: readFileSync(join(dataDir, "tls", "cert.pem")),
    async stop() {
      const exited = new Promise((resolve) => child.on("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// The demo's operator account (config/demo/site.json).
export const demoUser = { username: "operator", password: "kagami-demo" };

/// GET `url` as the demo operator over HTTPS, trusting only `gw.ca`.
export function fetchJson(gw, url) {
  const auth = Buffer.from(`${demoUser.username}:${demoUser.password}`).toString("base64");
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: gw.ca, headers: { Authorization: `Basic ${auth}` } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => { body += chunk; });
      res.on("end", () => {
        if (res.statusCode < 200 || res.statusCode > 299)
          return reject(new Error(`${url}: HTTP ${res.statusCode} ${body}`));
        try { resolve(JSON.parse(body)); } catch (e) { reject(e); }
      });
    });
    req.on("error", reject);
    req.end();
  });
}
