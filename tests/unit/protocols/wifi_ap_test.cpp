// Wi-Fi AP management API models (protocols/wifi_ap): the model registry
// and its plugin point, the kagami-sim-ap requests and reply decoding
// (garbage, wrong types, oversize lists, duplicates), MAC normalization and
// the mapping into a topology neighbour report.

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "protocols/wifi_ap/ap_api_model.hpp"
#include "protocols/wifi_ap/ap_json.hpp"
#include "protocols/wifi_ap/ap_neighbour_report.hpp"
#include "protocols/wifi_ap/ap_status.hpp"
#include "protocols/wifi_ap/sim_ap_model.hpp"

using namespace kagami;
using namespace kagami::protocols::wifi_ap;

namespace {

// A second vendor, registered only here, to show the plugin point: a flat
// API ("GET /cgi/stations" -> {"stations":[{"bssid_radio":..,"sta":..}]})
// that can only deauth clients. It reuses the shared bounded JSON parser
// and check_ap_status, and nothing in the core names it.
class flat_vendor_model : public ap_api_model {
public:
  std::string_view name() const override {
    return "test-flat-vendor";
  }
  bool supports(ap_cut cut) const override {
    return cut == ap_cut::deauth_client;
  }
  ap_http_request status_request() const override {
    return {"GET", "/cgi/stations", "", ""};
  }
  caf::expected<ap_http_request> cut_request(const ap_cut_order& order) const override {
    if (!supports(order.kind))
      return make_error(ec::not_writable, "cut not supported");
    auto mac = normalize_mac(order.target);
    if (!mac)
      return make_error(ec::invalid_value, "not a MAC");
    return ap_http_request{"POST", "/cgi/kick", R"({"sta":")" + *mac + R"("})",
                           "application/json"};
  }
  caf::expected<ap_status> parse_status(unsigned http_status, std::string_view body,
                                        const ap_limits& limits) const override {
    if (auto err = check_http_status(http_status))
      return err;
    auto top = parse_bounded_json(body, limits);
    if (!top)
      return top.error();
    if (!top->is_object() || !top->contains("stations") || !(*top)["stations"].is_array())
      return make_error(ec::device_bad_reply, "/stations: not an array");
    ap_status status;
    status.radios.push_back({"wlan0", radio_band::ghz_5, true});
    status.ssids.push_back({"plant", "wlan0", true});
    for (auto& s : (*top)["stations"]) {
      if (!s.is_string())
        return make_error(ec::device_bad_reply, "/stations: not a string");
      auto mac = normalize_mac(s.get<std::string>());
      if (!mac)
        return make_error(ec::device_bad_reply, "/stations: not a MAC");
      status.clients.push_back({*mac, "plant", "wlan0", std::nullopt});
    }
    if (auto err = check_ap_status(status, limits))
      return err;
    return status;
  }
  caf::expected<cut_result> parse_cut(const ap_cut_order&, unsigned http_status,
                                      std::string_view, const ap_limits&) const override {
    if (auto err = check_http_status(http_status))
      return err;
    return cut_result{true, ""};
  }
};

class flat_vendor_factory : public ap_model_factory {
public:
  std::string_view name() const override {
    return "test-flat-vendor";
  }
  std::unique_ptr<ap_api_model> create() const override {
    return std::make_unique<flat_vendor_model>();
  }
};

std::unique_ptr<ap_api_model> sim_model() {
  ap_model_registry registry;
  EXPECT_FALSE(register_builtin_ap_models(registry));
  auto model = registry.create("kagami-sim-ap");
  EXPECT_TRUE(model);
  return std::move(*model);
}

const char* good_status = R"({
  "radios": [{"id": "radio0", "band": "2.4GHz", "enabled": true},
             {"id": "radio1", "band": "5GHz", "enabled": false}],
  "ssids": [{"name": "factory-iot", "radio": "radio0", "enabled": true},
            {"name": "factory-iot", "radio": "radio1", "enabled": false},
            {"name": "office", "radio": "radio1", "enabled": true}],
  "clients": [{"mac": "02:00:00:00:00:0A", "ssid": "factory-iot", "radio": "radio0", "rssi": -52},
              {"mac": "02-00-00-00-00-0b", "ssid": "office", "radio": "radio1"}],
  "firmware": "ignored"
})";

} // namespace

TEST(wifi_ap_registry, builtin_model_is_registered_by_name) {
  ap_model_registry registry;
  ASSERT_FALSE(register_builtin_ap_models(registry));
  EXPECT_EQ(registry.names(), std::vector<std::string>{"kagami-sim-ap"});
  auto model = registry.create("kagami-sim-ap");
  ASSERT_TRUE(model);
  EXPECT_EQ((*model)->name(), "kagami-sim-ap");
  auto unknown = registry.create("vendor-x");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(code_of(unknown.error()), ec::not_found);
}

TEST(wifi_ap_registry, rejects_null_and_duplicate_factories) {
  ap_model_registry registry;
  EXPECT_EQ(code_of(registry.add(nullptr)), ec::config_invalid);
  ASSERT_FALSE(register_builtin_ap_models(registry));
  EXPECT_EQ(code_of(register_builtin_ap_models(registry)), ec::config_invalid);
}

TEST(wifi_ap_registry, second_vendor_plugs_in_through_the_registry) {
  ap_model_registry registry;
  ASSERT_FALSE(register_builtin_ap_models(registry));
  ASSERT_FALSE(registry.add(std::make_unique<flat_vendor_factory>()));
  EXPECT_EQ(registry.names(),
            (std::vector<std::string>{"kagami-sim-ap", "test-flat-vendor"}));
  auto model = registry.create("test-flat-vendor");
  ASSERT_TRUE(model);
  EXPECT_FALSE((*model)->supports(ap_cut::radio_off));
  auto off = (*model)->cut_request({ap_cut::radio_off, "wlan0"});
  ASSERT_FALSE(off);
  EXPECT_EQ(code_of(off.error()), ec::not_writable);
  auto status = (*model)->parse_status(200, R"({"stations":["AABB.CCDD.EEFF"]})", {});
  ASSERT_TRUE(status) << to_string(status.error());
  auto report = to_neighbour_report({"ap9", topology::element_kind::access_point, "", ""},
                                    *status, 7);
  ASSERT_EQ(report.ports.size(), 1u);
  ASSERT_EQ(report.ports[0].clients.size(), 1u);
  EXPECT_EQ(report.ports[0].clients[0].mac, "aa:bb:cc:dd:ee:ff");
}

TEST(wifi_ap_mac, normalizes_or_rejects) {
  struct row {
    const char* in;
    std::optional<std::string> out;
  };
  const row rows[] = {
    {"aa:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:ff"},
    {"AA:BB:CC:DD:EE:FF", "aa:bb:cc:dd:ee:ff"},
    {"AA-BB-CC-DD-EE-0F", "aa:bb:cc:dd:ee:0f"},
    {"aabb.ccdd.eeff", "aa:bb:cc:dd:ee:ff"},
    {"aa:bb-cc:dd:ee:ff", std::nullopt},
    {"aa:bb:cc:dd:ee:fg", std::nullopt},
    {"aa:bb:cc:dd:ee", std::nullopt},
    {"aabbccddeeff", std::nullopt},
    {"", std::nullopt},
  };
  for (auto& r : rows)
    EXPECT_EQ(normalize_mac(r.in), r.out) << r.in;
}

TEST(wifi_ap_sim, requests) {
  auto model = sim_model();
  EXPECT_EQ(model->status_request(), (ap_http_request{"GET", "/api/v1/status", "", ""}));
  struct row {
    ap_cut kind;
    const char* target;
    const char* path; // nullptr: invalid_value
  };
  const row rows[] = {
    {ap_cut::disable_ssid, "factory-iot", "/api/v1/ssids/factory-iot/disable"},
    {ap_cut::disable_ssid, "a b/c", "/api/v1/ssids/a%20b%2Fc/disable"},
    {ap_cut::disable_ssid, "", nullptr},
    {ap_cut::disable_ssid, "123456789012345678901234567890123", nullptr},
    {ap_cut::deauth_client, "02-00-00-00-00-0A", "/api/v1/clients/02:00:00:00:00:0a/deauth"},
    {ap_cut::deauth_client, "not-a-mac", nullptr},
    {ap_cut::radio_off, "radio1", "/api/v1/radios/radio1/off"},
    {ap_cut::radio_off, "../admin", nullptr},
  };
  for (auto& r : rows) {
    EXPECT_TRUE(model->supports(r.kind));
    auto req = model->cut_request({r.kind, r.target});
    if (r.path == nullptr) {
      ASSERT_FALSE(req) << r.target;
      EXPECT_EQ(code_of(req.error()), ec::invalid_value);
    } else {
      ASSERT_TRUE(req) << r.target;
      EXPECT_EQ(*req, (ap_http_request{"POST", r.path, "", ""}));
    }
  }
}

TEST(wifi_ap_sim, decodes_a_good_status) {
  auto model = sim_model();
  auto status = model->parse_status(200, good_status, {});
  ASSERT_TRUE(status) << to_string(status.error());
  ap_status expected;
  expected.radios = {{"radio0", radio_band::ghz_2_4, true},
                     {"radio1", radio_band::ghz_5, false}};
  expected.ssids = {{"factory-iot", "radio0", true},
                    {"factory-iot", "radio1", false},
                    {"office", "radio1", true}};
  expected.clients = {{"02:00:00:00:00:0a", "factory-iot", "radio0", -52},
                      {"02:00:00:00:00:0b", "office", "radio1", std::nullopt}};
  EXPECT_EQ(*status, expected);
}

TEST(wifi_ap_sim, rejects_bad_status_replies) {
  struct row {
    unsigned http_status;
    std::string body;
    ec code;
    const char* detail_prefix;
  };
  auto radio = std::string{R"({"id":"r0","band":"5GHz","enabled":true})"};
  auto ssid = std::string{R"({"name":"s","radio":"r0","enabled":true})"};
  auto client = [](const std::string& mac) {
    return R"({"mac":")" + mac + R"(","ssid":"s","radio":"r0"})";
  };
  auto doc = [&](const std::string& clients) {
    return R"({"radios":[)" + radio + R"(],"ssids":[)" + ssid + R"(],"clients":[)"
           + clients + "]}";
  };
  std::string many_clients;
  for (int i = 0; i < 5; ++i) {
    char mac[18];
    std::snprintf(mac, sizeof mac, "02:00:00:00:00:%02x", i);
    many_clients += (i ? "," : "") + client(mac);
  }
  std::string deep(40, '[');
  const row rows[] = {
    {500, doc(""), ec::device_error, "HTTP 500"},
    {200, "", ec::device_bad_reply, ": not JSON"},
    {200, "{\"radios\":[", ec::device_bad_reply, ": not JSON"},
    {200, "\xff\xfe garbage", ec::device_bad_reply, ": not JSON"},
    {200, deep, ec::device_bad_reply, ": nested deeper"},
    {200, "[]", ec::device_bad_reply, ": not an object"},
    {200, R"({"ssids":[],"clients":[]})", ec::device_bad_reply, "/radios: missing"},
    {200, R"({"radios":{},"ssids":[],"clients":[]})", ec::device_bad_reply, "/radios: not an array"},
    {200, R"({"radios":[1],"ssids":[],"clients":[]})", ec::device_bad_reply, "/radios/0: not an object"},
    {200, R"({"radios":[{"id":7,"band":"5GHz","enabled":true}],"ssids":[],"clients":[]})",
     ec::device_bad_reply, "/radios/0/id: not a string"},
    {200, R"({"radios":[{"id":"r0","band":"60GHz","enabled":true}],"ssids":[],"clients":[]})",
     ec::device_bad_reply, "/radios/0/band"},
    {200, R"({"radios":[{"id":"r0","band":"5GHz","enabled":"yes"}],"ssids":[],"clients":[]})",
     ec::device_bad_reply, "/radios/0/enabled: not a boolean"},
    {200, R"({"radios":[{"id":"r/0","band":"5GHz","enabled":true}],"ssids":[],"clients":[]})",
     ec::device_bad_reply, "/radios/0/id: not a radio id"},
    {200, R"({"radios":[)" + radio + "," + radio + R"(],"ssids":[],"clients":[]})",
     ec::device_bad_reply, "/radios/1/id: duplicate"},
    {200, R"({"radios":[)" + radio + R"(],"ssids":[)" + ssid + "," + ssid + R"(],"clients":[]})",
     ec::device_bad_reply, "/ssids/1/name: duplicate"},
    {200, R"({"radios":[)" + radio + R"(],"ssids":[{"name":"s","radio":"r9","enabled":true}],"clients":[]})",
     ec::device_bad_reply, "/ssids/0/radio: unknown radio"},
    {200, R"({"radios":[)" + radio
            + R"(],"ssids":[{"name":"123456789012345678901234567890123","radio":"r0","enabled":true}],"clients":[]})",
     ec::device_bad_reply, "/ssids/0/name: longer than 32"},
    {200, doc(client("02:00:00:00:00:01") + "," + client("02-00-00-00-00-01")),
     ec::device_bad_reply, "/clients/1/mac: duplicate client"},
    {200, doc(client("02:00:00:00:00:zz")), ec::device_bad_reply, "/clients/0/mac: not a MAC"},
    {200, doc(R"({"mac":"02:00:00:00:00:01","ssid":"other","radio":"r0"})"),
     ec::device_bad_reply, "/clients/0/ssid: SSID not served"},
    {200, doc(R"({"mac":"02:00:00:00:00:01","ssid":"s","radio":"r0","rssi":-52.5})"),
     ec::device_bad_reply, "/clients/0/rssi: not an integer"},
    {200, doc(R"({"mac":"02:00:00:00:00:01","ssid":"s","radio":"r0","rssi":12})"),
     ec::device_bad_reply, "/clients/0/rssi: RSSI out of"},
    {200, doc(many_clients), ec::device_bad_reply, "/clients: more than 4"},
  };
  ap_limits limits;
  limits.max_clients = 4;
  auto model = sim_model();
  ASSERT_TRUE(model->parse_status(200, doc(client("02:00:00:00:00:01")), limits));
  for (auto& r : rows) {
    auto status = model->parse_status(r.http_status, r.body, limits);
    ASSERT_FALSE(status) << r.body;
    EXPECT_EQ(code_of(status.error()), r.code) << r.body;
    EXPECT_EQ(detail_of(status.error()).rfind(r.detail_prefix, 0), 0u)
      << r.body << " -> " << detail_of(status.error());
  }
}

TEST(wifi_ap_sim, rejects_a_body_over_the_size_limit) {
  ap_limits limits;
  limits.max_body_bytes = 16;
  auto status = sim_model()->parse_status(200, good_status, limits);
  ASSERT_FALSE(status);
  EXPECT_EQ(code_of(status.error()), ec::device_bad_reply);
}

TEST(wifi_ap_sim, decodes_cut_replies) {
  auto model = sim_model();
  ap_cut_order order{ap_cut::radio_off, "radio0"};
  struct row {
    unsigned http_status;
    const char* body;
    std::optional<cut_result> result; // nullopt: error
  };
  const row rows[] = {
    {200, R"({"applied":true})", cut_result{true, ""}},
    {200, R"({"applied":false,"message":"busy"})", cut_result{false, "busy"}},
    {404, R"({"applied":false})", std::nullopt},
    {200, R"({"applied":"true"})", std::nullopt},
    {200, R"({"applied":true,"message":3})", std::nullopt},
    {200, R"({})", std::nullopt},
    {200, "nope", std::nullopt},
  };
  for (auto& r : rows) {
    auto result = model->parse_cut(order, r.http_status, r.body, {});
    if (r.result) {
      ASSERT_TRUE(result) << r.body;
      EXPECT_EQ(*result, *r.result) << r.body;
    } else {
      EXPECT_FALSE(result) << r.body;
    }
  }
}

TEST(wifi_ap_topology, one_port_per_radio_with_its_clients) {
  auto status = sim_model()->parse_status(200, good_status, {});
  ASSERT_TRUE(status);
  topology::element ap{"ap1", topology::element_kind::access_point,
                       "02:00:00:00:01:00", "192.0.2.10"};
  auto report = to_neighbour_report(ap, *status, 1234);
  EXPECT_EQ(report.reporter.id, "ap1");
  EXPECT_EQ(report.observed_at_ms, 1234);
  ASSERT_EQ(report.ports.size(), 2u);
  EXPECT_EQ(report.ports[0].port_id, 1u);
  EXPECT_EQ(report.ports[0].name, "radio0");
  ASSERT_EQ(report.ports[0].clients.size(), 1u);
  EXPECT_EQ(report.ports[0].clients[0].mac, "02:00:00:00:00:0a");
  EXPECT_EQ(report.ports[0].clients[0].ssid, "factory-iot");
  EXPECT_EQ(report.ports[1].port_id, 2u);
  EXPECT_EQ(report.ports[1].name, "radio1");
  ASSERT_EQ(report.ports[1].clients.size(), 1u);
  EXPECT_EQ(report.ports[1].clients[0].mac, "02:00:00:00:00:0b");
  EXPECT_EQ(report.ports[1].clients[0].ssid, "office");
  EXPECT_TRUE(report.ports[1].lldp.empty());
}
