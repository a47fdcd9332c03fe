#pragma once

// The typed repository of isolations: suspects the isolation supervisor cut
// off (or was asked to), with the evidence and the decision trail. One
// record per isolation in the "isolations" column family, encoded as JSON.
// Only the isolation supervisor writes; an operator's release is recorded in
// the record, never by deleting it.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "storage/kv_store.hpp"

namespace kagami::storage {

/// Where an isolation stands.
enum class isolation_state {
  /// The suspect is not located in the topology yet; a refresh was asked.
  pending,
  /// Every option would cut a critical device: an operator must decide.
  awaiting_operator,
  /// No element on the path can cut the suspect off (see the plan).
  no_option,
  /// A cut was made and verified; it is re-verified periodically.
  cut,
  /// The cut failed after its retries; retried at the next re-verify.
  failed,
  /// An operator released it; its cuts were restored where possible.
  released,
};

const char* to_string(isolation_state x);
std::optional<isolation_state> isolation_state_from_string(std::string_view s);

/// True for the states in which the supervisor keeps working on the record
/// (everything but released).
bool is_active(isolation_state x);

/// One cut in force for an isolation (a handover adds another).
struct applied_cut {
  std::string element_id;
  std::string action; ///< network::to_string(cut_action).
  std::string target;
  std::uint32_t port_id = 0;
  /// The base of its order ids: attempt N sends "ORDER_ID#N" (the element
  /// makes each order id once), a release "ORDER_ID#restore".
  std::string order_id;
  std::int64_t applied_ms = 0;
  bool verified = false;
  friend bool operator==(const applied_cut&, const applied_cut&) = default;
};

/// One line of the decision trail.
struct isolation_step {
  std::int64_t at_ms = 0;
  std::string what;                                   ///< One sentence.
  nlohmann::json detail = nlohmann::json::object();   ///< Plan, outcome, ...
  friend bool operator==(const isolation_step&, const isolation_step&) = default;
};

struct isolation_record {
  /// The key: "iso-MAC-CREATED_MS", the MAC's hex digits in lower case
  /// without colons (fits a URL path segment: /admin/isolations/{id}).
  std::string id;
  std::string suspect_mac;
  std::string suspect_ip;
  /// Onboarding's identity for a rogue ("mac:02:99:.."), else "".
  std::string identity;
  /// "flow" (mirror), "traffic" (counters), "rogue" (onboarding) or
  /// "gateway" (a violation seen at the gateway itself).
  std::string cause;
  /// What kind of violation ("port_scan", "flood", "rogue", ...).
  std::string kind;
  /// The latest evidence as the detector reported it.
  nlohmann::json evidence = nlohmann::json::object();
  isolation_state state = isolation_state::pending;
  std::vector<applied_cut> cuts;
  /// The last plan (cut_plan::to_json), the options with their impact.
  nlohmann::json plan = nlohmann::json::object();
  /// Oldest first, at most max_isolation_steps (the first few are kept, the
  /// rest roll).
  std::vector<isolation_step> trail;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::string released_by;
  std::int64_t released_ms = 0;
  friend bool operator==(const isolation_record&, const isolation_record&) = default;
};

/// The most steps a record keeps, and how many of the first ones survive
/// when it rolls (the detection and the first decision).
inline constexpr std::size_t max_isolation_steps = 64;
inline constexpr std::size_t kept_first_steps = 8;

/// The largest record decode_isolation_record reads, and the nesting depth.
inline constexpr std::size_t max_isolation_record_bytes = 1 << 20;
inline constexpr std::size_t max_isolation_record_depth = 32;

/// Appends a step, rolling the trail at max_isolation_steps.
void add_step(isolation_record& rec, std::int64_t at_ms, std::string what,
              nlohmann::json detail = nlohmann::json::object());

/// The record id for a suspect (lower-case MAC) first handled at `created_ms`.
std::string isolation_id(std::string_view mac, std::int64_t created_ms);

/// {"schema_version": 1, "id", "suspect_mac", "suspect_ip", "identity",
///  "cause", "kind", "evidence", "state", "cuts": [{"element", "action",
///  "target", "port", "order_id", "applied_ms", "verified"}], "plan",
///  "trail": [{"at_ms", "what", "detail"}], "created_ms", "updated_ms",
///  "released_by", "released_ms"}
inline constexpr int isolation_record_version = 1;

nlohmann::json to_json(const isolation_record& rec);
std::string encode_isolation_record(const isolation_record& rec);

/// Decodes a record stored under `key`: ec::storage_failure with "corrupt
/// isolation record 'isolations/KEY': REASON" for anything malformed (too
/// big or deep, a missing or mistyped field, an unknown state, an id that
/// differs from the key). Never throws.
caf::expected<isolation_record> decode_isolation_record(std::string_view key,
                                                        std::string_view bytes);

/// Saves and lists isolation records over a kv_store (which must outlive
/// it). Every write is synced. Not synchronized: one writer (the isolation
/// supervisor).
class isolation_registry {
public:
  explicit isolation_registry(kv_store& store) noexcept : store_(store) {
    // nop
  }

  /// Inserts or replaces `rec` (ec::invalid_value without an id).
  caf::error save(const isolation_record& rec);

  caf::expected<std::optional<isolation_record>> load(std::string_view id);

  /// Every record, by id. Fails on the first corrupt one, naming it.
  caf::expected<std::vector<isolation_record>> load_all();

private:
  kv_store& store_;
};

} // namespace kagami::storage
