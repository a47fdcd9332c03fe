// The "tls" site config section: defaults, every key, and a table of
// invalid sections with the JSON pointer each error must name.

#include "http/tls_config.hpp"

#include <gtest/gtest.h>

#include <string>

namespace kagami::http {
namespace {

using nlohmann::json;

TEST(tls_config, absent_section_gives_https_with_a_generated_certificate) {
  auto c = parse_tls_config(json{});
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->enabled);
  EXPECT_TRUE(c->cert_file.empty());
  EXPECT_TRUE(c->key_file.empty());
  EXPECT_TRUE(c->client_ca_file.empty());
  EXPECT_FALSE(c->require_client_cert);
  EXPECT_FALSE(c->allow_plain_http);
  EXPECT_TRUE(c->client_apps.empty());
  EXPECT_TRUE(c->subject_alt_names.empty());
  auto empty = parse_tls_config(json::object());
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->enabled);
}

TEST(tls_config, reads_every_key) {
  auto c = parse_tls_config(json::parse(R"({
    "enabled": true,
    "certFile": "/etc/kagami/cert.pem",
    "keyFile": "/etc/kagami/key.pem",
    "clientCa": "/etc/kagami/apps-ca.pem",
    "requireClientCert": true,
    "clientApps": {"line-3 hmi": "hmi", "mes.factory": "mes"},
    "allowPlainHttp": false,
    "subjectAltNames": ["gw.factory.local", "10.0.0.1", "fd00::1"]
  })"));
  ASSERT_TRUE(c) << to_string(c.error());
  EXPECT_TRUE(c->enabled);
  EXPECT_EQ(c->cert_file, "/etc/kagami/cert.pem");
  EXPECT_EQ(c->key_file, "/etc/kagami/key.pem");
  EXPECT_EQ(c->client_ca_file, "/etc/kagami/apps-ca.pem");
  EXPECT_TRUE(c->require_client_cert);
  EXPECT_EQ(c->client_apps, (std::map<std::string, std::string>{
                              {"line-3 hmi", "hmi"}, {"mes.factory", "mes"}}));
  EXPECT_FALSE(c->allow_plain_http);
  EXPECT_EQ(c->subject_alt_names,
            (std::vector<std::string>{"gw.factory.local", "10.0.0.1",
                                      "fd00::1"}));
}

TEST(tls_config, plain_http_only_when_allowed) {
  auto c = parse_tls_config(
    json::parse(R"({"enabled": false, "allowPlainHttp": true})"));
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->enabled);
  EXPECT_TRUE(c->allow_plain_http);
}

TEST(tls_config, ordered_json_and_a_custom_pointer) {
  auto c = parse_tls_config(
    nlohmann::ordered_json::parse(R"({"clientCa": 3})"), "/sites/0/tls");
  ASSERT_FALSE(c);
  EXPECT_EQ(detail_of(c.error()).rfind("/sites/0/tls/clientCa: ", 0), 0u)
    << detail_of(c.error());
}

TEST(tls_config, invalid_sections_name_the_field) {
  struct row {
    const char* text;
    const char* pointer; // the detail starts with this plus ": "
    const char* words;   // and contains this
  };
  const row rows[] = {
    {R"([])", "/tls", "object"},
    {R"({"enable": true})", "/tls/enable", "unknown key"},
    {R"({"enabled": "yes"})", "/tls/enabled", "true or false"},
    {R"({"enabled": false})", "/tls/enabled",
     "plain HTTP serves only when the config allows it"},
    {R"({"enabled": false, "allowPlainHttp": false})", "/tls/enabled",
     "plain HTTP serves only when the config allows it"},
    {R"({"certFile": "/a.pem"})", "/tls/keyFile", "certFile"},
    {R"({"keyFile": "/a.pem"})", "/tls/certFile", "keyFile"},
    {R"({"certFile": ""})", "/tls/certFile", "non-empty string"},
    {R"({"clientCa": 3})", "/tls/clientCa", "non-empty string"},
    {R"({"requireClientCert": true})", "/tls/requireClientCert",
     "needs clientCa"},
    {R"({"requireClientCert": 1, "clientCa": "/ca.pem"})",
     "/tls/requireClientCert", "true or false"},
    {R"({"clientApps": {"a": "b"}})", "/tls/clientApps", "needs clientCa"},
    {R"({"clientApps": [], "clientCa": "/ca.pem"})", "/tls/clientApps",
     "object"},
    {R"({"clientApps": {"a/b~c": 1}, "clientCa": "/ca.pem"})",
     "/tls/clientApps/a~1b~0c", "app name"},
    {R"({"clientApps": {"a": ""}, "clientCa": "/ca.pem"})",
     "/tls/clientApps/a", "app name"},
    {R"({"clientApps": {"": "x"}, "clientCa": "/ca.pem"})",
     "/tls/clientApps/", "CN"},
    {R"({"clientApps": {"a\nb": "x"}, "clientCa": "/ca.pem"})",
     "/tls/clientApps/a\nb", "CN"},
    {R"({"allowPlainHttp": null})", "/tls/allowPlainHttp", "true or false"},
    {R"({"subjectAltNames": "gw.local"})", "/tls/subjectAltNames", "array"},
    {R"({"subjectAltNames": ["gw.local", "a b"]})", "/tls/subjectAltNames/1",
     "IP literal or a DNS name"},
    {R"({"subjectAltNames": [7]})", "/tls/subjectAltNames/0",
     "IP literal or a DNS name"},
    {R"({"subjectAltNames": ["10.0.0.1", "10.0.0.1"]})",
     "/tls/subjectAltNames/1", "duplicate"},
  };
  for (const auto& r : rows) {
    auto c = parse_tls_config(json::parse(r.text));
    ASSERT_FALSE(c) << r.text;
    EXPECT_EQ(code_of(c.error()), ec::config_invalid) << r.text;
    auto detail = detail_of(c.error());
    EXPECT_EQ(detail.rfind(std::string{r.pointer} + ": ", 0), 0u)
      << r.text << " -> " << detail;
    EXPECT_NE(detail.find(r.words), std::string::npos)
      << r.text << " -> " << detail;
  }
}

} // namespace
} // namespace kagami::http
