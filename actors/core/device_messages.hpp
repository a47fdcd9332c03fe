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

// A sighting holds an optional profile; both stay local to the process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kagami::protocols::device_sighting)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kagami::protocols::device_profile)
