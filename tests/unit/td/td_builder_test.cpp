// build_thing_description / build_thing_directory_description.

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "http/td_builder.hpp"
#include "td_checks.hpp"

namespace kagami {
namespace {

using nlohmann::json;

constexpr const char* base = "http://127.0.0.1:8080";

config::data_schema schema(config::value_type t) {
  config::data_schema s;
  s.type = t;
  return s;
}

/// A Modbus press with one property of each kind, two actions and an event.
config::device_model press_model() {
  config::device_model m;
  m.id = "acme-press-x200-fw3";
  m.protocol = config::device_protocol::modbus_tcp;
  m.description = "Hydraulic press";
  {
    config::property_model p;
    p.name = "temperature";
    p.schema = schema(config::value_type::number);
    p.schema.minimum = -40.5;
    p.schema.maximum = 150;
    p.schema.unit = "Cel";
    p.schema.description = "Oil temperature";
    p.schema.read_only = true;
    config::modbus_binding b;
    b.table = config::modbus_table::input_register;
    b.address = 31337;
    b.scale = 0.1;
    p.binding = b;
    m.properties.push_back(p);
  }
  {
    config::property_model p;
    p.name = "setpoint";
    p.schema = schema(config::value_type::integer);
    p.schema.minimum = 0;
    p.schema.maximum = 120;
    config::modbus_binding b;
    b.address = 40077;
    p.binding = b;
    m.properties.push_back(p);
  }
  {
    config::property_model p;
    p.name = "mode";
    p.schema = schema(config::value_type::string);
    p.schema.enumeration = {"auto", "manual"};
    m.properties.push_back(p);
  }
  {
    config::action_model a;
    a.name = "reset";
    a.description = "Clears faults";
    a.idempotent = true;
    config::modbus_action_binding b;
    b.target.address = 40999;
    b.value = 1;
    a.binding = b;
    m.actions.push_back(a);
  }
  {
    config::action_model a;
    a.name = "set_speed";
    a.input = schema(config::value_type::integer);
    a.input->minimum = 0;
    a.input->maximum = 3000;
    a.input->unit = "rpm";
    m.actions.push_back(a);
  }
  {
    config::event_model e;
    e.name = "overheat";
    e.description = "Oil too hot";
    e.property = "temperature";
    e.above = 95;
    m.events.push_back(e);
  }
  return m;
}

config::device_config press_device() {
  config::device_config d;
  d.id = "press-1";
  d.title = "Press 1";
  d.model = "acme-press-x200-fw3";
  d.address = "10.99.1.7:5020";
  d.unit_id = 17;
  d.tags = {"hall-a"};
  return d;
}

td_options default_options() {
  td_options opts;
  opts.base_url = base;
  opts.site_name = "plant-7";
  return opts;
}

std::string lower(std::string x) {
  std::transform(x.begin(), x.end(), x.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return x;
}

TEST(td_builder, options_default_is_valid) {
  EXPECT_FALSE(validate(td_options{}));
  EXPECT_FALSE(validate(default_options()));
}

TEST(td_builder, thing_td_passes_the_structural_checks) {
  auto td = build_thing_description(press_device(), press_model(),
                                    default_options());
  EXPECT_EQ(test::td_problems(td, base), std::vector<std::string>{})
    << td.dump(2);
}

TEST(td_builder, thing_td_top_level) {
  auto td = build_thing_description(press_device(), press_model(),
                                    default_options());
  EXPECT_EQ(td["@context"], "https://www.w3.org/2022/wot/td/v1.1");
  EXPECT_EQ(td["id"], "urn:kagami:thing:press-1");
  EXPECT_EQ(td["title"], "Press 1");
  EXPECT_EQ(td["description"], "Hydraulic press");
  EXPECT_EQ(td["base"], base);
  EXPECT_EQ(td["securityDefinitions"],
            json::parse(R"({"nosec_sc": {"scheme": "nosec"}})"));
  EXPECT_EQ(td["security"], json::array({"nosec_sc"}));
  EXPECT_FALSE(td.contains("links"));
  EXPECT_EQ(td["forms"], json::parse(R"([{
    "href": "http://127.0.0.1:8080/things/press-1/properties",
    "contentType": "application/json",
    "op": ["readallproperties"],
    "htv:methodName": "GET"}])"));
}

TEST(td_builder, properties_carry_schema_and_forms) {
  auto td = build_thing_description(press_device(), press_model(),
                                    default_options());
  EXPECT_EQ(td["properties"]["temperature"], json::parse(R"({
    "type": "number", "minimum": -40.5, "maximum": 150.0, "unit": "Cel",
    "description": "Oil temperature",
    "readOnly": true, "writeOnly": false, "observable": false,
    "forms": [{
      "href": "http://127.0.0.1:8080/things/press-1/properties/temperature",
      "contentType": "application/json",
      "op": ["readproperty"], "htv:methodName": "GET"}]})"));
  EXPECT_EQ(td["properties"]["setpoint"], json::parse(R"({
    "type": "integer", "minimum": 0, "maximum": 120,
    "readOnly": false, "writeOnly": false, "observable": false,
    "forms": [{
      "href": "http://127.0.0.1:8080/things/press-1/properties/setpoint",
      "contentType": "application/json",
      "op": ["readproperty"], "htv:methodName": "GET"}, {
      "href": "http://127.0.0.1:8080/things/press-1/properties/setpoint",
      "contentType": "application/json",
      "op": ["writeproperty"], "htv:methodName": "PUT"}]})"));
  EXPECT_TRUE(td["properties"]["setpoint"]["minimum"].is_number_integer());
  EXPECT_EQ(td["properties"]["mode"]["enum"], json::array({"auto", "manual"}));
  EXPECT_EQ(td["properties"]["mode"]["type"], "string");
}

TEST(td_builder, actions_carry_input_safe_idempotent) {
  auto td = build_thing_description(press_device(), press_model(),
                                    default_options());
  EXPECT_EQ(td["actions"]["reset"], json::parse(R"({
    "description": "Clears faults", "safe": false, "idempotent": true,
    "forms": [{
      "href": "http://127.0.0.1:8080/things/press-1/actions/reset",
      "contentType": "application/json",
      "op": ["invokeaction"], "htv:methodName": "POST"}]})"));
  EXPECT_EQ(td["actions"]["set_speed"]["input"], json::parse(R"({
    "type": "integer", "minimum": 0, "maximum": 3000, "unit": "rpm",
    "readOnly": false, "writeOnly": false})"));
  EXPECT_EQ(td["actions"]["set_speed"]["idempotent"], false);
  EXPECT_FALSE(td["actions"]["reset"].contains("input"));
}

TEST(td_builder, events_are_server_sent_with_the_property_schema) {
  auto td = build_thing_description(press_device(), press_model(),
                                    default_options());
  EXPECT_EQ(td["events"]["overheat"], json::parse(R"({
    "description": "Oil too hot",
    "data": {"type": "number", "minimum": -40.5, "maximum": 150.0,
             "unit": "Cel", "description": "Oil temperature",
             "readOnly": false, "writeOnly": false},
    "forms": [{
      "href": "http://127.0.0.1:8080/things/press-1/events/overheat",
      "contentType": "text/event-stream", "subprotocol": "sse",
      "op": ["subscribeevent"], "htv:methodName": "GET"}]})"));
}

TEST(td_builder, never_names_the_real_device) {
  auto dev = press_device();
  for (auto protocol : {config::device_protocol::modbus_tcp,
                        config::device_protocol::http_json}) {
    auto model = press_model();
    model.protocol = protocol;
    if (protocol == config::device_protocol::http_json) {
      dev.address = "http://10.99.2.3:8081";
      config::http_binding b;
      b.path = "/api/v9/secret-temp";
      b.pointer = "/data/secretTemp";
      b.write_path = "/api/v9/secret-write";
      model.properties[0].binding = b;
      config::http_action_binding ab;
      ab.path = "/api/v9/secret-reset";
      model.actions[0].binding = ab;
    }
    auto text = lower(
      build_thing_description(dev, model, default_options()).dump());
    SCOPED_TRACE(text);
    std::vector<std::string> secrets{
      dev.address, "10.99", "5020", "8081", dev.model, "acme", "x200",
      "fw3", config::to_string(protocol), "modbus", "http-json", "http_json",
      "tcp", "31337", "40077", "40999", "secret", "unit_id", "hall-a",
      "vendor", "firmware"};
    for (const auto& s : secrets)
      EXPECT_EQ(text.find(lower(s)), std::string::npos) << "leaks " << s;
  }
}

TEST(td_builder, title_defaults_to_the_id) {
  auto dev = press_device();
  dev.title.clear();
  auto td = build_thing_description(dev, press_model(), default_options());
  EXPECT_EQ(td["title"], "press-1");
}

TEST(td_builder, empty_model_still_gives_a_valid_td) {
  config::device_model m;
  m.id = "bare";
  auto td = build_thing_description(press_device(), m, default_options());
  EXPECT_EQ(test::td_problems(td, base), std::vector<std::string>{});
  EXPECT_FALSE(td.contains("description"));
  EXPECT_TRUE(td["properties"].empty());
}

TEST(td_builder, base_url_slash_and_odd_names_are_handled) {
  auto opts = default_options();
  opts.base_url = std::string{base} + "/";
  auto model = press_model();
  model.properties[2].name = "mode x/y";
  auto td = build_thing_description(press_device(), model, opts);
  EXPECT_EQ(td["base"], base);
  EXPECT_EQ(td["properties"]["mode x/y"]["forms"][0]["href"],
            "http://127.0.0.1:8080/things/press-1/properties/mode%20x%2Fy");
  EXPECT_EQ(test::td_problems(td, base), std::vector<std::string>{});
}

TEST(td_builder, event_of_an_unknown_property_has_no_data) {
  auto model = press_model();
  model.events[0].property = "gone";
  auto td = build_thing_description(press_device(), model, default_options());
  EXPECT_FALSE(td["events"]["overheat"].contains("data"));
  EXPECT_EQ(test::td_problems(td, base), std::vector<std::string>{});
}

TEST(td_builder, security_comes_from_the_options) {
  auto opts = default_options();
  opts.security_definitions = json::parse(R"({
    "bearer_sc": {"scheme": "bearer", "format": "jwt", "alg": "ES256"},
    "basic_sc": {"scheme": "basic", "in": "header"}})");
  opts.security = {"bearer_sc"};
  ASSERT_FALSE(validate(opts));
  auto td = build_thing_description(press_device(), press_model(), opts);
  EXPECT_EQ(td["securityDefinitions"], opts.security_definitions);
  EXPECT_EQ(td["security"], json::array({"bearer_sc"}));
  EXPECT_EQ(test::td_problems(td, base), std::vector<std::string>{});
  auto dir = build_thing_directory_description(opts);
  EXPECT_EQ(dir["security"], json::array({"bearer_sc"}));
}

TEST(td_builder, validate_rejects_bad_options) {
  struct row {
    const char* name;
    void (*edit)(td_options&);
    const char* field;
  };
  std::vector<row> rows{
    {"relative base", [](td_options& o) { o.base_url = "/things"; },
     "base_url"},
    {"ftp base", [](td_options& o) { o.base_url = "ftp://x"; }, "base_url"},
    {"empty host", [](td_options& o) { o.base_url = "http://"; }, "base_url"},
    {"query", [](td_options& o) { o.base_url = "http://x/?a=1"; },
     "base_url"},
    {"no definitions",
     [](td_options& o) { o.security_definitions = json::object(); },
     "security_definitions"},
    {"unknown scheme",
     [](td_options& o) {
       o.security_definitions["nosec_sc"]["scheme"] = "magic";
     },
     "security_definitions/nosec_sc"},
    {"no scheme",
     [](td_options& o) { o.security_definitions["x"] = json::object(); },
     "security_definitions/x"},
    {"empty security", [](td_options& o) { o.security.clear(); }, "security"},
    {"undefined name", [](td_options& o) { o.security = {"bearer_sc"}; },
     "security"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    auto opts = default_options();
    r.edit(opts);
    auto err = validate(opts);
    ASSERT_TRUE(err);
    EXPECT_EQ(code_of(err), ec::config_invalid);
    EXPECT_EQ(detail_of(err).rfind(std::string{"td_options: "} + r.field
                                     + ": ",
                                   0),
              0u)
      << detail_of(err);
  }
}

TEST(td_builder, directory_td) {
  auto td = build_thing_directory_description(std::string{base});
  EXPECT_EQ(test::td_problems(td, base), std::vector<std::string>{})
    << td.dump(2);
  EXPECT_EQ(td["@context"],
            json::array({"https://www.w3.org/2022/wot/td/v1.1",
                         "https://www.w3.org/2022/wot/discovery"}));
  EXPECT_EQ(td["@type"], "ThingDirectory");
  auto& things = td["properties"]["things"];
  EXPECT_EQ(things["readOnly"], true);
  EXPECT_EQ(things["type"], "array");
  ASSERT_EQ(things["forms"].size(), 1u);
  auto& form = things["forms"][0];
  EXPECT_EQ(form["href"],
            "http://127.0.0.1:8080/things{?offset,limit,format}");
  EXPECT_EQ(form["op"], json::array({"readproperty"}));
  EXPECT_EQ(form["htv:methodName"], "GET");
  for (auto* var : {"offset", "limit", "format"})
    EXPECT_TRUE(things["uriVariables"].contains(var)) << var;
  auto opts = default_options();
  EXPECT_EQ(build_thing_directory_description(opts)["title"],
            "plant-7 Thing Description Directory");
}

TEST(td_builder, output_serializes_and_round_trips) {
  auto dev = press_device();
  dev.title = "Presse \xC3\xA4 1";
  auto td = build_thing_description(dev, press_model(), default_options());
  auto text = td.dump();
  EXPECT_EQ(json::parse(text), td);
}

} // namespace
} // namespace kagami
