#pragma once

// What lab tests do as an app: HTTP GETs to the gateway's WoT API from the
// lab's app namespace (curl), the thing ids /things lists, and waiting for a
// condition.

#include <chrono>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>

#include "tests/lab/lab_fixture.hpp"

namespace kagami::lab {

/// The WoT base URL of kagamid in the lab (config/lab/site.json).
inline constexpr const char* lab_gateway_url = "http://10.99.100.1:8080";

/// The lab app's API key (config/lab/site.json stores only its SHA-256).
inline constexpr const char* lab_api_key = "kagami-lab-key";

/// GET `lab_gateway_url` + `path` from the app namespace: (HTTP status,
/// body); status 0 with curl's output when no answer came in 5 s.
inline std::pair<int, std::string> app_get(const factory_lab& lab, const std::string& path) {
  auto r = lab.exec("app", "curl -s -m 5 -w '\\n%{http_code}' -H 'X-API-Key: "
                             + std::string{lab_api_key} + "' "
                             + shell_quote(std::string{lab_gateway_url} + path));
  auto cut = r.out.rfind('\n');
  if (r.exit_code != 0 || cut == std::string::npos)
    return {0, r.out + r.err};
  return {std::atoi(r.out.c_str() + cut + 1), r.out.substr(0, cut)};
}

/// The lab's admin app (config/lab/site.json stores only its SHA-256).
inline constexpr const char* lab_admin_key = "kagami-lab-admin-key";

/// `method` `lab_gateway_url` + `path` with the admin key, from the app
/// namespace: (HTTP status, body); status 0 when no answer came in 10 s.
inline std::pair<int, std::string> admin_call(const factory_lab& lab, const std::string& method,
                                              const std::string& path) {
  auto r = lab.exec("app", "curl -s -m 10 -X " + method + " -w '\\n%{http_code}' -H 'X-API-Key: "
                             + std::string{lab_admin_key} + "' "
                             + shell_quote(std::string{lab_gateway_url} + path));
  auto cut = r.out.rfind('\n');
  if (r.exit_code != 0 || cut == std::string::npos)
    return {0, r.out + r.err};
  return {std::atoi(r.out.c_str() + cut + 1), r.out.substr(0, cut)};
}

/// The thing ids /things lists (duplicates kept); empty when it fails.
inline std::multiset<std::string> listed_things(const factory_lab& lab) {
  std::multiset<std::string> out;
  auto [status, body] = app_get(lab, "/things");
  if (status != 200)
    return out;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_array())
    return out;
  const std::string prefix = "urn:kagami:thing:";
  for (auto& td : j)
    out.insert(td.value("id", "").substr(prefix.size()));
  return out;
}

/// Polls `pred` every 500 ms until it holds or `limit` passes.
template <class Pred>
bool eventually(Pred pred, std::chrono::seconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return pred();
}

} // namespace kagami::lab
