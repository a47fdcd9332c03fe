#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kagami::authn {

/// Whether an authenticated subject is a machine client or a person.
enum class subject_kind : uint8_t { app, user };

const char* to_string(subject_kind x);

/// Who made a request, as established by authentication. Authorization
/// (ACLs) decides what the subject may do; nothing here does.
struct subject {
  std::string name;
  subject_kind kind = subject_kind::user;
  std::vector<std::string> roles;
};

} // namespace kagami::authn
