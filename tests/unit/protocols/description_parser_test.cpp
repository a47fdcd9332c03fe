#include "protocols/upnp/description_parser.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"

using namespace kagami;
using namespace kagami::protocols;
using namespace kagami::protocols::upnp;

namespace {

/// A description whose <device> holds `device_body`.
std::string description(const std::string& device_body) {
  return R"(<?xml version="1.0" encoding="utf-8"?>
<root xmlns="urn:schemas-upnp-org:device-1-0" configId="3">
  <specVersion><major>1</major><minor>1</minor></specVersion>
  <device>)"
         + device_body + R"(</device>
</root>
)";
}

const std::string full_device = R"(
    <deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>
    <friendlyName>Line 3 PLC</friendlyName>
    <manufacturer>Example Automation &amp; Co</manufacturer>
    <manufacturerURL>http://example.com</manufacturerURL>
    <modelName>
      EX-PLC 200
    </modelName>
    <modelNumber><![CDATA[200-A]]></modelNumber>
    <serialNumber>SN0001</serialNumber>
    <UDN>uuid:2fac1234-31f8-11b4-a222-08002b34c003</UDN>
    <firmwareVersion>3.2.1</firmwareVersion>
    <deviceList><device><manufacturer>embedded, ignored</manufacturer></device></deviceList>
  )";

} // namespace

TEST(description_parser, reads_the_profile) {
  auto p = parse_description(description(full_device));
  ASSERT_TRUE(p) << detail_of(p.error());
  device_profile expected;
  expected.vendor = "Example Automation & Co";
  expected.product = "EX-PLC 200";
  expected.model_number = "200-A";
  expected.serial = "SN0001";
  expected.udn = "uuid:2fac1234-31f8-11b4-a222-08002b34c003";
  expected.firmware = "3.2.1";
  EXPECT_EQ(*p, expected);
}

TEST(description_parser, missing_fields_stay_empty) {
  auto p = parse_description(description("<manufacturer>ACME</manufacturer>"));
  ASSERT_TRUE(p) << detail_of(p.error());
  EXPECT_EQ(p->vendor, "ACME");
  EXPECT_EQ(p->product, "");
  EXPECT_EQ(p->firmware, "");
  // UTF-8 text and a field of exactly max_profile_field bytes are fine.
  auto exact = parse_description(description(
    "<modelName>" + std::string(max_profile_field - 2, 'm') + "\xc3\xa4</modelName>"));
  ASSERT_TRUE(exact) << detail_of(exact.error());
  EXPECT_EQ(exact->product.size(), max_profile_field);
}

TEST(description_parser, rejects_bad_documents) {
  struct row {
    std::string xml;
    std::string reason;
  };
  auto nest = [](size_t n) {
    std::string open, close;
    for (size_t i = 0; i < n; ++i) {
      open += "<x>";
      close += "</x>";
    }
    return open + close;
  };
  std::vector<row> rows{
    {"", "malformed XML"},
    {"<root", "malformed XML"},
    {description("<manufacturer>a</manufacturer>") + "<root/>", "not exactly one"},
    {std::string(description_limits::max_document + 1, ' '), "exceeds"},
    {R"(<?xml version="1.0"?><!DOCTYPE root [<!ENTITY a "aaaa">]>)"
       + description("<manufacturer>&a;</manufacturer>"),
     "DOCTYPE"},
    {"<!doctype root SYSTEM \"http://10.0.0.9/x.dtd\">" + description(""), "DOCTYPE"},
    {R"(<root xmlns="urn:example"><device/></root>)", "document element"},
    {R"(<rooot xmlns="urn:schemas-upnp-org:device-1-0"><device/></rooot>)",
     "document element"},
    {R"(<root xmlns="urn:schemas-upnp-org:device-1-0"></root>)", "no <device>"},
    {R"(<root xmlns="urn:schemas-upnp-org:device-1-0"><device/><device/></root>)",
     "more than one <device>"},
    {description("<x>" + nest(description_limits::max_depth) + "</x>"), "deeper than"},
    {description("<manufacturer>a</manufacturer><manufacturer>b</manufacturer>"),
     "duplicate <manufacturer>"},
    {description("<modelName><b>x</b></modelName>"), "holds elements"},
    {description("<serialNumber>" + std::string(max_profile_field + 1, 's')
                 + "</serialNumber>"),
     "longer than 128"},
    {description("<firmwareVersion>1.0\x01</firmwareVersion>"), "control character"},
    {description("<firmwareVersion>1.0\tbeta</firmwareVersion>"), "control character"},
    {description("<modelName>a\xc2\x85</modelName>"), "control character"},
    {description("<modelName>\xff</modelName>"), "invalid UTF-8"},
    {description("<modelName>\xc0\xaf</modelName>"), "invalid UTF-8"},
    {description("<UDN>2fac1234</UDN>"), "uuid:"},
  };
  for (auto& r : rows) {
    SCOPED_TRACE(r.xml.substr(0, 300));
    auto p = parse_description(r.xml);
    ASSERT_FALSE(p);
    EXPECT_EQ(code_of(p.error()), ec::device_bad_reply);
    EXPECT_NE(detail_of(p.error()).find(r.reason), std::string::npos)
      << detail_of(p.error());
  }
}

TEST(description_parser, expands_no_entities) {
  // An undeclared entity stays literal text: nothing is looked up or fetched.
  auto p = parse_description(description("<manufacturer>&ext;</manufacturer>"));
  ASSERT_TRUE(p) << detail_of(p.error());
  EXPECT_EQ(p->vendor, "&ext;");
  // Character references are decoded, and then checked like any text.
  auto ref = parse_description(description("<modelName>A&#x42;&#1;</modelName>"));
  ASSERT_FALSE(ref);
  EXPECT_NE(detail_of(ref.error()).find("control character"), std::string::npos)
    << detail_of(ref.error());
}

TEST(description_parser, depth_limit_is_inclusive) {
  // <root> is depth 1 and <device> depth 2: max_depth - 2 more levels fit.
  std::string inner = "y";
  for (size_t i = 0; i < description_limits::max_depth - 2; ++i)
    inner = "<x>" + inner + "</x>";
  EXPECT_TRUE(parse_description(description(inner)));
  EXPECT_FALSE(parse_description(description("<x>" + inner + "</x>")));
}
