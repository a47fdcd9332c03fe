#pragma once

// Who asks for what: travels with every app request from the HTTP layer to the
// virtual device, for the security chain and the audit trail.

#include <string>

namespace kagami {

struct request_context {
  /// The authenticated subject; "anonymous" until authentication lands.
  std::string subject = "anonymous";
  /// "ADDRESS:PORT" of the client.
  std::string source;
  /// Unique per request, for the audit trail and logs.
  std::string request_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, request_context& x) {
  return f(x.subject, x.source, x.request_id);
}

} // namespace kagami
