// The simulated access point (tools/devsim/ap_*): config parsing with errors
// that name the field, the API's behaviour (cuts, link actions, faults) as
// kagami's own "kagami-sim-ap" model decodes it, and the AP adapter's plain
// decision logic (which cut, is it in effect).

#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "protocols/wifi_ap/ap_adapter.hpp"
#include "protocols/wifi_ap/sim_ap_model.hpp"
#include "tools/devsim/ap_sim_config.hpp"
#include "tools/devsim/ap_sim_state.hpp"

using namespace kagami;
using namespace kagami::devsim;
namespace wifi = kagami::protocols::wifi_ap;
using nlohmann::json;

namespace {

constexpr const char* lab_like = R"({
  "comment": "two radios, two SSIDs, three clients",
  "radios": [{"id": "radio0", "band": "2.4GHz"},
             {"id": "radio1", "band": "5GHz", "enabled": true}],
  "ssids": [{"name": "factory-iot", "radio": "radio0"},
            {"name": "factory cam", "radio": "radio1"}],
  "clients": [{"mac": "02:99:00:00:00:31", "ssid": "factory-iot", "rssi": -48, "link": "wl-1"},
              {"mac": "02-99-00-00-00-32", "ssid": "factory cam", "radio": "radio1",
               "link": "wl-2"},
              {"mac": "0299.0000.0033", "ssid": "factory-iot"}]
})";

ap_sim_config parse_ok(const std::string& text) {
  auto x = parse_ap_sim_config(text, "ap.json");
  if (auto* e = std::get_if<sim_config_error>(&x)) {
    ADD_FAILURE() << e->to_string();
    return {};
  }
  return std::get<ap_sim_config>(x);
}

sim_config_error parse_error(const std::string& text) {
  auto x = parse_ap_sim_config(text, "ap.json");
  if (auto* e = std::get_if<sim_config_error>(&x))
    return *e;
  ADD_FAILURE() << "accepted: " << text;
  return {};
}

/// A config with one more top-level member.
std::string with(const std::string& member) {
  std::string text = lab_like;
  return text.substr(0, text.rfind('}')) + ", " + member + "}";
}

/// Records link actions; fails for the links in `broken`.
struct fake_links {
  std::vector<std::string> calls;
  std::vector<std::string> broken;
  link_down_fn fn() {
    return [this](const std::string& link) -> std::string {
      calls.push_back(link);
      for (auto& b : broken)
        if (b == link)
          return "No such device";
      return {};
    };
  }
};

wifi::ap_status decode(const sim_response& r) {
  auto model = wifi::make_sim_ap_model_factory()->create();
  auto status = model->parse_status(r.status, r.body, wifi::ap_limits{});
  if (!status) {
    ADD_FAILURE() << detail_of(status.error());
    return {};
  }
  return *status;
}

wifi::cut_result decode_cut(const sim_response& r) {
  auto model = wifi::make_sim_ap_model_factory()->create();
  auto result = model->parse_cut({}, r.status, r.body, wifi::ap_limits{});
  if (!result) {
    ADD_FAILURE() << detail_of(result.error()) << " in " << r.body;
    return {};
  }
  return *result;
}

} // namespace

TEST(ap_sim_config, parses_radios_ssids_clients_with_defaults) {
  auto cfg = parse_ok(lab_like);
  ASSERT_EQ(cfg.radios.size(), 2u);
  EXPECT_EQ(cfg.radios[0].id, "radio0");
  EXPECT_EQ(cfg.radios[0].band, wifi::radio_band::ghz_2_4);
  EXPECT_TRUE(cfg.radios[0].enabled); // default
  EXPECT_EQ(cfg.radios[1].band, wifi::radio_band::ghz_5);
  ASSERT_EQ(cfg.ssids.size(), 2u);
  EXPECT_TRUE(cfg.ssids[1].enabled);
  ASSERT_EQ(cfg.clients.size(), 3u);
  EXPECT_EQ(cfg.clients[0].radio, "radio0"); // from the SSID
  EXPECT_EQ(cfg.clients[0].rssi, -48);
  EXPECT_EQ(cfg.clients[0].link, "wl-1");
  EXPECT_EQ(cfg.clients[1].mac, "02:99:00:00:00:32"); // normalized
  EXPECT_EQ(cfg.clients[2].mac, "02:99:00:00:00:33");
  EXPECT_EQ(cfg.clients[2].link, "");
  EXPECT_FALSE(cfg.clients[2].rssi);
  EXPECT_EQ(cfg.fault, ap_fault::none);
}

TEST(ap_sim_config, parses_faults) {
  EXPECT_EQ(parse_ok(with(R"("fault": "garbage")")).fault, ap_fault::garbage);
  EXPECT_EQ(parse_ok(with(R"("fault": "wrong-types")")).fault, ap_fault::wrong_types);
  auto huge = parse_ok(with(R"("fault": "huge", "hugeBytes": 2000000)"));
  EXPECT_EQ(huge.fault, ap_fault::huge);
  EXPECT_EQ(huge.huge_bytes, 2000000u);
  auto slow = parse_ok(with(R"("fault": "slow", "slowMs": 1500)"));
  EXPECT_EQ(slow.fault, ap_fault::slow);
  EXPECT_EQ(slow.slow_ms, 1500u);
  EXPECT_EQ(parse_ok(R"({"radios": []})").clients.size(), 0u);
}

TEST(ap_sim_config, errors_name_the_field) {
  struct row {
    std::string text;
    std::string field;
    std::string reason_part;
  };
  std::vector<row> rows{
    {R"({"ssids": []})", "", "missing required field \"radios\""},
    {R"({"radios": [], "extra": 1})", "/extra", "unknown field"},
    {R"({"radios": [{"id": "radio 0", "band": "5GHz"}]})", "/radios/0/id", "not a radio id"},
    {R"({"radios": [{"id": "r", "band": "5GHz"}, {"id": "r", "band": "6GHz"}]})",
     "/radios/1/id", "duplicate radio"},
    {R"({"radios": [{"id": "r", "band": "60GHz"}]})", "/radios/0/band", "2.4GHz"},
    {R"({"radios": [{"id": "r", "band": "5GHz", "enabled": "yes"}]})", "/radios/0/enabled",
     "true or false"},
    {R"({"radios": [{"id": "r", "band": "5GHz"}], "ssids": [{"name": "", "radio": "r"}]})",
     "/ssids/0/name", "1..32"},
    {R"({"radios": [{"id": "r", "band": "5GHz"}],
         "ssids": [{"name": "abcdefghijklmnopqrstuvwxyz0123456", "radio": "r"}]})",
     "/ssids/0/name", "1..32"},
    {R"({"radios": [{"id": "r", "band": "5GHz"}], "ssids": [{"name": "s", "radio": "x"}]})",
     "/ssids/0/radio", "unknown radio"},
    {R"({"radios": [{"id": "r", "band": "5GHz"}],
         "ssids": [{"name": "s", "radio": "r"}, {"name": "s", "radio": "r"}]})",
     "/ssids/1/name", "already served"},
    {R"({"radios": [{"id": "r", "band": "5GHz"}], "ssids": [{"name": "s", "radio": "r"}],
         "clients": [{"mac": "02:99:00:00:00:3", "ssid": "s"}]})",
     "/clients/0/mac", "not a MAC"},
    {R"({"radios": [{"id": "r", "band": "5GHz"}], "ssids": [{"name": "s", "radio": "r"}],
         "clients": [{"mac": "02:99:00:00:00:31", "ssid": "s"},
                     {"mac": "02-99-00-00-00-31", "ssid": "s"}]})",
     "/clients/1/mac", "duplicate client"},
    {R"({"radios": [{"id": "r", "band": "5GHz"}], "ssids": [{"name": "s", "radio": "r"}],
         "clients": [{"mac": "02:99:00:00:00:31", "ssid": "t"}]})",
     "/clients/0/ssid", "unknown SSID"},
    {R"({"radios": [{"id": "r", "band": "5GHz"}, {"id": "q", "band": "5GHz"}],
         "ssids": [{"name": "s", "radio": "r"}],
         "clients": [{"mac": "02:99:00:00:00:31", "ssid": "s", "radio": "q"}]})",
     "/clients/0/ssid", "not served on radio q"},
    {R"({"radios": [{"id": "r", "band": "5GHz"}, {"id": "q", "band": "5GHz"}],
         "ssids": [{"name": "s", "radio": "r"}, {"name": "s", "radio": "q"}],
         "clients": [{"mac": "02:99:00:00:00:31", "ssid": "s"}]})",
     "/clients/0", "more than one radio"},
    {R"({"radios": [{"id": "r", "band": "5GHz"}], "ssids": [{"name": "s", "radio": "r"}],
         "clients": [{"mac": "02:99:00:00:00:31", "ssid": "s", "rssi": 3}]})",
     "/clients/0/rssi", "-127 to 0"},
    {R"({"radios": [{"id": "r", "band": "5GHz"}], "ssids": [{"name": "s", "radio": "r"}],
         "clients": [{"mac": "02:99:00:00:00:31", "ssid": "s", "link": "../eth0"}]})",
     "/clients/0/link", "not an interface name"},
    {R"({"radios": [{"id": "r", "band": "5GHz"}], "ssids": [{"name": "s", "radio": "r"}],
         "clients": [{"mac": "02:99:00:00:00:31", "ssid": "s", "link": "a-very-long-name0"}]})",
     "/clients/0/link", "not an interface name"},
    {R"({"radios": [{"id": "r", "band": "5GHz"}], "ssids": [{"name": "s", "radio": "r"}],
         "clients": [{"mac": "02:99:00:00:00:31", "ssid": "s", "link": "wl"},
                     {"mac": "02:99:00:00:00:32", "ssid": "s", "link": "wl"}]})",
     "/clients/1/link", "another client"},
    {R"({"radios": [], "fault": "flaky"})", "/fault", "\"garbage\""},
    {R"({"radios": [], "slowMs": 0})", "/slowMs", "from 1 to 600000"},
    {R"({"radios": [], "hugeBytes": 10})", "/hugeBytes", "from 1024"},
    {R"({"radios": [)", "", "parse error"},
    {R"({"radios": [[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]})", "", "nests deeper"},
  };
  for (auto& r : rows) {
    auto e = parse_error(r.text);
    EXPECT_EQ(e.file, "ap.json") << r.text;
    EXPECT_EQ(e.field, r.field) << r.text << "\n" << e.to_string();
    EXPECT_NE(e.reason.find(r.reason_part), std::string::npos)
      << r.text << "\n" << e.to_string();
  }
}

TEST(ap_sim_config, link_names) {
  for (auto ok : {"wl-1", "eth0", "p-ap", "veth.100", "abcdefghijklmno"})
    EXPECT_TRUE(valid_link_name(ok)) << ok;
  for (auto bad : {"", ".", "..", "a/b", "a b", "a:1", "abcdefghijklmnop", "x\n"})
    EXPECT_FALSE(valid_link_name(bad)) << bad;
}

TEST(ap_sim_state, status_is_what_kagamis_model_decodes) {
  ap_sim_state ap{parse_ok(lab_like), fake_links{}.fn()};
  auto r = ap.handle("GET", "/api/v1/status?x=1");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "application/json");
  auto status = decode(r);
  ASSERT_EQ(status.radios.size(), 2u);
  EXPECT_EQ(status.radios[1], (wifi::ap_radio{"radio1", wifi::radio_band::ghz_5, true}));
  ASSERT_EQ(status.ssids.size(), 2u);
  EXPECT_EQ(status.ssids[1], (wifi::ap_ssid{"factory cam", "radio1", true}));
  ASSERT_EQ(status.clients.size(), 3u);
  EXPECT_EQ(status.clients[0],
            (wifi::ap_client{"02:99:00:00:00:31", "factory-iot", "radio0", -48}));
  EXPECT_EQ(status.clients[2].rssi, std::nullopt);
  EXPECT_EQ(ap.handle("POST", "/api/v1/status").status, 405u);
  EXPECT_EQ(ap.handle("GET", "/api/v1/other").status, 404u);
  EXPECT_EQ(ap.handle("GET", "/").status, 404u);
}

TEST(ap_sim_state, deauth_downs_the_link_and_removes_the_client) {
  fake_links links;
  ap_sim_state ap{parse_ok(lab_like), links.fn()};
  EXPECT_EQ(ap.handle("GET", "/api/v1/clients/02:99:00:00:00:31/deauth").status, 405u);
  EXPECT_TRUE(links.calls.empty());
  // Any MAC form, percent-encoded colons too.
  auto r = ap.handle("POST", "/api/v1/clients/02%3A99%3A00%3A00%3A00%3A31/deauth");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto result = decode_cut(r);
  EXPECT_TRUE(result.applied);
  EXPECT_EQ(links.calls, std::vector<std::string>{"wl-1"});
  EXPECT_EQ(ap.links_down(), std::vector<std::string>{"wl-1"});
  auto status = decode(ap.handle("GET", "/api/v1/status"));
  ASSERT_EQ(status.clients.size(), 2u);
  EXPECT_EQ(status.clients[0].mac, "02:99:00:00:00:32");
  // Gone now: 404, and no second link action.
  EXPECT_EQ(ap.handle("POST", "/api/v1/clients/02:99:00:00:00:31/deauth").status, 404u);
  EXPECT_EQ(ap.handle("POST", "/api/v1/clients/not-a-mac/deauth").status, 404u);
  EXPECT_EQ(links.calls.size(), 1u);
  // A client without a link is simply removed.
  EXPECT_TRUE(decode_cut(ap.handle("POST", "/api/v1/clients/02:99:00:00:00:33/deauth")).applied);
  EXPECT_EQ(links.calls.size(), 1u);
  EXPECT_EQ(decode(ap.handle("GET", "/api/v1/status")).clients.size(), 1u);
}

TEST(ap_sim_state, a_link_that_cannot_go_down_is_reported_and_the_client_stays) {
  fake_links links;
  links.broken = {"wl-1"};
  ap_sim_state ap{parse_ok(lab_like), links.fn()};
  auto r = ap.handle("POST", "/api/v1/clients/02:99:00:00:00:31/deauth");
  ASSERT_EQ(r.status, 200u);
  auto result = decode_cut(r); // also checks the message fits kagami's limits
  EXPECT_FALSE(result.applied);
  EXPECT_EQ(result.message, "link wl-1: No such device");
  EXPECT_EQ(decode(ap.handle("GET", "/api/v1/status")).clients.size(), 3u);
  // The SSID with that client stays enabled; the other client of it goes.
  auto ssid = decode_cut(ap.handle("POST", "/api/v1/ssids/factory-iot/disable"));
  EXPECT_FALSE(ssid.applied);
  auto status = decode(ap.handle("GET", "/api/v1/status"));
  EXPECT_TRUE(status.ssids[0].enabled);
  ASSERT_EQ(status.clients.size(), 2u);
  EXPECT_EQ(status.clients[0].mac, "02:99:00:00:00:31");
}

TEST(ap_sim_state, ssid_disable_and_radio_off) {
  fake_links links;
  ap_sim_state ap{parse_ok(lab_like), links.fn()};
  EXPECT_EQ(ap.handle("POST", "/api/v1/ssids/nope/disable").status, 404u);
  auto r = ap.handle("POST", "/api/v1/ssids/factory%20cam/disable");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_TRUE(decode_cut(r).applied);
  EXPECT_EQ(links.calls, std::vector<std::string>{"wl-2"});
  auto status = decode(ap.handle("GET", "/api/v1/status"));
  EXPECT_FALSE(status.ssids[1].enabled);
  EXPECT_TRUE(status.ssids[0].enabled);
  EXPECT_TRUE(status.radios[1].enabled);
  EXPECT_EQ(status.clients.size(), 2u);
  EXPECT_EQ(wifi::cut_in_effect(status, {wifi::ap_cut::disable_ssid, "factory cam"}), "");
  // Again: still in effect.
  EXPECT_TRUE(decode_cut(ap.handle("POST", "/api/v1/ssids/factory%20cam/disable")).applied);

  EXPECT_EQ(ap.handle("POST", "/api/v1/radios/radio9/off").status, 404u);
  EXPECT_EQ(ap.handle("PUT", "/api/v1/radios/radio0/off").status, 405u);
  EXPECT_TRUE(decode_cut(ap.handle("POST", "/api/v1/radios/radio0/off")).applied);
  EXPECT_EQ(links.calls, (std::vector<std::string>{"wl-2", "wl-1"}));
  status = decode(ap.handle("GET", "/api/v1/status"));
  EXPECT_FALSE(status.radios[0].enabled);
  EXPECT_TRUE(status.clients.empty());
  EXPECT_EQ(wifi::cut_in_effect(status, {wifi::ap_cut::radio_off, "radio0"}), "");
  EXPECT_NE(wifi::cut_in_effect(status, {wifi::ap_cut::radio_off, "radio1"}), "");
}

TEST(ap_sim_state, faults_break_only_the_status_reply) {
  auto model = wifi::make_sim_ap_model_factory()->create();
  wifi::ap_limits limits;
  {
    ap_sim_state ap{parse_ok(with(R"("fault": "garbage")")), fake_links{}.fn()};
    auto r = ap.handle("GET", "/api/v1/status");
    EXPECT_EQ(r.status, 200u);
    auto s = model->parse_status(r.status, r.body, limits);
    ASSERT_FALSE(s);
    EXPECT_EQ(code_of(s.error()), ec::device_bad_reply);
    EXPECT_EQ(detail_of(s.error()), ": not JSON");
    EXPECT_TRUE(decode_cut(ap.handle("POST", "/api/v1/clients/02:99:00:00:00:33/deauth"))
                  .applied);
  }
  {
    ap_sim_state ap{parse_ok(with(R"("fault": "wrong-types")")), fake_links{}.fn()};
    auto r = ap.handle("GET", "/api/v1/status");
    EXPECT_TRUE(json::accept(r.body));
    auto s = model->parse_status(r.status, r.body, limits);
    ASSERT_FALSE(s);
    EXPECT_EQ(code_of(s.error()), ec::device_bad_reply);
    EXPECT_EQ(detail_of(s.error()), "/radios: not an array");
  }
  {
    ap_sim_state ap{parse_ok(with(R"("fault": "huge", "hugeBytes": 2000000)")),
                    fake_links{}.fn()};
    auto r = ap.handle("GET", "/api/v1/status");
    EXPECT_GE(r.body.size(), 2000000u);
    EXPECT_LT(r.body.size(), 2000100u);
    EXPECT_TRUE(json::accept(r.body));
    auto s = model->parse_status(r.status, r.body, limits);
    ASSERT_FALSE(s);
    EXPECT_EQ(code_of(s.error()), ec::device_bad_reply);
  }
  {
    // "slow" delays in the server; the state answers normally.
    ap_sim_state ap{parse_ok(with(R"("fault": "slow", "slowMs": 1234)")), fake_links{}.fn()};
    EXPECT_EQ(ap.slow_ms(), 1234u);
    EXPECT_EQ(decode(ap.handle("GET", "/api/v1/status")).clients.size(), 3u);
  }
}

TEST(ap_adapter_logic, cut_actions_map_to_ap_cuts) {
  EXPECT_EQ(wifi::to_ap_cut(network::cut_action::client_deauth), wifi::ap_cut::deauth_client);
  EXPECT_EQ(wifi::to_ap_cut(network::cut_action::ssid_off), wifi::ap_cut::disable_ssid);
  EXPECT_EQ(wifi::to_ap_cut(network::cut_action::radio_off), wifi::ap_cut::radio_off);
  EXPECT_EQ(wifi::to_ap_cut(network::cut_action::port_down), std::nullopt);
}

TEST(ap_adapter_logic, cut_in_effect_reads_the_status) {
  wifi::ap_status s;
  s.radios = {{"radio0", wifi::radio_band::ghz_2_4, true},
              {"radio1", wifi::radio_band::ghz_5, false}};
  s.ssids = {{"iot", "radio0", true}, {"cam", "radio0", false}, {"cam", "radio1", false},
             {"half", "radio0", false}, {"half", "radio1", true}};
  s.clients = {{"02:99:00:00:00:31", "iot", "radio0", std::nullopt},
               {"02:99:00:00:00:32", "cam", "radio0", std::nullopt}};
  using wifi::ap_cut;
  EXPECT_EQ(wifi::cut_in_effect(s, {ap_cut::deauth_client, "02-99-00-00-00-33"}), "");
  EXPECT_NE(wifi::cut_in_effect(s, {ap_cut::deauth_client, "02-99-00-00-00-31"}), "");
  EXPECT_NE(wifi::cut_in_effect(s, {ap_cut::deauth_client, "garbage"}), "");
  EXPECT_NE(wifi::cut_in_effect(s, {ap_cut::disable_ssid, "iot"}), "");
  // Disabled everywhere, but a client is still associated to it.
  EXPECT_NE(wifi::cut_in_effect(s, {ap_cut::disable_ssid, "cam"}).find("02:99:00:00:00:32"),
            std::string::npos);
  EXPECT_NE(wifi::cut_in_effect(s, {ap_cut::disable_ssid, "half"}).find("radio1"),
            std::string::npos);
  EXPECT_NE(wifi::cut_in_effect(s, {ap_cut::disable_ssid, "unknown"}), "");
  EXPECT_EQ(wifi::cut_in_effect(s, {ap_cut::radio_off, "radio1"}), "");
  EXPECT_NE(wifi::cut_in_effect(s, {ap_cut::radio_off, "radio0"}), "");
  EXPECT_NE(wifi::cut_in_effect(s, {ap_cut::radio_off, "radio7"}), "");
}
