#pragma once

// The "security" section of site configs for integration tests that are
// about something else (devices, HTTP hardening, onboarding): requests need
// no credentials, explicitly (an anonymous subject, so TDs say nosec), and
// the chain is the ACL alone, allowing that subject everything; plain HTTP,
// explicitly allowed (the TLS tests are tls_server_test and security_test). Every
// request still passes the security stage and is audited. The security
// tests (security_test.cpp) use real credentials and the full chain.

#include <nlohmann/json.hpp>

namespace kagami::test {

inline nlohmann::json open_security() {
  return {
    {"authentication", {{"anonymous", {{"subject", "integration-test"},
                                       {"roles", {"tester"}}}}}},
    {"checks", {{"acl", {{"type", "acl"},
                         {"rules", {{{"subject", "role:tester"}, {"thing", "*"},
                                     {"affordance", "*"}, {"op", "*"}}}}}}}},
    {"chains", {{"default", {"acl"}}}},
    {"tls", {{"enabled", false}, {"allowPlainHttp", true}}},
  };
}

} // namespace kagami::test
