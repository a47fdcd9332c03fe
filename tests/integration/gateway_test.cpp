// kagamid with kagami-devsim processes on loopback: what apps read and write
// through the gateway is what the devices hold.

#include "tests/integration/gateway_fixture.hpp"

using namespace kagami::test;

TEST_F(gateway_fixture, lists_every_thing_and_serves_each_td) {
  auto list = get("/things").json();
  ASSERT_TRUE(list.is_array());
  ASSERT_EQ(list.size(), 3u);
  for (auto id : {"plc-1", "plc-2", "sensor-1"}) {
    auto td = get(std::string{"/things/"} + id);
    ASSERT_EQ(td.status, 200u) << id;
    EXPECT_EQ(td.json()["id"], std::string{"urn:kagami:thing:"} + id);
  }
  EXPECT_EQ(get("/.well-known/wot").status, 200u);
}

TEST_F(gateway_fixture, nothing_apps_see_names_the_device) {
  // TDs, values, action results and problem details, good requests and bad.
  std::vector<http_result> seen{
    get("/things"),
    get("/things/plc-1/properties"),
    get("/things/sensor-1/properties"),
    post("/things/plc-1/actions/resetCounter"),
    post("/things/sensor-1/actions/calibrate", "50"),
    put("/things/plc-1/properties/setpoint", "1e9"),
    put("/things/plc-1/properties/temperature", "1"),
    put("/things/sensor-1/properties/reportIntervalS", "\"x\""),
    get("/things/plc-2/properties/broken"),
  };
  for (auto& r : seen)
    for (auto secret : {std::to_string(plc_port), std::to_string(sensor_port),
                        std::string{"line-plc"}, std::string{"modbus"},
                        std::string{"Modbus"}, std::string{"register"},
                        std::string{"env-sensor"}, std::string{"/config"},
                        std::string{"calibrated"}})
      EXPECT_EQ(r.body.find(secret), std::string::npos) << secret << " in " << r.body;
}

TEST_F(gateway_fixture, reads_return_what_the_simulators_hold) {
  auto all = get("/things/plc-1/properties");
  ASSERT_EQ(all.status, 200u) << all.body;
  auto v = all.json();
  EXPECT_DOUBLE_EQ(v["temperature"].get<double>(), -12.3);
  EXPECT_DOUBLE_EQ(v["pressure"].get<double>(), 1013.25);
  EXPECT_EQ(v["cycleCount"], 70000);
  EXPECT_DOUBLE_EQ(v["setpoint"].get<double>(), 55.5);
  EXPECT_EQ(v["mode"], 1);
  EXPECT_EQ(v["running"], true);
  for (auto& [name, value] : v.items())
    EXPECT_EQ(get("/things/plc-1/properties/" + name).json(), value) << name;
  auto sensor = get("/things/sensor-1/properties").json();
  EXPECT_DOUBLE_EQ(sensor["humidity"].get<double>(), 45.5);
  EXPECT_DOUBLE_EQ(sensor["temperature"].get<double>(), 21.5);
  EXPECT_EQ(sensor["reportIntervalS"], 60);
}

TEST_F(gateway_fixture, writes_reach_the_device_registers) {
  modbus_probe probe{plc_port};
  ASSERT_TRUE(probe.ok());
  EXPECT_EQ(put("/things/plc-1/properties/setpoint", "42.5").status, 204u);
  EXPECT_EQ(probe.holding(5), 425);
  EXPECT_EQ(put("/things/plc-1/properties/mode", "2").status, 204u);
  EXPECT_EQ(probe.holding(6), 2);
  EXPECT_EQ(put("/things/plc-1/properties/running", "false").status, 204u);
  EXPECT_EQ(probe.coil(0), 0);
  EXPECT_EQ(put("/things/sensor-1/properties/reportIntervalS", "30").status, 204u);
  auto cfg = http_call(sensor_port, "GET", "/config").json();
  EXPECT_EQ(cfg["reportIntervalS"], 30);
}

TEST_F(gateway_fixture, schema_violations_give_400_and_leave_the_device_untouched) {
  modbus_probe probe{plc_port};
  ASSERT_TRUE(probe.ok());
  struct bad_write {
    std::string target;
    std::string body;
  };
  std::vector<bad_write> cases{
    {"/things/plc-1/properties/setpoint", "120.1"},
    {"/things/plc-1/properties/setpoint", "-1"},
    {"/things/plc-1/properties/setpoint", "\"hot\""},
    {"/things/plc-1/properties/setpoint", "{not json"},
    {"/things/plc-1/properties/setpoint", "null"},
    {"/things/plc-1/properties/mode", "7"},
    {"/things/plc-1/properties/mode", "1.5"},
    {"/things/plc-1/properties/running", "1"},
    {"/things/sensor-1/properties/reportIntervalS", "0"},
    {"/things/sensor-1/properties/reportIntervalS", "true"},
  };
  for (auto& c : cases) {
    auto r = put(c.target, c.body);
    EXPECT_EQ(r.status, 400u) << c.target << " <- " << c.body << ": " << r.body;
    auto problem = r.json();
    EXPECT_EQ(problem["status"], 400);
    EXPECT_FALSE(problem.value("detail", "").empty()) << "400 without a reason";
  }
  EXPECT_EQ(probe.holding(5), 555);
  EXPECT_EQ(probe.holding(6), 1);
  EXPECT_EQ(probe.coil(0), 1);
  EXPECT_EQ(http_call(sensor_port, "GET", "/config").json()["reportIntervalS"], 60);
}

TEST_F(gateway_fixture, read_only_writes_give_405_and_unknowns_404) {
  EXPECT_EQ(put("/things/plc-1/properties/temperature", "20").status, 405u);
  EXPECT_EQ(get("/things/plc-9").status, 404u);
  EXPECT_EQ(get("/things/plc-1/properties/nope").status, 404u);
  EXPECT_EQ(post("/things/plc-1/actions/nope").status, 404u);
  EXPECT_EQ(get("/things/plc-1/events/nope").status, 404u);
  EXPECT_EQ(get("/nowhere").status, 404u);
}

TEST_F(gateway_fixture, an_action_reaches_the_device) {
  modbus_probe probe{plc_port};
  ASSERT_TRUE(probe.ok());
  ASSERT_NE(probe.holding(3), 0);
  EXPECT_EQ(post("/things/plc-1/actions/resetCounter").status, 204u);
  EXPECT_EQ(probe.holding(3), 0);
  EXPECT_EQ(probe.holding(4), 0);
  // The device's own reply ({"calibrated": true}) stays inside the gateway:
  // actions declare no output, and device bytes may name the device.
  auto r = post("/things/sensor-1/actions/calibrate", "47.5");
  EXPECT_EQ(r.status, 204u) << r.body;
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(http_call(sensor_port, "GET", "/config").json()["calibrationReference"], 47.5);
  EXPECT_EQ(post("/things/sensor-1/actions/calibrate", "101").status, 400u);
}

TEST_F(gateway_fixture, a_modbus_exception_gives_502) {
  auto r = get("/things/plc-2/properties/broken");
  EXPECT_EQ(r.status, 502u) << r.body;
  EXPECT_EQ(get("/things/plc-1/properties/mode").status, 200u);
}

TEST_F(gateway_fixture, paging_links_to_the_next_page) {
  auto c = raw_connection::connect(port);
  ASSERT_TRUE(c.send("GET /things?limit=2 HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(nlohmann::json::parse(r->body).size(), 2u);
  EXPECT_NE(r->header("link").find("offset=2&limit=2>; rel=\"next\""), std::string::npos)
    << r->header("link");
  EXPECT_EQ(nlohmann::json::parse(get("/things?offset=2&limit=2").body).size(), 1u);
  EXPECT_EQ(get("/things?limit=0").status, 400u);
  EXPECT_EQ(get("/things?offset=-1").status, 400u);
}

TEST_F(gateway_fixture, an_event_reaches_a_server_sent_events_subscriber) {
  modbus_probe probe{plc_port};
  ASSERT_TRUE(probe.ok());
  ASSERT_TRUE(probe.set_holding(0, 700)); // 70.0 degC
  auto c = raw_connection::connect(port);
  ASSERT_TRUE(c.send("GET /things/plc-1/events/overTemperature HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto head = c.read_head();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200u);
  EXPECT_EQ(head->header("content-type"), "text/event-stream");
  // Swing the temperature across 80 until the gateway's poll (every 1 s)
  // sees a crossing: the detector needs a sample below before one above.
  std::string seen;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (bool high = true; seen.find("data:") == std::string::npos
                         && std::chrono::steady_clock::now() < deadline;
       high = !high) {
    ASSERT_TRUE(probe.set_holding(0, high ? 853 : 700));
    if (auto chunk = c.read_chunk(std::chrono::milliseconds(1200)))
      seen += *chunk;
  }
  EXPECT_NE(seen.find("event: overTemperature"), std::string::npos) << seen;
  EXPECT_NE(seen.find("data: 85.3"), std::string::npos) << seen;
}
