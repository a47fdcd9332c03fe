#pragma once

// audit_service: reads the audit trail for the admin API, off the request
// path. Detached: a query scans RocksDB and may take a while; the frontend
// asks it with a timeout and never blocks its strand.

#include <string>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/core/atoms.hpp"
#include "storage/audit_query.hpp"
#include "storage/kv_store.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kagami::storage::audit_filter)

namespace kagami::security {

using audit_service_actor = caf::typed_actor<
  /// The matching records as a JSON array (each as kagami-audit prints it),
  /// ascending by sequence; ec::storage_failure when the trail cannot be read.
  caf::replies_to<query_atom, storage::audit_filter>::with<std::string>,
  /// The chain verification report as JSON: {"ok", "records", and on a
  /// break "sequence" and "reason"}.
  caf::replies_to<verify_atom>::with<std::string>>;

/// Spawns the service, detached. `store` must outlive it.
audit_service_actor spawn_audit_service(caf::actor_system& sys, storage::kv_store& store);

} // namespace kagami::security
