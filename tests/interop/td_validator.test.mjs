// Every TD kagamid serves validates with the W3C TD validator
// (@thing-description-playground/core), and names only the gateway.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { startDemoGateway, fetchJson } from "./gateway.mjs";

const require = createRequire(import.meta.url);
const { tdValidator } = require("@thing-description-playground/core");

let gw;
before(async () => { gw = await startDemoGateway(); });
after(async () => { await gw?.stop(); });

async function validate(td) {
  const log = [];
  // JSON-LD checking would fetch the context from the web: not here.
  const result = await tdValidator(JSON.stringify(td), (l) => log.push(String(l)),
                                   { checkDefaults: false, checkJsonLd: false, checkTmConformance: false });
  return { result, log };
}

test("every listed TD passes the W3C TD 1.1 schema", async () => {
  const tds = await fetchJson(gw, `${gw.baseUrl}/things`);
  assert.ok(tds.length >= 2, "the demo has at least two things");
  for (const td of tds) {
    const { result, log } = await validate(td);
    assert.equal(result.report.json, "passed", log.join("\n"));
    assert.equal(result.report.schema, "passed", `${td.title}: ${log.join("\n")}`);
    for (const [check, verdict] of Object.entries(result.details))
      assert.notEqual(verdict, "failed", `${td.title}: ${check} failed: ${log.join("\n")}`);
  }
});

test("the thing directory TD at /.well-known/wot passes too", async () => {
  const td = await fetchJson(gw, `${gw.baseUrl}/.well-known/wot`);
  const { result, log } = await validate(td);
  assert.equal(result.report.schema, "passed", log.join("\n"));
});

test("every form points to the gateway", async () => {
  const tds = await fetchJson(gw, `${gw.baseUrl}/things`);
  for (const td of tds) {
    const forms = [];
    for (const kind of ["properties", "actions", "events"])
      for (const aff of Object.values(td[kind] ?? {})) forms.push(...aff.forms);
    forms.push(...(td.forms ?? []));
    assert.ok(forms.length > 0);
    for (const f of forms) {
      const href = new URL(f.href, td.base ?? gw.baseUrl).href;
      assert.ok(href.startsWith(gw.baseUrl + "/things/"), `${td.title}: ${href}`);
    }
  }
});
