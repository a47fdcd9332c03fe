#include "protocols/ble/ble_values.hpp"

#include <algorithm>
#include <cstdio>

#include "actors/core/error.hpp"

namespace kagami::protocols::ble {

namespace {

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
         || (c >= 'A' && c <= 'F');
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

caf::error bad(std::string detail) {
  return make_error(ec::device_bad_reply, std::move(detail));
}

/// Lower-cases `text` if it is hex digits with '-' or ':' exactly at the
/// positions in `separators`.
bool hex_with_separators(std::string_view text, std::string_view pattern,
                         std::string& out) {
  if (text.size() != pattern.size())
    return false;
  out.resize(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (pattern[i] == 'x') {
      if (!is_hex(text[i]))
        return false;
      out[i] = lower(text[i]);
    } else {
      if (text[i] != pattern[i])
        return false;
      out[i] = text[i];
    }
  }
  return true;
}

} // namespace

caf::expected<std::string> parse_bd_address(std::string_view text) {
  std::string out;
  if (!hex_with_separators(text, "xx:xx:xx:xx:xx:xx", out))
    return bad("not a BD address (want AA:BB:CC:DD:EE:FF): \""
               + bounded_for_log(text, 40) + "\"");
  return out;
}

caf::expected<std::string> parse_uuid128(std::string_view text) {
  std::string out;
  if (!hex_with_separators(text, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", out))
    return bad("not a 128-bit UUID: \"" + bounded_for_log(text, 60) + "\"");
  return out;
}

bool is_object_path(std::string_view text, size_t max_len) {
  if (text.empty() || text.size() > max_len || text.front() != '/')
    return false;
  if (text.size() == 1)
    return true;
  if (text.back() == '/')
    return false;
  char prev = '/';
  for (size_t i = 1; i < text.size(); ++i) {
    char c = text[i];
    if (c == '/') {
      if (prev == '/')
        return false;
    } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                 || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
    prev = c;
  }
  return true;
}

bool is_valid_utf8(std::string_view text) {
  size_t i = 0;
  auto n = text.size();
  auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  while (i < n) {
    uint8_t c = byte(i);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false; // continuation byte, overlong lead (c0/c1) or > f4
    }
    if (n - i < len)
      return false;
    for (size_t k = 1; k < len; ++k) {
      uint8_t cc = byte(i + k);
      if ((cc & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)
        || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += len;
  }
  return true;
}

caf::expected<std::string> decode_dis_value(std::span<const uint8_t> bytes) {
  if (bytes.size() > max_att_value)
    return bad("value of " + std::to_string(bytes.size())
               + " bytes is longer than an ATT value (512)");
  auto end = bytes.size();
  while (end > 0 && bytes[end - 1] == 0)
    --end;
  if (end > max_profile_field)
    return bad("value of " + std::to_string(end) + " bytes exceeds "
               + std::to_string(max_profile_field));
  std::string text(reinterpret_cast<const char*>(bytes.data()), end);
  if (!is_valid_utf8(text))
    return bad("value is not valid UTF-8");
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<uint8_t>(text[i]);
    if (c < 0x20 || c == 0x7f)
      return bad("value holds control character "
                 + std::to_string(static_cast<int>(c)) + " at byte "
                 + std::to_string(i));
    // C1 controls U+0080..U+009F are encoded as C2 80..C2 9F.
    if (c == 0xc2 && i + 1 < text.size()
        && static_cast<uint8_t>(text[i + 1]) <= 0x9f)
      return bad("value holds a C1 control character at byte "
                 + std::to_string(i));
  }
  return text;
}

std::string device_fingerprint(std::string_view address, bool services_resolved,
                               std::vector<std::string> uuids) {
  std::sort(uuids.begin(), uuids.end());
  uint64_t h = 14695981039346656037ull;
  auto mix = [&h](std::string_view s) {
    for (auto c : s) {
      h ^= static_cast<uint8_t>(c);
      h *= 1099511628211ull;
    }
    // A separator no field contains, so ("ab","c") != ("a","bc").
    h ^= 0x1f;
    h *= 1099511628211ull;
  };
  mix(address);
  mix(services_resolved ? "1" : "0");
  for (auto& u : uuids)
    mix(u);
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string bounded_for_log(std::string_view text, size_t max_len) {
  std::string out;
  auto n = std::min(text.size(), max_len);
  out.reserve(n + 3);
  for (size_t i = 0; i < n; ++i) {
    auto c = static_cast<uint8_t>(text[i]);
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  }
  if (text.size() > max_len)
    out += "...";
  return out;
}

} // namespace kagami::protocols::ble
