// kagamid under failure: a dead device, a killed gateway, a bad config.

#include <cstdio>
#include <set>

#include "tests/integration/gateway_fixture.hpp"

using namespace kagami::test;

namespace {

struct run_result {
  int exit_code = -1;
  std::string output;
};

/// Runs a shell command line; captures stdout and stderr together.
run_result run(const std::string& cmd) {
  run_result r;
  auto* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p)
    return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0)
    r.output.append(buf, n);
  auto status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

} // namespace

TEST_F(gateway_fixture, a_killed_device_gives_504_and_the_rest_keeps_serving) {
  ASSERT_EQ(get("/things/plc-1/properties/mode").status, 200u);
  plc.kill_hard();
  auto r = get("/things/plc-1/properties/mode");
  EXPECT_EQ(r.status, 504u) << r.body;
  EXPECT_EQ(r.json()["type"], "urn:kagami:problem:device_timeout");
  EXPECT_EQ(put("/things/plc-1/properties/setpoint", "10").status, 504u);
  auto sensor_read = get("/things/sensor-1/properties/humidity");
  EXPECT_EQ(sensor_read.status, 200u);
  EXPECT_EQ(get("/things").json().size(), 3u);
}

TEST_F(gateway_fixture, a_silent_device_gives_504_within_the_device_timeout) {
  // SIGSTOP: the TCP connection stays open but nothing answers.
  ASSERT_EQ(get("/things/sensor-1/properties/humidity").status, 200u);
  ASSERT_EQ(get("/things/plc-1/properties/mode").status, 200u);
  ASSERT_TRUE(plc.signal(SIGSTOP));
  auto r = get("/things/plc-1/properties/mode");
  EXPECT_EQ(r.status, 504u) << r.body;
  // The device timeout (deviceMs) answered, not the gateway's backstop.
  EXPECT_EQ(r.json()["type"], "urn:kagami:problem:device_timeout") << r.body;
  EXPECT_EQ(get("/things/sensor-1/properties/humidity").status, 200u);
  plc.signal(SIGCONT);
}

TEST_F(gateway_fixture, after_kill_9_a_restart_serves_the_same_things) {
  auto before = get("/things").json();
  ASSERT_EQ(before.size(), 3u);
  ASSERT_EQ(put("/things/plc-1/properties/mode", "2").status, 204u);
  gateway.kill_hard();
  start_gateway();
  auto after = get("/things").json();
  std::set<std::string> ids_before, ids_after;
  for (auto& td : before)
    ids_before.insert(td["id"]);
  for (auto& td : after)
    ids_after.insert(td["id"]);
  EXPECT_EQ(ids_before, ids_after);
  EXPECT_EQ(get("/things/plc-1/properties/mode").json(), 2);
}

TEST_F(gateway_fixture, a_device_removed_from_the_config_is_gone_after_a_restart) {
  ASSERT_EQ(get("/things/plc-2").status, 200u);
  EXPECT_EQ(gateway.stop(), 0);
  write_site({"plc-2"});
  start_gateway();
  EXPECT_EQ(get("/things/plc-2").status, 404u);
  EXPECT_EQ(get("/things").json().size(), 2u);
}

TEST_F(gateway_fixture, a_second_gateway_on_the_same_data_dir_is_refused) {
  auto r = run(kagamid_bin + " --config " + (dir / "site.json").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("locked"), std::string::npos) << r.output;
}

TEST(gateway_config, a_bad_config_stops_kagamid_naming_file_field_and_reason) {
  auto dir = std::filesystem::temp_directory_path()
             / ("kagami-badcfg-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  nlohmann::json site = {
    {"listen", "127.0.0.1:0"},
    {"dataDir", (dir / "data").string()},
    {"models", {source_dir + "/config/models/line-plc.json"}},
    {"devices", {{{"id", "plc-1"}, {"model", "line-plc"}, {"address", "127.0.0.1:1502"}},
                 {{"id", "plc-2"}, {"model", "no-such-model"}, {"address", "127.0.0.1:1503"}}}},
  };
  auto file = (dir / "site.json").string();
  std::ofstream{file} << site.dump(2);
  auto r = run(kagamid_bin + " --config " + file);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find(file), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("/devices/1/model"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("no-such-model"), std::string::npos) << r.output;
  // Nothing started: no data directory was created.
  EXPECT_FALSE(std::filesystem::exists(dir / "data"));

  std::ofstream{file} << "{ \"listen\": ";
  r = run(kagamid_bin + " --config " + file);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find(file), std::string::npos) << r.output;

  r = run(kagamid_bin + " --config " + (dir / "missing.json").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("missing.json"), std::string::npos) << r.output;

  for (auto listen : {"foo", "127.0.0.1:70000", "127.0.0.1:"}) {
    r = run(kagamid_bin + " --demo --listen " + listen + " --data-dir "
            + (dir / "data").string());
    EXPECT_EQ(r.exit_code, 2) << listen << ": " << r.output;
    EXPECT_NE(r.output.find("--listen"), std::string::npos) << r.output;
  }
  std::filesystem::remove_all(dir);
}
