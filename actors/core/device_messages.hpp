#pragma once

// Lets config and discovery types travel in local actor messages (CAF 0.17
// inspect overloads, found by ADL). None of them is sent to remote actors.

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/meta/type_name.hpp>

#include "config/site_config.hpp"
#include "protocols/discovery/discovery.hpp"

namespace kagami::config {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, device_config& x) {
  return f(caf::meta::type_name("device_config"), x.id, x.title, x.model,
           x.address, x.unit_id, x.tags);
}

} // namespace kagami::config

namespace kagami {

/// What the security checks need to know of a thing besides its id: the
/// design facts the site config gives it. Sent with thing_up.
struct thing_facts {
  /// The device model's id.
  std::string model;
  std::vector<std::string> tags;

  friend bool operator==(const thing_facts&, const thing_facts&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, thing_facts& x) {
  return f(caf::meta::type_name("thing_facts"), x.model, x.tags);
}

} // namespace kagami

// A sighting holds an optional profile; both stay local to the process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kagami::protocols::device_sighting)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kagami::protocols::device_profile)
