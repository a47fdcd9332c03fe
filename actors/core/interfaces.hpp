#pragma once

// Every message that crosses a folder, as typed actor interfaces (CAF 0.17).
// Values travel as JSON text; failures travel as caf::error of category
// kagami::ec_category (actors/core/error.hpp). Every request has a timeout
// set by its sender.

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/core/atoms.hpp"
#include "actors/core/device_messages.hpp"
#include "actors/core/request_context.hpp"

namespace kagami {

/// The latest time (steady clock, nanoseconds since its epoch) at which a
/// device operation may still start. A request that waited in a busy
/// device's mailbox past it fails with ec::device_timeout and never reaches
/// the device: a write whose client already saw 504 must not happen later.
using device_deadline = int64_t;

/// The device side of a pair. Runs detached: every handler may block on
/// device I/O for up to the device timeout. Callers have already authorized
/// and validated the request. Values read from the device are checked
/// against the model's schema before they leave (ec::device_bad_reply).
using real_device_actor = caf::typed_actor<
  /// Reads one property; replies its JSON value.
  caf::replies_to<read_atom, std::string, device_deadline>::with<std::string>,
  /// Reads every property; replies a JSON object.
  caf::replies_to<read_all_atom, device_deadline>::with<std::string>,
  /// Writes one property (JSON value); replies "null".
  caf::replies_to<write_atom, std::string, std::string, device_deadline>::with<std::string>,
  /// Invokes an action with a JSON input; replies "null" (device replies
  /// never reach apps: actions declare no output yet).
  caf::replies_to<invoke_atom, std::string, std::string, device_deadline>::with<std::string>,
  /// Sends (event_atom, event name, JSON data) to `sink` whenever a model
  /// event fires, until `sink` terminates.
  caf::reacts_to<subscribe_atom, caf::actor>,
  /// Stops sending events to `sink`; polling stops with the last sink.
  caf::reacts_to<unsubscribe_atom, caf::actor>,
  /// Internal: the poll tick for event detection.
  caf::reacts_to<poll_atom>,
  caf::replies_to<inspect_atom>::with<std::string>>;

/// The application side of a pair: the only thing apps reach. Checks the
/// affordance and the value, then forwards to its real_device.
using virtual_device_actor = caf::typed_actor<
  caf::replies_to<read_atom, request_context, std::string>::with<std::string>,
  caf::replies_to<read_all_atom, request_context>::with<std::string>,
  caf::replies_to<write_atom, request_context, std::string, std::string>::with<std::string>,
  caf::replies_to<invoke_atom, request_context, std::string, std::string>::with<std::string>,
  /// Registers `sink` for event `name`; `sink` then receives
  /// (event_atom, thing id, event name, JSON data). Replies false for an
  /// unknown event.
  caf::replies_to<subscribe_atom, request_context, std::string, caf::actor>::with<bool>,
  /// Removes `sink` from event `name`; the last sink unsubscribes from the
  /// real device.
  caf::reacts_to<unsubscribe_atom, std::string, caf::actor>,
  /// The Thing Description (JSON text).
  caf::replies_to<td_atom>::with<std::string>,
  /// From the real device: (event_atom, event name, JSON data).
  caf::reacts_to<event_atom, std::string, std::string>,
  /// From the supervisor after the real device was restarted.
  caf::reacts_to<set_real_atom, real_device_actor>,
  caf::replies_to<inspect_atom>::with<std::string>>;

/// Every actor registers here so the console can list and inspect it.
/// CAF 0.17 cannot enumerate actors itself.
using directory_actor = caf::typed_actor<
  /// (type, key, handle): e.g. ("virtual_device", "plc-1", h). The directory
  /// monitors `handle` and drops the entry when it terminates.
  caf::reacts_to<register_atom, std::string, std::string, caf::actor>,
  /// A supervisor restarted (type, key); the count is kept per entry.
  caf::reacts_to<restarted_atom, std::string, std::string>,
  /// All live entries as a JSON array of {type, key, id, restarts}.
  caf::replies_to<list_atom>::with<std::string>,
  /// The live actor registered as (type, key), or an ec::not_found error.
  caf::replies_to<lookup_atom, std::string, std::string>::with<caf::actor>>;

/// Whoever serves things to apps: learns when a virtual device comes up
/// (thing id, TD JSON text, handle, the thing's model and tags) and when it goes away (thing id,
/// reason). An empty reason means the thing is gone (404 from then on); a
/// reason means it is withdrawn and apps get 503 with that reason until it
/// comes up again.
using thing_listener_actor = caf::typed_actor<
  caf::reacts_to<thing_up_atom, std::string, std::string, virtual_device_actor,
                 thing_facts>,
  caf::reacts_to<thing_down_atom, std::string, std::string>>;

/// The root supervisor: owns every real/virtual device pair, restarts a
/// crashed actor with back-off up to a maximum count.
using gateway_supervisor_actor = caf::typed_actor<
  /// Starts serving `device` or, when a pair with that id runs with a
  /// different config, replaces it. Replies true once the pair runs, or an
  /// error (ec::config_invalid: unknown model; ec::unavailable: no
  /// adapter). A device already served as is: true, nothing restarts.
  caf::replies_to<admit_atom, config::device_config>::with<bool>,
  /// Stops serving thing `id` (reason for apps: 503 until admitted again).
  /// Unknown ids are ignored.
  caf::reacts_to<retire_atom, std::string, std::string>,
  /// Internal: (device id, true for the real device) is due for a restart.
  caf::reacts_to<respawn_atom, std::string, bool>,
  /// Device pairs and their restart counts as JSON.
  caf::replies_to<inspect_atom>::with<std::string>>;

/// Turns discovery sightings into device pairs (through the gateway
/// supervisor) or rogue records (actors/onboarding/onboarding_supervisor.hpp).
using onboarding_supervisor_actor = caf::typed_actor<
  /// From a discovery source's thread: one observation of a device.
  caf::reacts_to<seen_atom, protocols::device_sighting>,
  /// From a discovery source's thread: input dropped as malformed
  /// (source, where it came from, why).
  caf::reacts_to<rejected_atom, std::string, std::string, std::string>,
  /// Internal: read a device again now (a pending profile change is due).
  caf::reacts_to<recheck_atom, protocols::device_sighting>,
  /// Internal: the periodic re-read of every admitted device whose profile
  /// can be fetched (UPnP, BLE), which may no longer announce itself.
  caf::reacts_to<reverify_atom>,
  /// Counters, admitted devices and rogues as JSON.
  caf::replies_to<inspect_atom>::with<std::string>>;

} // namespace kagami
