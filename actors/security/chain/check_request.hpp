#pragma once

// What a security check sees of one app request: who sends it, to which
// thing and affordance, with which op, and the raw HTTP parts. Built by the
// frontend after authentication succeeded.

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "actors/security/authn/subject.hpp"
#include "actors/security/authz/acl_policy.hpp"

namespace kagami::security {

/// One request as the checks see it. Every view and pointer refers to storage
/// the caller owns and keeps alive for the duration of one decide() or
/// observe() call; a check that needs anything later copies it.
struct check_request {
  /// For audit records and logs.
  std::string_view request_id;
  /// The authenticated subject. Never null when a chain runs: authentication
  /// has already succeeded (check_chains::run denies a null subject).
  const authn::subject* subject = nullptr;
  /// The client's IP address, without port.
  std::string_view source_address;
  std::string_view thing_id;
  /// The id of the thing's device model (config::device_model::id).
  std::string_view thing_model;
  /// The thing's tags; null means none.
  const std::vector<std::string>* thing_tags = nullptr;
  /// The property, action or event name; "*" for an op on all affordances of
  /// its kind (readallproperties arrives as "*" with op readproperty).
  std::string_view affordance;
  authz::operation op = authz::operation::readproperty;
  /// The HTTP method.
  std::string_view method;
  /// The raw request target: path and query, as received.
  std::string_view target;
  /// The request's header fields, names in lower case; null means none.
  const std::map<std::string, std::string>* headers = nullptr;
  /// The request body as received (a JSON value for writes and actions).
  std::string_view body;
  /// Wall-clock time of the request (ACL time windows).
  std::chrono::system_clock::time_point now;
  /// Monotonic time of the request (rate limits and write intervals).
  std::chrono::steady_clock::time_point mono_now;
};

} // namespace kagami::security
