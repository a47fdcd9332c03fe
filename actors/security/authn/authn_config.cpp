#include "actors/security/authn/authn_config.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"

namespace kagami::authn {

namespace {

using nlohmann::json;

caf::error bad(const std::string& where, const std::string& why) {
  return make_error(ec::config_invalid, where + ": " + why);
}

/// Rejects keys of `obj` that are not in `known`.
caf::error only_keys(const json& obj, const std::string& ptr,
                     std::initializer_list<const char*> known) {
  if (!obj.is_object())
    return bad(ptr, "must be an object");
  std::set<std::string> names(known.begin(), known.end());
  for (auto& [key, value] : obj.items())
    if (names.count(key) == 0)
      return bad(ptr + "/" + key, "unknown key");
  return caf::none;
}

caf::error read_string(const json& obj, const char* key, const std::string& ptr,
                       std::string& out, bool required = false) {
  auto it = obj.find(key);
  if (it == obj.end())
    return required ? bad(ptr + "/" + key, "is required") : caf::none;
  if (!it->is_string() || it->get_ref<const std::string&>().empty())
    return bad(ptr + "/" + key, "must be a non-empty string");
  out = it->get<std::string>();
  return caf::none;
}

/// Reads a positive integer of at most `max` into `out`.
caf::error read_count(const json& obj, const char* key, const std::string& ptr,
                      uint64_t max, uint64_t& out) {
  auto it = obj.find(key);
  if (it == obj.end())
    return caf::none;
  if (!it->is_number_integer() || it->get<int64_t>() <= 0
      || static_cast<uint64_t>(it->get<int64_t>()) > max)
    return bad(ptr + "/" + key, "must be an integer from 1 to " + std::to_string(max));
  out = static_cast<uint64_t>(it->get<int64_t>());
  return caf::none;
}

template <class Duration, class Target>
caf::error read_duration(const json& obj, const char* key, const std::string& ptr,
                         uint64_t max, Target& out) {
  uint64_t n = 0;
  if (auto err = read_count(obj, key, ptr, max, n))
    return err;
  if (n != 0)
    out = std::chrono::duration_cast<Target>(Duration{n});
  return caf::none;
}

caf::expected<std::string> read_key_file(const std::string& path,
                                         const std::string& where) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return bad(where, "cannot read '" + path + "': " + ec.message());
  if (size > 64 * 1024)
    return bad(where, "'" + path + "' is larger than 64 KiB");
  std::ifstream in{path, std::ios::binary};
  std::string text{std::istreambuf_iterator<char>{in}, {}};
  if (!in.good() && !in.eof())
    return bad(where, "cannot read '" + path + "'");
  return text;
}

caf::error parse_jwt(const json& sec, const std::string& ptr,
                     const std::string& base_dir, authn_config& out) {
  if (auto err = only_keys(sec, ptr, {"algorithm", "key", "keyFile", "audience",
                                      "issuer", "leewayS", "subjectKind"}))
    return err;
  jwt_settings s;
  std::string alg = "HS256";
  if (auto err = read_string(sec, "algorithm", ptr, alg))
    return err;
  if (alg == "HS256")
    s.algorithm = jwt_algorithm::hs256;
  else if (alg == "ES256")
    s.algorithm = jwt_algorithm::es256;
  else
    return bad(ptr + "/algorithm", "must be HS256 or ES256 (got '" + alg + "')");
  bool has_key = sec.contains("key"), has_file = sec.contains("keyFile");
  if (has_key == has_file)
    return bad(ptr, "needs exactly one of key and keyFile");
  if (has_key) {
    if (auto err = read_string(sec, "key", ptr, s.key))
      return err;
  } else {
    std::string file;
    if (auto err = read_string(sec, "keyFile", ptr, file))
      return err;
    auto path = std::filesystem::path{base_dir} / file;
    auto text = read_key_file(path.lexically_normal().string(), ptr + "/keyFile");
    if (!text)
      return std::move(text.error());
    s.key = std::move(*text);
  }
  if (auto err = read_string(sec, "audience", ptr, s.audience, true))
    return err;
  std::string issuer;
  if (auto err = read_string(sec, "issuer", ptr, issuer))
    return err;
  if (!issuer.empty())
    s.issuer = issuer;
  uint64_t leeway = 0;
  if (sec.contains("leewayS") && sec["leewayS"] == 0)
    s.leeway = std::chrono::seconds{0};
  else if (auto err = read_count(sec, "leewayS", ptr, 300, leeway))
    return err;
  else if (leeway != 0)
    s.leeway = std::chrono::seconds(leeway);
  std::string kind = "user";
  if (auto err = read_string(sec, "subjectKind", ptr, kind))
    return err;
  if (kind != "user" && kind != "app")
    return bad(ptr + "/subjectKind", "must be user or app");
  out.jwt_subject_kind = kind == "app" ? subject_kind::app : subject_kind::user;
  // The verifier checks the key itself (length, PEM, curve).
  auto verifier = jwt_verifier::make(s);
  if (!verifier)
    return bad(ptr, detail_of(verifier.error()));
  out.jwt = std::move(s);
  return caf::none;
}

caf::error parse_anonymous(const json& sec, const std::string& ptr,
                           authn_config& out) {
  if (auto err = only_keys(sec, ptr, {"subject", "roles"}))
    return err;
  subject who;
  who.kind = subject_kind::app;
  if (auto err = read_string(sec, "subject", ptr, who.name, true))
    return err;
  if (auto it = sec.find("roles"); it != sec.end()) {
    if (!it->is_array() || it->size() > 64)
      return bad(ptr + "/roles", "must be an array of at most 64 role names");
    for (size_t i = 0; i < it->size(); ++i) {
      auto& role = (*it)[i];
      if (!role.is_string() || role.get_ref<const std::string&>().empty())
        return bad(ptr + "/roles/" + std::to_string(i), "must be a non-empty string");
      who.roles.push_back(role.get<std::string>());
    }
  }
  out.anonymous = std::move(who);
  return caf::none;
}

caf::error parse_brute_force(const json& sec, const std::string& ptr,
                             authn_config& out) {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  if (auto err = only_keys(sec, ptr, {"sourceFreeFailures", "sourceBaseDelayMs",
                                      "sourceMaxDelayMs", "accountFreeFailures",
                                      "accountBaseDelayMs", "accountMaxDelayMs",
                                      "lockoutFailures", "lockoutDurationS",
                                      "forgetAfterS", "breakGlass"}))
    return err;
  auto& bf = out.brute_force;
  uint64_t n = 0;
  if (auto err = read_count(sec, "sourceFreeFailures", ptr, 1000, n))
    return err;
  if (n != 0)
    bf.source_free_failures = static_cast<uint32_t>(n), n = 0;
  if (auto err = read_count(sec, "accountFreeFailures", ptr, 1000, n))
    return err;
  if (n != 0)
    bf.account_free_failures = static_cast<uint32_t>(n), n = 0;
  if (auto err = read_count(sec, "lockoutFailures", ptr, 10000, n))
    return err;
  if (n != 0)
    bf.lockout_failures = static_cast<uint32_t>(n), n = 0;
  constexpr uint64_t day_ms = 86'400'000, day_s = 86'400;
  if (auto err = read_duration<milliseconds>(sec, "sourceBaseDelayMs", ptr, day_ms,
                                             bf.source_base_delay))
    return err;
  if (auto err = read_duration<milliseconds>(sec, "sourceMaxDelayMs", ptr, day_ms,
                                             bf.source_max_delay))
    return err;
  if (auto err = read_duration<milliseconds>(sec, "accountBaseDelayMs", ptr, day_ms,
                                             bf.account_base_delay))
    return err;
  if (auto err = read_duration<milliseconds>(sec, "accountMaxDelayMs", ptr, day_ms,
                                             bf.account_max_delay))
    return err;
  if (auto err = read_duration<seconds>(sec, "lockoutDurationS", ptr, day_s,
                                        bf.lockout_duration))
    return err;
  if (auto err = read_duration<seconds>(sec, "forgetAfterS", ptr, 7 * day_s,
                                        bf.forget_after))
    return err;
  if (auto it = sec.find("breakGlass"); it != sec.end()) {
    if (!it->is_array() || it->size() > 256)
      return bad(ptr + "/breakGlass", "must be an array of at most 256 prefixes");
    for (size_t i = 0; i < it->size(); ++i) {
      if (!(*it)[i].is_string())
        return bad(ptr + "/breakGlass/" + std::to_string(i), "must be a string");
      auto prefix = (*it)[i].get<std::string>();
      // A break-glass network is a console network, never "everyone".
      auto slash = prefix.find('/');
      if (slash != std::string::npos) {
        auto bits = std::atoi(prefix.c_str() + slash + 1);
        bool v6 = prefix.find(':') != std::string::npos;
        if (bits < (v6 ? 48 : 16))
          return bad(ptr + "/breakGlass/" + std::to_string(i),
                     "'" + prefix + "' is too wide for a break-glass network (at least /"
                       + (v6 ? std::string{"48"} : std::string{"16"}) + ")");
      }
      bf.break_glass.push_back(std::move(prefix));
    }
  }
  // The guard checks the combination (free failures below the lockout,
  // delays below their caps, parseable prefixes).
  auto guard = security::authz::brute_force_guard::make(bf);
  if (!guard)
    return bad(ptr, detail_of(guard.error()));
  return caf::none;
}

} // namespace

enforced_schemes authn_config::schemes() const {
  enforced_schemes s;
  if (credentials) {
    s.basic = credentials->user_count() > 0;
    s.api_key = credentials->api_key_count() > 0;
    s.bearer = credentials->token_count() > 0;
  }
  if (jwt) {
    s.bearer = true;
    s.bearer_format = "jwt";
    s.bearer_alg = to_string(jwt->algorithm);
  }
  s.nosec = anonymous.has_value();
  return s;
}

caf::expected<authn_config> parse_authn_config(const json& section,
                                               const std::string& pointer,
                                               const std::string& base_dir) {
  if (auto err = only_keys(section, pointer,
                           {"credentials", "jwt", "anonymous", "bruteForce"}))
    return err;
  authn_config out;
  if (auto it = section.find("credentials"); it != section.end()) {
    // Unknown users are verified against a dummy hash as costly as the
    // costliest configured one, so timing does not tell who exists.
    argon2_params dummy;
    std::optional<argon2_params> costliest;
    if (it->is_object() && it->contains("users") && (*it)["users"].is_array())
      for (auto& user : (*it)["users"])
        if (user.is_object() && user.contains("passwordHash")
            && user["passwordHash"].is_string())
          if (auto p = check_encoded_hash(user["passwordHash"].get<std::string>())) {
            if (!costliest)
              costliest = *p;
            costliest->iterations = std::max(costliest->iterations, p->iterations);
            costliest->memory_kib = std::max(costliest->memory_kib, p->memory_kib);
            costliest->parallelism = std::max(costliest->parallelism, p->parallelism);
          }
    if (costliest)
      dummy = *costliest;
    auto store = parse_credential_store(*it, dummy);
    if (!store)
      return bad(pointer + "/credentials", detail_of(store.error()));
    out.credentials = std::make_shared<const credential_store>(std::move(*store));
  } else {
    auto store = credential_store::make({}, {}, {});
    if (!store)
      return std::move(store.error());
    out.credentials = std::make_shared<const credential_store>(std::move(*store));
  }
  if (auto it = section.find("jwt"); it != section.end())
    if (auto err = parse_jwt(*it, pointer + "/jwt", base_dir, out))
      return err;
  if (auto it = section.find("anonymous"); it != section.end())
    if (auto err = parse_anonymous(*it, pointer + "/anonymous", out))
      return err;
  if (auto it = section.find("bruteForce"); it != section.end())
    if (auto err = parse_brute_force(*it, pointer + "/bruteForce", out))
      return err;
  auto s = out.schemes();
  if (!s.basic && !s.bearer && !s.api_key && !s.nosec)
    return bad(pointer, "configures no way to authenticate: add credentials or a "
                        "jwt key, or an explicit anonymous subject");
  return out;
}

} // namespace kagami::authn
