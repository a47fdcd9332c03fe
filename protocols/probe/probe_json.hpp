#pragma once

// The JSON form of a TTL probe run (kagami-trace prints it; the topology
// supervisor may store it):
//
//   {"destination": "10.99.2.11", "identifier": 4711, "reached": true,
//    "deadline_hit": false, "malformed": 0,
//    "hops": [{"ttl": 1, "outcome": "time_exceeded", "address": "10.99.1.254",
//              "rtt_us": 87, "code": 0, "probes": 1},
//             {"ttl": 2, "outcome": "no_reply", "address": null,
//              "rtt_us": null, "code": 0, "probes": 2}, ...]}

#include <nlohmann/json.hpp>

#include "protocols/probe/ttl_probe.hpp"

namespace kagami::protocols::probe {

nlohmann::json to_json(const ttl_probe_result& result);

} // namespace kagami::protocols::probe
