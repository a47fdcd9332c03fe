#include "storage/audit_record.hpp"

#include <array>
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "actors/core/error.hpp"
#include "storage/kv_store.hpp"
#include "storage/record_fields.hpp"

namespace kagami::storage {

using nlohmann::json;

namespace {

constexpr std::string_view hash_domain = "kagami-audit-v1";

void put_u64(std::string& out, uint64_t x) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out += static_cast<char>((x >> shift) & 0xff);
}

void put_str(std::string& out, std::string_view x) {
  put_u64(out, x.size());
  out.append(x);
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size())
      return false;
    for (size_t j = 1; j < len; ++j) {
      auto cc = static_cast<unsigned char>(s[i + j]);
      if ((cc & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values above U+10FFFF.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800)
        || (len == 4 && cp < 0x10000) || cp > 0x10ffff
        || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += len;
  }
  return true;
}

bool is_hex_hash(const std::string& x) {
  if (x.size() != 64)
    return false;
  for (char c : x)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

caf::error corrupt(std::string_view key, std::string_view reason) {
  return corrupt_record("audit", cf::audit, key, reason);
}

} // namespace

const char* to_string(audit_outcome x) noexcept {
  switch (x) {
    case audit_outcome::allowed:
      return "allowed";
    case audit_outcome::denied:
      return "denied";
    case audit_outcome::error:
      return "error";
  }
  return "error";
}

std::optional<audit_outcome> parse_audit_outcome(std::string_view text) {
  if (text == "allowed")
    return audit_outcome::allowed;
  if (text == "denied")
    return audit_outcome::denied;
  if (text == "error")
    return audit_outcome::error;
  return std::nullopt;
}

std::string audit_key(uint64_t sequence) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%020llu",
                static_cast<unsigned long long>(sequence));
  return buf;
}

std::optional<uint64_t> parse_audit_key(std::string_view key) {
  if (key.size() != 20)
    return std::nullopt;
  uint64_t result = 0;
  for (char c : key) {
    if (c < '0' || c > '9')
      return std::nullopt;
    auto digit = static_cast<uint64_t>(c - '0');
    if (result > (UINT64_MAX - digit) / 10)
      return std::nullopt;
    result = result * 10 + digit;
  }
  return result;
}

std::string canonical_audit_bytes(const audit_record& rec) {
  const auto& ev = rec.event;
  std::string out;
  out.reserve(256);
  put_str(out, hash_domain);
  put_u64(out, rec.sequence);
  put_u64(out, static_cast<uint64_t>(ev.time_ms));
  put_str(out, ev.subject);
  put_str(out, ev.source);
  put_str(out, ev.thing);
  put_str(out, ev.affordance);
  put_str(out, ev.op);
  put_u64(out, static_cast<uint64_t>(ev.outcome));
  put_u64(out, ev.http_status);
  put_str(out, ev.check);
  put_str(out, ev.reason);
  put_str(out, ev.request_id);
  put_str(out, rec.prev_hash);
  return out;
}

std::string audit_hash(const audit_record& rec) {
  auto bytes = canonical_audit_bytes(rec);
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int md_len = 0;
  // EVP_Digest is one-shot; it fails only on allocation failure.
  if (EVP_Digest(bytes.data(), bytes.size(), md.data(), &md_len, EVP_sha256(),
                 nullptr)
      != 1)
    return {};
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(md_len * 2);
  for (unsigned i = 0; i < md_len; ++i) {
    hex += digits[md[i] >> 4];
    hex += digits[md[i] & 0x0f];
  }
  return hex;
}

std::string sanitize_audit_field(std::string_view value) {
  if (value.size() > max_audit_field)
    value = value.substr(0, max_audit_field);
  if (is_valid_utf8(value))
    return std::string{value};
  std::string out;
  for (unsigned char c : value) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  if (out.size() > max_audit_field)
    out.resize(max_audit_field);
  return out;
}

std::string encode_audit_record(const audit_record& rec) {
  const auto& ev = rec.event;
  json obj;
  obj["schema_version"] = audit_record_version;
  obj["seq"] = rec.sequence;
  obj["time_ms"] = ev.time_ms;
  obj["subject"] = ev.subject;
  obj["source"] = ev.source;
  obj["thing"] = ev.thing;
  obj["affordance"] = ev.affordance;
  obj["op"] = ev.op;
  obj["outcome"] = to_string(ev.outcome);
  obj["http_status"] = ev.http_status;
  obj["check"] = ev.check;
  obj["reason"] = ev.reason;
  obj["request_id"] = ev.request_id;
  obj["prev_hash"] = rec.prev_hash;
  obj["hash"] = rec.hash;
  return obj.dump(-1, ' ', false, json::error_handler_t::replace);
}

caf::expected<audit_record> decode_audit_record(std::string_view key,
                                                std::string_view bytes) {
  json obj;
  if (auto reason = parse_record(bytes, obj); !reason.empty())
    return corrupt(key, reason);
  const auto& ver = obj["schema_version"];
  if (!ver.is_number_integer())
    return corrupt(key, "field 'schema_version' is not an integer");
  if (ver.get<int64_t>() != audit_record_version)
    return corrupt(key, "unknown schema_version " + ver.dump());
  audit_record rec;
  auto& ev = rec.event;
  auto read_uint = [&](const char* name, uint64_t max,
                       uint64_t& out) -> std::string {
    auto i = obj.find(name);
    if (i == obj.end())
      return std::string{"missing field '"} + name + "'";
    if (!i->is_number_unsigned() || i->get<uint64_t>() > max)
      return std::string{"field '"} + name
             + "' is not an unsigned integer in range";
    out = i->get<uint64_t>();
    return {};
  };
  uint64_t seq = 0;
  uint64_t status = 0;
  std::string outcome;
  std::string reason = read_uint("seq", UINT64_MAX, seq);
  if (reason.empty()) {
    auto i = obj.find("time_ms");
    if (i == obj.end())
      reason = "missing field 'time_ms'";
    else if (!i->is_number_integer())
      reason = "field 'time_ms' is not an integer";
    else
      ev.time_ms = i->get<int64_t>();
  }
  struct string_field {
    const char* name;
    std::string* out;
  };
  const string_field fields[] = {
    {"subject", &ev.subject},       {"source", &ev.source},
    {"thing", &ev.thing},           {"affordance", &ev.affordance},
    {"op", &ev.op},                 {"outcome", &outcome},
    {"check", &ev.check},           {"reason", &ev.reason},
    {"request_id", &ev.request_id}, {"prev_hash", &rec.prev_hash},
    {"hash", &rec.hash},
  };
  for (const auto& f : fields)
    if (reason.empty())
      reason = read_string(obj, f.name, true, *f.out);
  if (reason.empty())
    reason = read_uint("http_status", UINT16_MAX, status);
  if (!reason.empty())
    return corrupt(key, reason);
  auto parsed = parse_audit_outcome(outcome);
  if (!parsed)
    return corrupt(key, "unknown outcome '" + sanitize_audit_field(outcome)
                          + "'");
  if (!is_hex_hash(rec.prev_hash))
    return corrupt(key, "field 'prev_hash' is not 64 lower-case hex digits");
  if (!is_hex_hash(rec.hash))
    return corrupt(key, "field 'hash' is not 64 lower-case hex digits");
  rec.sequence = seq;
  ev.outcome = *parsed;
  ev.http_status = static_cast<uint16_t>(status);
  return rec;
}

std::string encode_audit_head(const audit_head& head) {
  json obj;
  obj["schema_version"] = audit_record_version;
  obj["seq"] = head.sequence;
  obj["hash"] = head.hash;
  return obj.dump();
}

caf::expected<audit_head> decode_audit_head(std::string_view bytes) {
  auto fail = [](std::string_view reason) {
    return corrupt_record("audit head", cf::meta, audit_head_key, reason);
  };
  json obj;
  if (auto reason = parse_record(bytes, obj); !reason.empty())
    return fail(reason);
  const auto& ver = obj["schema_version"];
  if (!ver.is_number_integer() || ver.get<int64_t>() != audit_record_version)
    return fail("unknown schema_version " + ver.dump());
  auto seq = obj.find("seq");
  if (seq == obj.end() || !seq->is_number_unsigned())
    return fail("field 'seq' is missing or not an unsigned integer");
  audit_head head;
  head.sequence = seq->get<uint64_t>();
  if (auto reason = read_string(obj, "hash", true, head.hash); !reason.empty())
    return fail(reason);
  if (!is_hex_hash(head.hash))
    return fail("field 'hash' is not 64 lower-case hex digits");
  return head;
}

caf::expected<std::optional<audit_head>> load_audit_head(kv_store& store) {
  auto bytes = store.get(cf::meta, audit_head_key);
  if (!bytes)
    return std::move(bytes.error());
  if (!*bytes)
    return std::optional<audit_head>{};
  auto head = decode_audit_head(**bytes);
  if (!head)
    return std::move(head.error());
  return std::optional<audit_head>{std::move(*head)};
}

} // namespace kagami::storage
