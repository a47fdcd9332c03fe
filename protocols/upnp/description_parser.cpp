#include "protocols/upnp/description_parser.hpp"

#include <algorithm>
#include <array>
#include <string>

#include <pugixml.hpp>

#include "actors/core/error.hpp"

namespace kagami::protocols::upnp {

namespace {

caf::error bad(std::string reason) {
  return make_error(ec::device_bad_reply, "device description: " + std::move(reason));
}

bool contains_icase(std::string_view hay, std::string_view needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          auto lower = [](char c) {
                            return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a')
                                                          : c;
                          };
                          return lower(a) == lower(b);
                        });
  return it != hay.end();
}

/// Why `s` is not acceptable as a profile field, or "" when it is: valid
/// UTF-8 without C0 controls, DEL or C1 controls (U+0080..U+009F).
std::string check_text(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F)
        return "a control character";
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return "invalid UTF-8";
    }
    if (i + len > s.size())
      return "invalid UTF-8";
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80)
        return "invalid UTF-8";
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr std::array<uint32_t, 5> min_cp{0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return "invalid UTF-8";
    if (cp >= 0x80 && cp <= 0x9F)
      return "a control character";
    i += len;
  }
  return {};
}

std::string_view trim_xml_space(std::string_view s) {
  constexpr std::string_view ws = " \t\r\n";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos)
    return {};
  auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

/// The deepest element nesting below `doc`, counted without recursion.
size_t element_depth(pugi::xml_document& doc) {
  struct walker : pugi::xml_tree_walker {
    size_t deepest = 0;
    bool for_each(pugi::xml_node& n) override {
      if (n.type() == pugi::node_element)
        deepest = std::max(deepest, static_cast<size_t>(depth()) + 1);
      return true;
    }
  } w;
  doc.traverse(w);
  return w.deepest;
}

struct field_slot {
  const char* element;
  std::string device_profile::*member;
};

constexpr std::array<field_slot, 6> fields{{
  {"manufacturer", &device_profile::vendor},
  {"modelName", &device_profile::product},
  {"modelNumber", &device_profile::model_number},
  {"serialNumber", &device_profile::serial},
  {"UDN", &device_profile::udn},
  {"firmwareVersion", &device_profile::firmware},
}};

} // namespace

caf::expected<device_profile> parse_description(std::string_view xml) {
  if (xml.size() > description_limits::max_document)
    return bad("document of " + std::to_string(xml.size()) + " bytes exceeds "
               + std::to_string(description_limits::max_document));
  if (contains_icase(xml, "<!DOCTYPE"))
    return bad("a DOCTYPE is not accepted");
  pugi::xml_document doc;
  auto res = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default,
                             pugi::encoding_utf8);
  if (!res)
    return bad(std::string{"malformed XML at byte "} + std::to_string(res.offset) + ": "
               + res.description());
  if (element_depth(doc) > description_limits::max_depth)
    return bad("elements nest deeper than "
               + std::to_string(description_limits::max_depth) + " levels");
  size_t top = 0;
  for (auto n : doc.children())
    if (n.type() == pugi::node_element)
      ++top;
  if (top != 1)
    return bad("not exactly one document element");
  auto root = doc.document_element();
  if (std::string_view{root.name()} != "root"
      || std::string_view{root.attribute("xmlns").value()} != device_namespace)
    return bad("the document element is not <root xmlns=\""
               + std::string{device_namespace} + "\">");
  pugi::xml_node device;
  for (auto n : root.children("device")) {
    if (device)
      return bad("<root> holds more than one <device>");
    device = n;
  }
  if (!device)
    return bad("<root> holds no <device>");
  device_profile profile;
  std::array<bool, fields.size()> seen{};
  for (auto child : device.children()) {
    if (child.type() != pugi::node_element)
      continue;
    std::string_view name = child.name();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (name != fields[i].element)
        continue;
      if (seen[i])
        return bad("duplicate <" + std::string{name} + ">");
      seen[i] = true;
      std::string text;
      for (auto part : child.children()) {
        if (part.type() == pugi::node_pcdata || part.type() == pugi::node_cdata)
          text += part.value();
        else if (part.type() == pugi::node_element)
          return bad("<" + std::string{name} + "> holds elements");
        if (text.size() > description_limits::max_document)
          break;
      }
      auto value = trim_xml_space(text);
      if (value.size() > max_profile_field)
        return bad("<" + std::string{name} + "> is longer than "
                   + std::to_string(max_profile_field) + " bytes");
      if (auto why = check_text(value); !why.empty())
        return bad("<" + std::string{name} + "> holds " + why);
      if (fields[i].member == &device_profile::udn && !value.empty()
          && value.substr(0, 5) != "uuid:")
        return bad("<UDN> does not start with \"uuid:\"");
      profile.*(fields[i].member) = value;
    }
  }
  return profile;
}

} // namespace kagami::protocols::upnp
