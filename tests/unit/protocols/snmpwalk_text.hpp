#pragma once

// Test helper: turns `snmpwalk -On` output (net-snmp 5.9, MIBS= empty, so
// enumerations print as numbers) into the varbinds the SNMP adapter hands
// to the decoders. Understands INTEGER, STRING, Hex-STRING (also wrapped
// over several lines), Gauge32, Counter32, Counter64, Timeticks, OID,
// IpAddress, "" (an empty string) and the "No Such ..." exceptions.
// Aborts the test (ADD_FAILURE + empty result) on a line it does not know.

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "protocols/snmp/varbind.hpp"

namespace kagami::protocols::snmp::testing {

inline object_identifier parse_oid(std::string text) {
  object_identifier oid;
  if (!text.empty() && text[0] == '.')
    text.erase(0, 1);
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, '.'))
    oid.push_back(static_cast<uint32_t>(std::stoul(part)));
  return oid;
}

inline std::vector<uint8_t> parse_hex_bytes(const std::string& text) {
  std::vector<uint8_t> bytes;
  std::stringstream in(text);
  std::string octet;
  while (in >> octet)
    bytes.push_back(static_cast<uint8_t>(std::stoul(octet, nullptr, 16)));
  return bytes;
}

inline std::vector<varbind> parse_snmpwalk(const std::string& text) {
  std::vector<varbind> result;
  std::stringstream in(text);
  std::string line;
  bool hex_continues = false;
  while (std::getline(in, line)) {
    if (line.empty())
      continue;
    if (line[0] != '.') {
      if (!hex_continues) {
        ADD_FAILURE() << "unexpected line: " << line;
        return {};
      }
      auto& bytes = std::get<octet_string_value>(result.back().value).bytes;
      auto more = parse_hex_bytes(line);
      bytes.insert(bytes.end(), more.begin(), more.end());
      continue;
    }
    hex_continues = false;
    auto eq = line.find(" = ");
    if (eq == std::string::npos) {
      ADD_FAILURE() << "no ' = ' in: " << line;
      return {};
    }
    varbind vb;
    vb.oid = parse_oid(line.substr(0, eq));
    auto rest = line.substr(eq + 3);
    auto colon = rest.find(": ");
    auto type = colon == std::string::npos ? rest : rest.substr(0, colon);
    auto value = colon == std::string::npos ? std::string{} : rest.substr(colon + 2);
    if (type == "INTEGER") {
      vb.value = integer_value{std::stoll(value)};
    } else if (type == "STRING") {
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      vb.value = octet_string_value{{value.begin(), value.end()}};
    } else if (type == "\"\"") {
      vb.value = octet_string_value{};
    } else if (type == "Hex-STRING") {
      vb.value = octet_string_value{parse_hex_bytes(value)};
      hex_continues = true;
    } else if (type == "Gauge32") {
      vb.value = unsigned_value{unsigned_value::kind::gauge32,
                                static_cast<uint32_t>(std::stoul(value))};
    } else if (type == "Counter32") {
      vb.value = unsigned_value{unsigned_value::kind::counter32,
                                static_cast<uint32_t>(std::stoul(value))};
    } else if (type == "Timeticks") {
      vb.value = unsigned_value{unsigned_value::kind::timeticks,
                                static_cast<uint32_t>(std::stoul(value.substr(1)))};
    } else if (type == "Counter64") {
      vb.value = counter64_value{std::stoull(value)};
    } else if (type == "OID") {
      vb.value = object_id_value{parse_oid(value)};
    } else if (type == "IpAddress") {
      ip_address_value ip;
      std::stringstream parts(value);
      std::string part;
      for (size_t i = 0; i < 4 && std::getline(parts, part, '.'); ++i)
        ip.bytes[i] = static_cast<uint8_t>(std::stoul(part));
      vb.value = ip;
    } else if (rest.rfind("No Such Instance", 0) == 0) {
      vb.value = no_value{no_value::kind::no_such_instance};
    } else if (rest.rfind("No Such Object", 0) == 0) {
      vb.value = no_value{no_value::kind::no_such_object};
    } else if (rest.rfind("No more variables", 0) == 0) {
      vb.value = no_value{no_value::kind::end_of_mib_view};
    } else {
      ADD_FAILURE() << "unknown type in: " << line;
      return {};
    }
    result.push_back(std::move(vb));
  }
  return result;
}

} // namespace kagami::protocols::snmp::testing
