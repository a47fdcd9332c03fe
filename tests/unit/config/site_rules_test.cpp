// Every validation rule of a site config gives the right file, field and
// reason. Model files come from an in-memory file system.

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "config/site_config.hpp"
#include "tests/unit/config/config_test_util.hpp"

using namespace kagami::config;
using namespace kagami::config::test;

namespace {

const char* base_site = R"({
  "site": "test",
  "listen": "127.0.0.1:8080",
  "dataDir": "data",
  "models": ["models/line-plc.json", "models/env-sensor.json"],
  "devices": [
    {"id": "plc-1", "model": "line-plc", "address": "127.0.0.1:1502",
     "unitId": 1, "tags": ["a"]},
    {"id": "sensor-1", "model": "env-sensor",
     "address": "http://127.0.0.1:8081"}
  ]
})";

/// A model file with an error in its binding.
const char* bad_model = R"({"id": "bad", "protocol": "modbus-tcp",
  "properties": {"x": {"type": "number", "readOnly": true,
    "modbus": {"table": "holding", "address": 0, "datatype": "int61"}}}})";

read_file_fn files() {
  return fake_files({
    {"models/line-plc.json", embedded("config/models/line-plc.json")},
    {"models/env-sensor.json", embedded("config/models/env-sensor.json")},
    {"models/bad.json", bad_model},
    {"models/broken.json", "{\"id\": "},
  });
}

std::variant<site_config, config_error> parse(const std::string& text) {
  return parse_site_config(text, "site.json", "", files());
}

site_config expect_site(const std::vector<edit>& edits) {
  auto text = edited(base_site, edits);
  auto result = parse(text);
  if (auto err = std::get_if<config_error>(&result)) {
    ADD_FAILURE() << err->to_string();
    return {};
  }
  return std::get<site_config>(result);
}

class site_rule : public testing::TestWithParam<bad_case> {};

TEST_P(site_rule, names_field_and_reason) {
  auto& c = GetParam();
  auto text = edited(base_site, c.edits);
  auto result = parse(text);
  auto err = std::get_if<config_error>(&result);
  ASSERT_NE(err, nullptr) << "accepted: " << text;
  EXPECT_EQ(err->file, "site.json");
  EXPECT_EQ(err->field, c.field) << err->to_string();
  EXPECT_EQ(err->reason.substr(0, c.reason.size()), c.reason)
    << err->to_string();
}

const std::string d0 = "/devices/0";
const std::string d1 = "/devices/1";
const char* plc_inline = R"({"id": "inline", "protocol": "modbus-tcp",
  "properties": {"x": {"type": "number", "readOnly": true,
    "modbus": {"table": "holding", "address": 0, "datatype": "int16"}}}})";

INSTANTIATE_TEST_SUITE_P(
  rules, site_rule,
  testing::Values(
    // Top level.
    bad_case{{{"/devics", "[]"}}, "/devics",
             R"(unknown key "devics" (did you mean "devices"?))"},
    bad_case{{{"/site", R"("")"}}, "/site",
             "must be 1 to 128 characters without control characters"},
    bad_case{{{"/site", R"("a\nb")"}}, "/site",
             "must be 1 to 128 characters without control characters"},
    bad_case{{{"/dataDir", R"("")"}}, "/dataDir", "must be a non-empty path"},
    bad_case{{{"/dataDir", "1"}}, "/dataDir", "must be a string, not 1"},
    // Listener.
    bad_case{{{"/listen", R"("127.0.0.1")"}}, "/listen",
             R"("127.0.0.1": missing ":PORT")"},
    bad_case{{{"/listen", R"("127.0.0.1:65536")"}}, "/listen",
             R"("127.0.0.1:65536": the port must be a number from 0 to 65535)"},
    bad_case{{{"/listen", R"("127.0.0.1:-1")"}}, "/listen",
             R"("127.0.0.1:-1": the port must be a number from 0 to 65535)"},
    bad_case{{{"/listen", R"("127.0.0.1:")"}}, "/listen",
             R"("127.0.0.1:": the port must be a number from 0 to 65535)"},
    bad_case{{{"/listen", R"("127.0.0.256:80")"}}, "/listen",
             R"("127.0.0.256:80": "127.0.0.256" is not a valid IPv4 address)"},
    bad_case{{{"/listen", R"("::1:80")"}}, "/listen",
             R"("::1:80": an IPv6 address needs brackets: [ADDRESS]:PORT)"},
    bad_case{{{"/listen", R"("[::g]:80")"}}, "/listen",
             R"("[::g]:80": "::g" is not a valid IPv6 address)"},
    bad_case{{{"/listen", R"("http://127.0.0.1:80")"}}, "/listen",
             "\"http://127.0.0.1:80\": must be HOST:PORT without a scheme"},
    bad_case{{{"/listen", R"("bad_host:80")"}}, "/listen",
             R"("bad_host:80": "bad_host" is not a valid host name)"},
    bad_case{{{"/listen", R"(":80")"}}, "/listen",
             R"(":80": the host is empty)"},
    // Public base URL.
    bad_case{{{"/publicBaseUrl", R"("ftp://gw")"}}, "/publicBaseUrl",
             R"("ftp://gw": must start with http:// or https://)"},
    bad_case{{{"/publicBaseUrl", R"("https://gw/x?y=1")"}}, "/publicBaseUrl",
             R"("https://gw/x?y=1": must not have a query or fragment)"},
    bad_case{{{"/publicBaseUrl", R"("https://:80")"}}, "/publicBaseUrl",
             R"("https://:80": the host is empty)"},
    // Timeouts and limits.
    bad_case{{{"/timeouts/deviceMs", "0"}}, "/timeouts/deviceMs",
             "must be an integer from 1 to 60000"},
    bad_case{{{"/timeouts/deviceMs", "60001"}}, "/timeouts/deviceMs",
             "must be an integer from 1 to 60000"},
    bad_case{{{"/timeouts/requestMs", "300001"}}, "/timeouts/requestMs",
             "must be an integer from 1 to 300000"},
    bad_case{{{"/timeouts/httpReadMs", "-5"}}, "/timeouts/httpReadMs",
             "must be an integer from 1 to 300000"},
    bad_case{{{"/timeouts/deviceMs", "5000"}, {"/timeouts/requestMs", "4000"}},
             "/timeouts/requestMs",
             "must be at least deviceMs (5000): a request includes the "
             "device round trip"},
    bad_case{{{"/timeouts/readMs", "5"}}, "/timeouts/readMs",
             R"(unknown key "readMs")"},
    bad_case{{{"/timeouts", "5"}}, "/timeouts", "must be an object, not 5"},
    bad_case{{{"/http/headerLimit", "100"}}, "/http/headerLimit",
             "must be an integer from 1024 to 1048576"},
    bad_case{{{"/http/bodyLimit", "1000000000"}}, "/http/bodyLimit",
             "must be an integer from 1024 to 67108864"},
    bad_case{{{"/http/maxConnections", "0"}}, "/http/maxConnections",
             "must be an integer from 1 to 100000"},
    bad_case{{{"/scheduler", R"("fifo")"}}, "/scheduler",
             R"(unknown value "fifo"; expected one of: sharing, stealing)"},
    bad_case{{{"/http/maxConections", "5"}}, "/http/maxConections",
             R"(unknown key "maxConections" (did you mean "maxConnections"?))"},
    // Models.
    bad_case{{{"/models", "{}"}}, "/models", "must be an array, not an object"},
    bad_case{{{"/models/0", "3"}}, "/models/0",
             "must be a model file path or a model object"},
    bad_case{{{"/models/0", R"("")"}}, "/models/0", "the model path is empty"},
    bad_case{{{"/models/0", R"("models/nope.json")"}}, "/models/0",
             "cannot read model file models/nope.json: No such file or "
             "directory"},
    bad_case{{{"/models/1", R"("models/line-plc.json")"}}, "/models/1",
             R"(duplicate model id "line-plc" (also /models/0))"},
    bad_case{{{"/models/2", R"({"id": "x", "protocol": "opc-ua"})"}},
             "/models/2/protocol", R"(unknown value "opc-ua")"},
    bad_case{{{"/models/2", plc_inline}, {"/models/3", plc_inline}},
             "/models/3", R"(duplicate model id "inline" (also /models/2))"},
    // Devices.
    bad_case{{{"/devices", "{}"}}, "/devices", "must be an array"},
    bad_case{{{d0, "3"}}, d0, "must be an object, not 3"},
    bad_case{{{d0 + "/adress", R"("x")"}}, d0 + "/adress",
             R"(unknown key "adress" (did you mean "address"?))"},
    bad_case{{{d0 + "/id", "<delete>"}}, d0 + "/id", "missing required field"},
    bad_case{{{d0 + "/id", R"("plc 1")"}}, d0 + "/id",
             R"(invalid id "plc 1": ids match [A-Za-z0-9._-]{1,64})"},
    bad_case{{{d0 + "/id", "\"" + std::string(65, 'p') + "\""}}, d0 + "/id",
             "invalid id"},
    bad_case{{{d1 + "/id", R"("plc-1")"}}, d1 + "/id",
             R"(duplicate device id "plc-1" (also /devices/0))"},
    bad_case{{{d0 + "/title", R"("")"}}, d0 + "/title",
             "must be 1 to 128 characters"},
    bad_case{{{d0 + "/model", "<delete>"}}, d0 + "/model",
             "missing required field"},
    bad_case{{{d0 + "/model", R"("plc-x")"}}, d0 + "/model",
             R"(unknown device model "plc-x")"},
    bad_case{{{d0 + "/address", "<delete>"}}, d0 + "/address",
             "missing required field"},
    bad_case{{{d0 + "/address", R"("http://127.0.0.1:502")"}},
             d0 + "/address",
             "\"http://127.0.0.1:502\": must be HOST:PORT without a scheme "
             "(model line-plc is modbus-tcp)"},
    bad_case{{{d0 + "/address", R"("plc.local")"}}, d0 + "/address",
             R"("plc.local": missing ":PORT")"},
    bad_case{{{d1 + "/address", R"("127.0.0.1:8081")"}}, d1 + "/address",
             R"("127.0.0.1:8081": must be http://HOST:PORT (model env-sensor is http-json))"},
    bad_case{{{d1 + "/address", R"("https://127.0.0.1:8443")"}},
             d1 + "/address",
             R"("https://127.0.0.1:8443": https is not supported yet; use http://HOST:PORT)"},
    bad_case{{{d1 + "/address", R"("http://127.0.0.1:8081/api")"}},
             d1 + "/address",
             R"("http://127.0.0.1:8081/api": must be http://HOST:PORT without a path)"},
    bad_case{{{d1 + "/address", R"("http://127.0.0.1")"}}, d1 + "/address",
             R"("http://127.0.0.1": missing ":PORT")"},
    bad_case{{{d0 + "/unitId", "248"}}, d0 + "/unitId",
             "must be an integer from 0 to 247"},
    bad_case{{{d0 + "/unitId", "-1"}}, d0 + "/unitId",
             "must be an integer from 0 to 247"},
    bad_case{{{d1 + "/unitId", "1"}}, d1 + "/unitId",
             "applies only to modbus-tcp devices"},
    bad_case{{{d0 + "/tags", R"("a")"}}, d0 + "/tags", "must be an array"},
    bad_case{{{d0 + "/tags", R"(["a", 1])"}}, d0 + "/tags/1",
             "must be a string of 1 to 64 printable characters"},
    bad_case{{{d0 + "/tags", R"(["a b"])"}}, d0 + "/tags/0",
             "must be a string of 1 to 64 printable characters"},
    bad_case{{{d0 + "/tags", R"(["a", "b", "a"])"}}, d0 + "/tags/2",
             R"(duplicate tag "a")"}));

// -- Errors in other files and in the text ------------------------------------

TEST(site_rules, an_error_in_a_model_file_names_the_model_file) {
  auto result = parse(edited(base_site, {{"/models/2", R"("models/bad.json")"}}));
  auto err = std::get_if<config_error>(&result);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->to_string(),
            "models/bad.json: /properties/x/modbus/datatype: unknown value "
            "\"int61\"; expected one of: bool, uint16, int16, uint32, int32, "
            "float32");
}

TEST(site_rules, a_syntax_error_in_a_model_file_names_the_model_file) {
  auto result
    = parse(edited(base_site, {{"/models/2", R"("models/broken.json")"}}));
  auto err = std::get_if<config_error>(&result);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->file, "models/broken.json");
  EXPECT_EQ(err->reason.rfind("invalid JSON at line 1", 0), 0u)
    << err->reason;
}

TEST(site_rules, the_example_message) {
  auto result = parse(edited(
    base_site, {{"/devices/2", R"({"id": "plc-2", "model": "plc-x",
                                    "address": "10.0.0.2:502"})"}}));
  auto err = std::get_if<config_error>(&result);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->to_string(),
            R"(site.json: /devices/2/model: unknown device model "plc-x")");
  auto e = err->to_error();
  EXPECT_EQ(kagami::code_of(e), kagami::ec::config_invalid);
  EXPECT_EQ(kagami::detail_of(e), err->to_string());
}

TEST(site_rules, syntax_errors_and_duplicate_keys) {
  auto result = parse("{\"site\": \"a\",}");
  auto err = std::get_if<config_error>(&result);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->field, "");
  EXPECT_EQ(err->reason.rfind("invalid JSON at line 1, column 14", 0), 0u)
    << err->reason;
  result = parse(R"({"devices": [{"id": "a"}, {"id": "b", "id": "c"}]})");
  err = std::get_if<config_error>(&result);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->to_string(), "site.json: /devices/1/id: duplicate key");
  result = parse("");
  ASSERT_NE(std::get_if<config_error>(&result), nullptr);
}

// -- Accepted variants --------------------------------------------------------

TEST(site_rules, defaults) {
  auto site = expect_site({});
  EXPECT_EQ(site.site_name, "test");
  EXPECT_EQ(site.timeouts, timeout_config{});
  EXPECT_EQ(site.http, http_limits_config{});
  EXPECT_EQ(site.scheduler, scheduler_policy::sharing);
  ASSERT_EQ(site.devices.size(), 2u);
  EXPECT_EQ(site.devices[1].title, "sensor-1"); // defaults to the id
  EXPECT_EQ(site.devices[1].unit_id, 1);
  EXPECT_EQ(site.devices[0].tags, std::vector<std::string>{"a"});
  ASSERT_NE(site.model_of(site.devices[0]), nullptr);
  EXPECT_EQ(site.model_of(site.devices[0])->id, "line-plc");
  EXPECT_EQ(site.model_of(device_config{}), nullptr);
  auto empty = parse("{}");
  ASSERT_NE(std::get_if<site_config>(&empty), nullptr);
  EXPECT_EQ(std::get<site_config>(empty), site_config{});
}

TEST(site_rules, every_field) {
  auto site = expect_site({
    {"/listen", R"("[::1]:0")"},
    {"/publicBaseUrl", R"("https://gw.example.com:8443/kagami/")"},
    {"/timeouts", R"({"deviceMs": 200, "requestMs": 200, "httpReadMs": 1})"},
    {"/http", R"({"headerLimit": 1024, "bodyLimit": 67108864,
                  "maxConnections": 100000})"},
    {"/scheduler", R"("stealing")"},
    {"/models/2", plc_inline},
    {"/devices/2", R"({"id": "x.Y_z-0", "title": "T", "model": "inline",
                       "address": "plc-7.hall:0", "unitId": 0})"},
    {"/devices/3", R"({"id": "s", "model": "env-sensor",
                       "address": "HTTP://[fe80::1]:65535"})"},
  });
  EXPECT_EQ(site.listen, "[::1]:0");
  EXPECT_EQ(site.public_base_url, "https://gw.example.com:8443/kagami");
  EXPECT_EQ(site.timeouts.device_ms, 200u);
  EXPECT_EQ(site.timeouts.http_read_ms, 1u);
  EXPECT_EQ(site.http.body_limit, 67108864u);
  EXPECT_EQ(site.http.max_connections, 100000u);
  EXPECT_EQ(site.scheduler, scheduler_policy::stealing);
  EXPECT_EQ(site.models.size(), 3u);
  ASSERT_EQ(site.devices.size(), 4u);
  EXPECT_EQ(site.devices[2].title, "T");
  EXPECT_EQ(site.devices[2].unit_id, 0);
  EXPECT_EQ(site.model_of(site.devices[2])->id, "inline");
}

TEST(site_rules, model_paths_resolve_against_the_base_dir) {
  std::vector<std::string> asked;
  read_file_fn read = [&](const std::string& path, std::string& why)
    -> std::optional<std::string> {
    asked.push_back(path);
    if (path.find("line-plc") != std::string::npos)
      return embedded("config/models/line-plc.json");
    return embedded("config/models/env-sensor.json");
  };
  auto text = edited(base_site, {{"/models/0", R"("../m/line-plc.json")"},
                                {"/models/1", R"("/abs/./env-sensor.json")"}});
  auto result = parse_site_config(text, "etc/site.json", "etc/kagami", read);
  ASSERT_NE(std::get_if<site_config>(&result), nullptr)
    << std::get<config_error>(result).to_string();
  EXPECT_EQ(asked, (std::vector<std::string>{"etc/m/line-plc.json",
                                             "/abs/env-sensor.json"}));
}

// -- Files on disk ------------------------------------------------------------

const std::string data_dir = KAGAMI_REPO_DIR "/tests/data/config";

TEST(site_files, a_bad_model_file_on_disk_is_named) {
  auto result = load_site_config(data_dir + "/bad-model-site.json");
  auto err = std::get_if<config_error>(&result);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->to_string(),
            data_dir + "/models/coil-uint16.json: /properties/alarm/modbus/"
                       "datatype: table coil holds single bits; use bool");
}

TEST(site_files, a_missing_model_file_is_named) {
  auto result = load_site_config(data_dir + "/missing-model-site.json");
  auto err = std::get_if<config_error>(&result);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->to_string(),
            data_dir + "/missing-model-site.json: /models/0: cannot read "
                       "model file " + data_dir + "/models/nope.json: No "
                       "such file or directory");
}

TEST(site_files, a_missing_site_file_is_named) {
  auto result = load_site_config(data_dir + "/nope.json");
  auto err = std::get_if<config_error>(&result);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->to_string(), data_dir + "/nope.json: cannot read: No such "
                                         "file or directory");
}

TEST(site_files, a_directory_is_not_a_site_file) {
  auto result = load_site_config(data_dir);
  ASSERT_NE(std::get_if<config_error>(&result), nullptr);
}

} // namespace
