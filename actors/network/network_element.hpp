#pragma once

// network_element: one switch or access point, virtualized. The actor owns
// the element's adapter (an element_backend: SNMP, an AP's HTTP API, ...)
// and hides which protocol it speaks: the topology and isolation
// supervisors ask for neighbours, counters, capabilities and cuts alone.
//
// Detached: every handler may block on the element's network I/O (bounded
// by the adapter's timeouts), one request at a time, so a slow element never
// stalls a scheduler thread or another element. Callers set a request
// timeout above the adapter's worst case.
//
// Health: the last reading decides the element's status, shown by inspect:
// "ok", "degraded" (it answered, but something was malformed or missing:
// the reasons are listed) or "unreachable" (no answer, or an error).
//
// Cuts are idempotent by order id: a cut or restore whose order id was
// already carried out successfully replies the recorded outcome without
// touching the element again (the most recent max_remembered_orders are
// kept).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/core/atoms.hpp"
#include "actors/network/element_backend.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kagami::network::element_reading)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kagami::network::counter_reading)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kagami::network::cut_order)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kagami::network::cut_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<kagami::network::cut_action>)

namespace kagami::network {

/// The latest time (steady clock, nanoseconds since its epoch) at which a
/// reading may still start. A request that waited in the element's mailbox
/// past it (its sender gave up) fails with ec::device_timeout without
/// touching the element, so a slow element never works off a backlog of
/// readings nobody waits for.
using element_deadline = std::int64_t;

/// `timeout` from now as an element_deadline.
element_deadline deadline_in(std::chrono::nanoseconds timeout);

using network_element_actor = caf::typed_actor<
  /// Who is attached to which port (errors: the backend's, as values).
  caf::replies_to<neighbours_atom, element_deadline>::with<element_reading>,
  /// Per-port status and 64-bit counters.
  caf::replies_to<counters_atom, element_deadline>::with<counter_reading>,
  /// The cuts this element offers.
  caf::replies_to<capabilities_atom>::with<std::vector<cut_action>>,
  /// Makes a cut and reads it back; idempotent by order id.
  caf::replies_to<cut_atom, cut_order>::with<cut_outcome>,
  /// Undoes a cut and reads it back; idempotent by order id.
  caf::replies_to<restore_atom, cut_order>::with<cut_outcome>,
  /// Status, degraded reasons, counts and last error as JSON.
  caf::replies_to<inspect_atom>::with<std::string>>;

/// Who the element is, for inspect and for readings that failed.
struct network_element_config {
  topology::element identity;
  /// Orders remembered for idempotency.
  std::size_t max_remembered_orders = 256;
};

/// Spawns the element actor, detached, owning `backend` (not null).
network_element_actor spawn_network_element(caf::actor_system& sys,
                                            network_element_config cfg,
                                            std::shared_ptr<element_backend> backend);

} // namespace kagami::network
