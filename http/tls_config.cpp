#include "http/tls_config.hpp"

#include <algorithm>
#include <set>

#include "config/json_reader.hpp"
#include "http/tls_identity.hpp"

namespace kagami::http {

namespace {

constexpr const char* known_keys[] = {
  "enabled",   "certFile",       "keyFile",        "clientCa",
  "requireClientCert", "clientApps", "allowPlainHttp", "subjectAltNames",
};

/// 1..255 characters, none of them a control character.
bool is_printable_name(const std::string& s) {
  if (s.empty() || s.size() > 255)
    return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f)
      return false;
  return true;
}

template <class Json>
class section_parser {
public:
  section_parser(const Json& section, const std::string& pointer)
    : section_(section), pointer_(pointer) {
  }

  caf::expected<tls_config> run() {
    tls_config out;
    if (section_.is_null())
      return out;
    if (!section_.is_object())
      return fail(pointer_, "must be an object");
    for (const auto& [key, value] : section_.items()) {
      (void) value;
      if (std::find(std::begin(known_keys), std::end(known_keys), key)
          == std::end(known_keys))
        return fail(path(key), "unknown key");
    }
    if (!read_bool("enabled", out.enabled)
        || !read_string("certFile", out.cert_file)
        || !read_string("keyFile", out.key_file)
        || !read_string("clientCa", out.client_ca_file)
        || !read_bool("requireClientCert", out.require_client_cert)
        || !read_bool("allowPlainHttp", out.allow_plain_http)
        || !read_apps(out.client_apps)
        || !read_alt_names(out.subject_alt_names))
      return error_;
    if (out.cert_file.empty() != out.key_file.empty()) {
      auto missing = out.cert_file.empty() ? "certFile" : "keyFile";
      auto given = out.cert_file.empty() ? "keyFile" : "certFile";
      return fail(path(missing), std::string{"required when "} + given
                                   + " is set (give both, or neither to use "
                                     "the generated certificate)");
    }
    if (out.client_ca_file.empty()) {
      if (out.require_client_cert)
        return fail(path("requireClientCert"), "needs clientCa");
      if (!out.client_apps.empty())
        return fail(path("clientApps"), "needs clientCa");
    }
    if (!out.enabled && !out.allow_plain_http)
      return fail(path("enabled"),
                  "plain HTTP serves only when the config allows it "
                  "(allowPlainHttp: true)");
    return out;
  }

private:
  std::string path(std::string_view key) const {
    return pointer_ + "/" + config::pointer_token(key);
  }

  caf::error fail(const std::string& where, const std::string& reason) {
    error_ = make_error(ec::config_invalid, where + ": " + reason);
    return error_;
  }

  const Json* find(const char* key) const {
    auto i = section_.find(key);
    return i == section_.end() ? nullptr : &*i;
  }

  bool read_bool(const char* key, bool& out) {
    auto* v = find(key);
    if (v == nullptr)
      return true;
    if (!v->is_boolean())
      return (fail(path(key), "must be true or false"), false);
    out = v->template get<bool>();
    return true;
  }

  bool read_string(const char* key, std::string& out) {
    auto* v = find(key);
    if (v == nullptr)
      return true;
    if (!v->is_string() || v->template get_ref<const std::string&>().empty())
      return (fail(path(key), "must be a non-empty string"), false);
    out = v->template get<std::string>();
    return true;
  }

  bool read_apps(std::map<std::string, std::string>& out) {
    auto* v = find("clientApps");
    if (v == nullptr)
      return true;
    if (!v->is_object())
      return (fail(path("clientApps"), "must be an object"), false);
    for (const auto& [cn, app] : v->items()) {
      auto where = path("clientApps") + "/" + config::pointer_token(cn);
      if (!is_printable_name(cn))
        return (fail(where, "a certificate CN must be 1 to 255 characters "
                            "without control characters"),
                false);
      if (!app.is_string()
          || !is_printable_name(app.template get_ref<const std::string&>()))
        return (fail(where, "must be an app name: 1 to 255 characters "
                            "without control characters"),
                false);
      out.emplace(cn, app.template get<std::string>());
    }
    return true;
  }

  bool read_alt_names(std::vector<std::string>& out) {
    auto* v = find("subjectAltNames");
    if (v == nullptr)
      return true;
    if (!v->is_array())
      return (fail(path("subjectAltNames"), "must be an array"), false);
    std::set<std::string> seen;
    for (size_t i = 0; i < v->size(); ++i) {
      auto where = path("subjectAltNames") + "/" + std::to_string(i);
      const auto& e = (*v)[i];
      if (!e.is_string()
          || !is_subject_alt_name(e.template get_ref<const std::string&>()))
        return (fail(where, "must be an IP literal or a DNS name"), false);
      auto name = e.template get<std::string>();
      if (!seen.insert(name).second)
        return (fail(where, "duplicate name \"" + name + "\""), false);
      out.push_back(std::move(name));
    }
    return true;
  }

  const Json& section_;
  std::string pointer_;
  caf::error error_;
};

} // namespace

caf::expected<tls_config> parse_tls_config(const nlohmann::json& section,
                                           const std::string& pointer) {
  return section_parser<nlohmann::json>{section, pointer}.run();
}

caf::expected<tls_config> parse_tls_config(
  const nlohmann::ordered_json& section, const std::string& pointer) {
  return section_parser<nlohmann::ordered_json>{section, pointer}.run();
}

} // namespace kagami::http
