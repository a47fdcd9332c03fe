// A node-wot client consumes kagamid's TDs: reads, writes, invokes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { startDemoGateway, fetchJson, demoUser } from "./gateway.mjs";

const require = createRequire(import.meta.url);
const { Servient } = require("@node-wot/core");
const { HttpsClientFactory } = require("@node-wot/binding-http");

let gw, servient, WoT;
before(async () => {
  gw = await startDemoGateway();
  servient = new Servient();
  // The demo's certificate is self-signed (generated on first start).
  servient.addClientFactory(new HttpsClientFactory({ allowSelfSigned: true }));
  WoT = await servient.start();
});
after(async () => {
  await servient?.shutdown();
  await gw?.stop();
});

async function consume(id) {
  const td = await fetchJson(gw, `${gw.baseUrl}/things/${id}`);
  // The TD offers Basic or an API key (combo oneOf). node-wot's HTTP client
  // cannot pick from a combo scheme (HttpClient.setSecurity knows only
  // single schemes), so the consumer states its choice: the Basic scheme
  // the combo names.
  assert.deepEqual(td.security, ["combo_sc"]);
  assert.ok(td.securityDefinitions.combo_sc.oneOf.includes("basic_sc"));
  td.security = ["basic_sc"];
  servient.addCredentials({ [td.id]: demoUser });
  return WoT.consume(td);
}

test("node-wot reads a property of the PLC", async () => {
  const plc = await consume("plc-1");
  const temperature = await (await plc.readProperty("temperature")).value();
  assert.equal(typeof temperature, "number");
});

test("node-wot writes a property and reads it back", async () => {
  const plc = await consume("plc-1");
  await plc.writeProperty("setpoint", 42.5);
  assert.equal(await (await plc.readProperty("setpoint")).value(), 42.5);
});

test("node-wot invokes an action", async () => {
  const plc = await consume("plc-1");
  await plc.invokeAction("resetCounter");
  // The demo counter keeps counting (one tick every 2 s), so allow one tick.
  assert.ok(await (await plc.readProperty("cycleCount")).value() <= 1);
});

test("node-wot reads all properties of the HTTP sensor", async () => {
  const sensor = await consume("sensor-1");
  const all = await sensor.readAllProperties();
  assert.ok(all.has("humidity"));
  assert.equal(typeof (await all.get("humidity").value()), "number");
});
