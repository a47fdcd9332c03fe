#pragma once

// Every atom of the actor system, in one place. CAF 0.17 atoms hold at most
// 10 characters from [A-Za-z0-9_ ].

#include <caf/atom.hpp>

namespace kagami {

// Affordance operations.
using read_atom = caf::atom_constant<caf::atom("read")>;
using read_all_atom = caf::atom_constant<caf::atom("read_all")>;
using write_atom = caf::atom_constant<caf::atom("write")>;
using invoke_atom = caf::atom_constant<caf::atom("invoke")>;
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using unsubscribe_atom = caf::atom_constant<caf::atom("unsub")>;
using event_atom = caf::atom_constant<caf::atom("event")>;
using td_atom = caf::atom_constant<caf::atom("td")>;

// Introspection and registration.
using inspect_atom = caf::atom_constant<caf::atom("inspect")>;
using register_atom = caf::atom_constant<caf::atom("register")>;
using list_atom = caf::atom_constant<caf::atom("list")>;
using lookup_atom = caf::atom_constant<caf::atom("lookup")>;
using restarted_atom = caf::atom_constant<caf::atom("restarted")>;

// Supervision and wiring.
using set_real_atom = caf::atom_constant<caf::atom("set_real")>;
using thing_up_atom = caf::atom_constant<caf::atom("thing_up")>;
using thing_down_atom = caf::atom_constant<caf::atom("thing_down")>;
using respawn_atom = caf::atom_constant<caf::atom("respawn")>;
using poll_atom = caf::atom_constant<caf::atom("poll")>;
using http_atom = caf::atom_constant<caf::atom("http")>;

// Onboarding.
using admit_atom = caf::atom_constant<caf::atom("admit")>;
using retire_atom = caf::atom_constant<caf::atom("retire")>;
using seen_atom = caf::atom_constant<caf::atom("seen")>;
using rejected_atom = caf::atom_constant<caf::atom("rejected")>;
using onboarded_atom = caf::atom_constant<caf::atom("onboarded")>;
using isolate_atom = caf::atom_constant<caf::atom("isolate")>;
using recheck_atom = caf::atom_constant<caf::atom("recheck")>;
using reverify_atom = caf::atom_constant<caf::atom("reverify")>;

// Log validation: audit events in, alerts out.
using audit_atom = caf::atom_constant<caf::atom("audit")>;
using alert_atom = caf::atom_constant<caf::atom("alert")>;

// The admin API: audit trail queries and chain verification.
using query_atom = caf::atom_constant<caf::atom("query")>;
using verify_atom = caf::atom_constant<caf::atom("verify")>;

// Network elements and the topology.
using neighbours_atom = caf::atom_constant<caf::atom("neighbours")>;
using counters_atom = caf::atom_constant<caf::atom("counters")>;
using capabilities_atom = caf::atom_constant<caf::atom("caps")>;
using cut_atom = caf::atom_constant<caf::atom("cut")>;
using restore_atom = caf::atom_constant<caf::atom("restore")>;
using topology_atom = caf::atom_constant<caf::atom("topology")>;
using refresh_atom = caf::atom_constant<caf::atom("refresh")>;
using probe_atom = caf::atom_constant<caf::atom("probe")>;
using render_atom = caf::atom_constant<caf::atom("render")>;
using history_atom = caf::atom_constant<caf::atom("history")>;
using diff_atom = caf::atom_constant<caf::atom("diff")>;

// Detection and isolation.
using suspect_atom = caf::atom_constant<caf::atom("suspect")>;
using port_alarm_atom = caf::atom_constant<caf::atom("portalarm")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;

} // namespace kagami
