#include "actors/isolation/isolation_supervisor.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>

#include <caf/all.hpp>

#include "actors/core/error.hpp"
#include "actors/isolation/isolation_rules.hpp"
#include "actors/network/topology_history.hpp"
#include "storage/isolation_registry.hpp"

namespace kagami::isolation {

namespace {

using namespace std::chrono;
using nlohmann::json;
using storage::isolation_record;
using storage::isolation_state;

/// How often a refresh may be asked to locate one suspect.
constexpr std::int64_t locate_period_ms = 10'000;

/// The largest evidence document kept in a record.
constexpr std::size_t max_evidence_bytes = 64 * 1024;

std::int64_t now_ms() {
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Evidence as a JSON object: the detector's document, or its text when it
/// is not one (bounded either way).
json evidence_of(const std::string& text) {
  if (text.size() > max_evidence_bytes)
    return {{"truncated", true}, {"text", text.substr(0, 1024)}};
  auto doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return {{"text", text}};
  return doc;
}

std::int64_t int_field(const json& doc, const char* name) {
  auto i = doc.find(name);
  return i != doc.end() && i->is_number_integer() ? i->get<std::int64_t>() : 0;
}

struct isolation_supervisor_state {
  static inline const char* name = "isolation_supervisor";

  isolation_supervisor_config cfg;
  std::unique_ptr<storage::isolation_registry> registry;
  std::unique_ptr<topology::topology_history> history;
  std::map<std::string, network::network_element_actor> elements;
  capability_map capabilities;

  /// The newest topology (nothing before the first version).
  std::optional<topology::topology_graph> graph;
  std::uint64_t graph_version = 0;

  /// Every record by id; the active one of each MAC.
  std::map<std::string, isolation_record> records;
  std::map<std::string, std::string> active_by_mac;
  /// When each MAC was last released (evidence older than that is stale).
  std::map<std::string, std::int64_t> released_at;
  /// Records with a cut request outstanding (one at a time per record).
  std::set<std::string> in_flight;
  /// Order ids differ across attempts and restarts.
  std::uint64_t next_attempt = 0;
  /// When a refresh was last asked to locate each record's suspect.
  std::map<std::string, std::int64_t> refresh_asked;

  // Counters for inspect.
  std::uint64_t suspicions = 0;
  std::uint64_t cuts_verified = 0;
  std::uint64_t cuts_failed = 0;
  std::uint64_t reapplied = 0;
  std::uint64_t releases = 0;
  std::uint64_t alerts = 0;
  std::string last_error;

  void log(const std::string& line) {
    if (cfg.log)
      cfg.log(line);
  }

  void raise(const std::string& kind, const std::string& severity,
             const std::string& summary, json evidence) {
    ++alerts;
    log(summary);
    if (cfg.alert)
      cfg.alert(json{{"kind", kind},
                     {"severity", severity},
                     {"summary", summary},
                     {"evidence", std::move(evidence)}});
  }

  void save(isolation_record& rec) {
    rec.updated_ms = now_ms();
    if (auto err = registry->save(rec)) {
      last_error = "cannot save isolation " + rec.id + ": " + to_string(err);
      log(last_error);
    }
  }

  /// Active isolations' and rogues' MACs: never counted as healthy.
  std::set<std::string> not_healthy() const {
    std::set<std::string> result;
    if (cfg.rogue_macs)
      for (auto& m : cfg.rogue_macs())
        result.insert(lower(m));
    for (auto& [mac, id] : active_by_mac)
      result.insert(mac);
    return result;
  }

  void load_topology() {
    auto latest = history->latest();
    if (!latest) {
      last_error = "cannot read the topology: " + to_string(latest.error());
      log(last_error);
      return;
    }
    if (!*latest)
      return;
    auto& v = **latest;
    graph = topology::topology_graph::merge(v.inputs.reports, v.inputs.known_devices,
                                            v.inputs.gateway_mac);
    graph_version = v.version;
  }
};

using self_ptr = isolation_supervisor_actor::stateful_pointer<isolation_supervisor_state>;

void decide(self_ptr self, const std::string& id);

/// Sends `cut` (attempt `attempt`, counted from 1) and records the outcome;
/// retries until cfg.retries further attempts are spent.
void execute(self_ptr self, const std::string& id, storage::applied_cut cut,
             std::size_t attempt, const std::string& why) {
  auto& st = self->state;
  auto el = st.elements.find(cut.element_id);
  auto rec_it = st.records.find(id);
  if (rec_it == st.records.end())
    return;
  if (el == st.elements.end()) {
    auto& rec = rec_it->second;
    rec.state = isolation_state::failed;
    storage::add_step(rec, now_ms(), "no element actor for " + cut.element_id);
    st.save(rec);
    return;
  }
  st.in_flight.insert(id);
  auto order = order_for(cut, ++st.next_attempt);
  auto sent_ms = now_ms();
  auto finish = [self, id, cut, attempt, why, sent_ms, order](
                  caf::expected<network::cut_outcome> outcome) mutable {
    auto& st = self->state;
    st.in_flight.erase(id);
    auto it = st.records.find(id);
    if (it == st.records.end() || it->second.state == isolation_state::released)
      return;
    auto& rec = it->second;
    auto done_ms = now_ms();
    json detail{{"element", cut.element_id},
                {"action", cut.action},
                {"target", cut.target},
                {"order_id", order.order_id},
                {"attempt", attempt},
                {"round_trip_ms", done_ms - sent_ms},
                {"since_suspected_ms", done_ms - rec.created_ms}};
    if (auto first = int_field(rec.evidence, "first_seen_ms"); first > 0)
      detail["since_first_packet_ms"] = done_ms - first;
    if (outcome) {
      detail["applied"] = outcome->applied;
      detail["verified"] = outcome->verified;
      detail["detail"] = outcome->detail;
      if (outcome->acknowledged_ms > 0) {
        detail["acknowledged_ms"] = outcome->acknowledged_ms - sent_ms;
        if (auto first = int_field(rec.evidence, "first_seen_ms"); first > 0)
          detail["ack_since_first_packet_ms"] = outcome->acknowledged_ms - first;
      }
    } else {
      detail["error"] = to_string(outcome.error());
    }
    if (outcome && outcome->applied && outcome->verified) {
      cut.applied_ms = done_ms;
      cut.verified = true;
      auto same = std::find_if(rec.cuts.begin(), rec.cuts.end(), [&](auto& c) {
        return c.element_id == cut.element_id && c.action == cut.action
               && c.target == cut.target;
      });
      if (same != rec.cuts.end())
        *same = cut;
      else
        rec.cuts.push_back(cut);
      rec.state = isolation_state::cut;
      ++st.cuts_verified;
      storage::add_step(rec, done_ms, "cut verified (" + why + "): " + cut.action
                                        + " " + cut.target + " on " + cut.element_id,
                        std::move(detail));
      st.save(rec);
      st.log("isolated " + rec.suspect_mac + ": " + cut.action + " " + cut.target + " on "
             + cut.element_id);
      return;
    }
    storage::add_step(rec, done_ms, "cut attempt " + std::to_string(attempt) + " failed",
                      std::move(detail));
    if (attempt <= st.cfg.retries) {
      st.save(rec);
      execute(self, id, cut, attempt + 1, why);
      return;
    }
    ++st.cuts_failed;
    rec.state = isolation_state::failed;
    st.save(rec);
    st.raise("isolation_failed", "critical",
             "the cut of " + rec.suspect_mac + " (" + cut.action + " " + cut.target + " on "
               + cut.element_id + ") failed; retried at the next re-verification",
             {{"id", rec.id}});
  };
  self->request(el->second, st.cfg.verify_timeout, cut_atom::value, order)
    .then([finish](network::cut_outcome& o) mutable { finish(std::move(o)); },
          [finish](caf::error& err) mutable { finish(std::move(err)); });
}

/// The action of the gateway's own cut (cfg.gateway_cut).
constexpr const char* gateway_element = "gateway";
constexpr const char* gateway_block = "ble_block";

/// A suspect seen at the gateway: the gateway cuts it itself.
void decide_at_gateway(self_ptr self, isolation_record& rec) {
  auto& st = self->state;
  auto at = now_ms();
  if (!st.cfg.gateway_cut) {
    if (rec.state != isolation_state::no_option) {
      rec.state = isolation_state::no_option;
      storage::add_step(rec, at, "no gateway-side cut is available for this suspect");
      st.save(rec);
      st.raise("isolation_impossible", "critical",
               "suspect " + rec.suspect_mac + " seen at the gateway cannot be cut off",
               {{"id", rec.id}});
    }
    return;
  }
  caf::expected<network::cut_outcome> outcome{network::cut_outcome{}};
  for (std::size_t attempt = 0; attempt <= st.cfg.retries; ++attempt) {
    outcome = st.cfg.gateway_cut(rec, true);
    if (outcome && outcome->applied && outcome->verified)
      break;
  }
  auto done = now_ms();
  json detail{{"since_suspected_ms", done - rec.created_ms}};
  if (!outcome || !outcome->verified) {
    detail["error"] = outcome ? outcome->detail : to_string(outcome.error());
    rec.state = isolation_state::failed;
    ++st.cuts_failed;
    storage::add_step(rec, done, "gateway cut failed", std::move(detail));
    st.save(rec);
    st.raise("isolation_failed", "critical",
             "the gateway could not block " + rec.suspect_mac + "; retried at the next "
             "re-verification", {{"id", rec.id}});
    return;
  }
  detail["detail"] = outcome->detail;
  storage::applied_cut cut;
  cut.element_id = gateway_element;
  cut.action = gateway_block;
  cut.target = rec.suspect_mac;
  cut.order_id = rec.id + "/gateway";
  cut.applied_ms = done;
  cut.verified = true;
  rec.cuts = {cut};
  rec.state = isolation_state::cut;
  ++st.cuts_verified;
  storage::add_step(rec, done, "cut verified: blocked at the gateway", std::move(detail));
  st.save(rec);
  st.log("isolated " + rec.suspect_mac + ": blocked at the gateway");
}

/// Plans and, when the plan says so, cuts. Records every step.
void decide(self_ptr self, const std::string& id) {
  auto& st = self->state;
  auto it = st.records.find(id);
  if (it == st.records.end() || st.in_flight.count(id) > 0)
    return;
  auto& rec = it->second;
  if (rec.cause == "gateway") {
    decide_at_gateway(self, rec);
    return;
  }
  auto at = now_ms();
  if (!st.graph || !st.graph->path_to_gateway(rec.suspect_mac)) {
    if (rec.state != isolation_state::pending || rec.trail.size() <= 1) {
      rec.state = isolation_state::pending;
      storage::add_step(rec, at,
                        "not located in the topology (version "
                          + std::to_string(st.graph_version) + "); refresh asked");
      st.save(rec);
    }
    // One refresh per suspect per period: a suspect the topology never
    // places (a router's MAC, a device behind an unmanaged hub) must not
    // keep the topology refreshing with every report about it.
    auto& asked = st.refresh_asked[id];
    if (st.cfg.topology && (asked == 0 || at - asked >= locate_period_ms)) {
      asked = at;
      caf::anon_send(st.cfg.topology, refresh_atom::value,
                     "isolation: locate " + rec.suspect_mac);
    }
    return;
  }
  auto spoof = spoofed_identity(*st.graph, rec.suspect_mac);
  if (!spoof && rec.cause == "rogue") {
    // Onboarding refused a sighting with the MAC of an admitted device:
    // where that MAC is attached may be the genuine device's port.
    auto d = st.graph->devices().find(rec.suspect_mac);
    if (d != st.graph->devices().end() && d->second.thing_id)
      spoof = "refused sighting " + rec.identity + " carries the MAC of admitted device "
              + *d->second.thing_id + "; a cut by its attachment could cut the genuine device";
  }
  if (spoof) {
    if (rec.state != isolation_state::awaiting_operator) {
      rec.state = isolation_state::awaiting_operator;
      storage::add_step(rec, at, *spoof);
      st.save(rec);
      st.raise("isolation_needs_operator", "critical", "suspect " + rec.suspect_mac + ": " + *spoof,
               {{"id", rec.id}});
    }
    return;
  }
  auto plan = plan_cut(*st.graph, rec.suspect_mac, st.capabilities, st.not_healthy(),
                       st.cfg.policy);
  rec.plan = plan.to_json();
  rec.plan["topology_version"] = st.graph_version;
  switch (plan.verdict) {
    case cut_verdict::cut: {
      auto cut = to_applied(*plan.chosen);
      cut.order_id = rec.id + "/" + cut.element_id + "/" + cut.action + "/" + cut.target;
      storage::add_step(rec, at, "plan: " + plan.reason, {{"verdict", "cut"}});
      st.save(rec);
      execute(self, id, std::move(cut), 1, "decision");
      return;
    }
    case cut_verdict::ask_human:
      if (rec.state != isolation_state::awaiting_operator) {
        rec.state = isolation_state::awaiting_operator;
        storage::add_step(rec, at, "plan: " + plan.reason, {{"verdict", "ask_human"}});
        st.save(rec);
        st.raise("isolation_needs_operator", "critical",
                 "suspect " + rec.suspect_mac + " not cut: " + plan.reason,
                 {{"id", rec.id}, {"plan", rec.plan}});
      }
      return;
    case cut_verdict::no_option:
      if (rec.state != isolation_state::no_option) {
        rec.state = isolation_state::no_option;
        storage::add_step(rec, at, "plan: " + plan.reason, {{"verdict", "no_option"}});
        st.save(rec);
        st.raise("isolation_impossible", "critical",
                 "suspect " + rec.suspect_mac + " cannot be cut off: " + plan.reason,
                 {{"id", rec.id}, {"plan", rec.plan}});
      }
      return;
  }
}

/// A suspicion from any detector.
void suspect(self_ptr self, std::string mac, const std::string& ip, const std::string& cause,
             json evidence, const std::string& identity) {
  auto& st = self->state;
  mac = lower(mac);
  if (mac.empty())
    return;
  ++st.suspicions;
  auto at = now_ms();
  auto last_seen = int_field(evidence, "last_seen_ms");
  auto kind = evidence.contains("kind") && evidence["kind"].is_string()
                ? evidence["kind"].get<std::string>()
                : cause;
  if (auto active = st.active_by_mac.find(mac); active != st.active_by_mac.end()) {
    auto& rec = st.records.at(active->second);
    auto verified_at = std::int64_t{0};
    for (auto& c : rec.cuts)
      if (c.verified)
        verified_at = std::max(verified_at, c.applied_ms);
    // Packets after the cut took effect (plus the mirror's own latency).
    bool leaking = verified_at > 0 && last_seen > verified_at + 500
                   && int_field(rec.evidence, "last_seen_ms") <= verified_at + 500;
    rec.evidence = std::move(evidence);
    if (rec.kind == "rogue" || rec.kind == cause)
      rec.kind = kind;
    if (leaking)
      storage::add_step(rec, at, "still seen on the mirror after the cut",
                        {{"last_seen_ms", last_seen}, {"cut_verified_ms", verified_at}});
    st.save(rec);
    if (rec.state == isolation_state::pending || rec.state == isolation_state::failed)
      decide(self, rec.id);
    return;
  }
  if (auto r = st.released_at.find(mac);
      r != st.released_at.end() && last_seen > 0 && last_seen <= r->second)
    return; // Evidence from before an operator's release.
  isolation_record rec;
  rec.id = storage::isolation_id(mac, at);
  while (st.records.count(rec.id) > 0)
    rec.id = storage::isolation_id(mac, ++at);
  rec.suspect_mac = mac;
  rec.suspect_ip = ip;
  rec.identity = identity;
  rec.cause = cause;
  rec.kind = kind;
  rec.evidence = std::move(evidence);
  rec.created_ms = at;
  storage::add_step(rec, at, "suspected (" + cause + "): " + kind,
                    {{"ip", ip}, {"topology_version", st.graph_version}});
  auto id = rec.id;
  st.active_by_mac[mac] = id;
  st.records.emplace(id, std::move(rec));
  st.save(st.records.at(id));
  decide(self, id);
}

/// Reads back one cut in force; applies it again when it was undone.
void reverify_cut(self_ptr self, const std::string& id, const storage::applied_cut& cut) {
  auto& st = self->state;
  if (cut.element_id == gateway_element) {
    // Blocking again is harmless, and reads it back.
    auto& rec = st.records.at(id);
    auto o = st.cfg.gateway_cut ? st.cfg.gateway_cut(rec, true)
                                : caf::expected<network::cut_outcome>{
                                  make_error(ec::unavailable, "no gateway cut")};
    if (!o || !o->verified) {
      st.last_error = "cannot re-verify " + id + ": "
                      + (o ? o->detail : to_string(o.error()));
      st.log(st.last_error);
    }
    return;
  }
  auto el = st.elements.find(cut.element_id);
  if (el == st.elements.end())
    return;
  auto deadline = network::deadline_in(st.cfg.verify_timeout);
  auto undone = [self, id, cut](const std::string& what) {
    auto& st = self->state;
    auto it = st.records.find(id);
    if (it == st.records.end() || it->second.state != isolation_state::cut
        || st.in_flight.count(id) > 0)
      return;
    auto& rec = it->second;
    ++st.reapplied;
    storage::add_step(rec, now_ms(), what + "; applying it again");
    st.save(rec);
    st.raise("isolation_undone", "critical",
             "the cut of " + rec.suspect_mac + " (" + cut.action + " " + cut.target + " on "
               + cut.element_id + ") was undone outside kagami; applying it again",
             {{"id", rec.id}});
    execute(self, id, cut, 1, "re-verification");
  };
  auto unreadable = [self, id](const std::string& what) {
    auto& st = self->state;
    st.last_error = "cannot re-verify " + id + ": " + what;
    st.log(st.last_error);
  };
  auto action = cut_action_from_string(cut.action);
  if (action == network::cut_action::port_down) {
    self->request(el->second, st.cfg.verify_timeout, counters_atom::value, deadline)
      .then(
        [cut, undone, unreadable](network::counter_reading& r) {
          auto down = port_still_down(cut, r);
          if (!down)
            unreadable("port " + std::to_string(cut.port_id) + " not in the reading");
          else if (!*down)
            undone("port " + std::to_string(cut.port_id) + " on " + cut.element_id
                   + " is admin-up again");
        },
        [unreadable](caf::error& err) { unreadable(to_string(err)); });
  } else if (action == network::cut_action::client_deauth) {
    self->request(el->second, st.cfg.verify_timeout, neighbours_atom::value, deadline)
      .then(
        [cut, undone](network::element_reading& r) {
          if (client_present(r, cut.target))
            undone("client " + cut.target + " is associated to " + cut.element_id + " again");
        },
        [unreadable](caf::error& err) { unreadable(to_string(err)); });
  } else {
    // SSID and radio cuts: the AP verifies them when asked again.
    auto order = order_for(cut, ++st.next_attempt);
    self->request(el->second, st.cfg.verify_timeout, cut_atom::value, order)
      .then(
        [cut, undone](network::cut_outcome& o) {
          if (!o.verified)
            undone(cut.action + " " + cut.target + " not in effect: " + o.detail);
        },
        [unreadable](caf::error& err) { unreadable(to_string(err)); });
  }
}

void reverify(self_ptr self) {
  auto& st = self->state;
  std::vector<std::pair<std::string, storage::applied_cut>> to_check;
  std::vector<std::string> to_decide;
  for (auto& [mac, id] : st.active_by_mac) {
    auto& rec = st.records.at(id);
    if (rec.state == isolation_state::cut)
      for (auto& c : rec.cuts)
        to_check.emplace_back(id, c);
    else if (rec.state == isolation_state::failed || rec.state == isolation_state::pending)
      to_decide.push_back(id);
  }
  for (auto& [id, cut] : to_check)
    reverify_cut(self, id, cut);
  for (auto& id : to_decide)
    decide(self, id);
}

/// A new topology: locate pending suspects, follow suspects that moved.
void on_topology(self_ptr self) {
  auto& st = self->state;
  st.load_topology();
  if (!st.graph)
    return;
  std::vector<std::string> to_decide;
  for (auto& [mac, id] : st.active_by_mac) {
    auto& rec = st.records.at(id);
    if (st.in_flight.count(id) > 0)
      continue;
    if (rec.state == isolation_state::pending || rec.state == isolation_state::failed
        || rec.state == isolation_state::no_option) {
      to_decide.push_back(id);
      continue;
    }
    if (rec.state != isolation_state::cut)
      continue;
    auto path = st.graph->path_to_gateway(mac);
    if (!path)
      continue; // Cut off (or gone): nothing to follow.
    auto node = st.graph->devices().find(mac);
    std::optional<std::string> ssid;
    if (node != st.graph->devices().end())
      ssid = node->second.ssid;
    bool still_cut = std::any_of(rec.cuts.begin(), rec.cuts.end(), [&](auto& c) {
      return cut_on_path(c, *path, ssid);
    });
    if (still_cut)
      continue;
    storage::add_step(rec, now_ms(),
                      "seen at " + path->front().element_id + " port "
                        + std::to_string(path->front().ingress_port)
                        + ", past every cut in force (moved); cutting it there too",
                      {{"topology_version", st.graph_version}});
    st.save(rec);
    to_decide.push_back(id);
  }
  for (auto& id : to_decide)
    decide(self, id);
}

caf::result<std::string> release(self_ptr self, const std::string& id, const std::string& who) {
  auto& st = self->state;
  auto it = st.records.find(id);
  if (it == st.records.end())
    return make_error(ec::not_found, "no isolation " + id);
  auto& rec = it->second;
  if (rec.state == isolation_state::released)
    return make_error(ec::invalid_value, "isolation " + id + " was released already");
  auto at = now_ms();
  rec.state = isolation_state::released;
  rec.released_by = who;
  rec.released_ms = at;
  st.released_at[rec.suspect_mac] = at;
  st.active_by_mac.erase(rec.suspect_mac);
  ++st.releases;
  storage::add_step(rec, at, "released by " + who);
  st.save(rec);
  st.log("isolation " + id + " released by " + who);
  auto rp = self->make_response_promise<std::string>();
  auto remaining = std::make_shared<std::size_t>(0);
  auto finish = [self, id, rp, remaining]() mutable {
    if (*remaining > 0 && --*remaining > 0)
      return;
    auto& rec = self->state.records.at(id);
    self->state.save(rec);
    rp.deliver(storage::to_json(rec).dump(-1, ' ', false, json::error_handler_t::replace));
  };
  std::vector<storage::applied_cut> restorable;
  for (auto& c : rec.cuts) {
    if (c.element_id == gateway_element) {
      auto o = st.cfg.gateway_cut ? st.cfg.gateway_cut(rec, false)
                                  : caf::expected<network::cut_outcome>{
                                    make_error(ec::unavailable, "no gateway cut")};
      storage::add_step(rec, now_ms(),
                        o && o->verified ? "restored: unblocked at the gateway"
                                         : "restore failed at the gateway",
                        {{"detail", o ? o->detail : to_string(o.error())}});
      continue;
    }
    if (cut_action_from_string(c.action) != network::cut_action::client_deauth)
      restorable.push_back(c);
  }
  if (restorable.empty()) {
    bool deauth = std::any_of(rec.cuts.begin(), rec.cuts.end(), [](auto& c) {
      return cut_action_from_string(c.action) == network::cut_action::client_deauth;
    });
    if (deauth)
      storage::add_step(rec, at, "nothing to restore at the AP (a deauthenticated client may "
                                 "associate again)");
    *remaining = 1;
    finish();
    return rp;
  }
  *remaining = restorable.size();
  for (auto& c : restorable) {
    auto el = st.elements.find(c.element_id);
    auto note = [self, id, c, finish](const std::string& what, json detail) mutable {
      auto& rec = self->state.records.at(id);
      storage::add_step(rec, now_ms(), what + ": " + c.action + " " + c.target + " on "
                                         + c.element_id,
                        std::move(detail));
      finish();
    };
    if (el == st.elements.end()) {
      note("cannot restore (no element actor)", json::object());
      continue;
    }
    auto order = order_for(c, ++st.next_attempt);
    order.order_id = c.order_id + "#restore" + std::to_string(st.next_attempt);
    self->request(el->second, st.cfg.verify_timeout * 3, restore_atom::value, order)
      .then(
        [note](network::cut_outcome& o) mutable {
          note(o.verified ? "restored" : "restore not verified",
               {{"applied", o.applied}, {"verified", o.verified}, {"detail", o.detail}});
        },
        [note](caf::error& err) mutable {
          note("restore failed", {{"error", to_string(err)}});
        });
  }
  return rp;
}

isolation_supervisor_actor::behavior_type
isolation_supervisor(self_ptr self, isolation_supervisor_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.registry = std::make_unique<storage::isolation_registry>(*st.cfg.store);
  st.history = std::make_unique<topology::topology_history>(*st.cfg.store, 1'000'000);
  st.next_attempt = static_cast<std::uint64_t>(now_ms());
  for (auto& e : st.cfg.elements)
    st.elements.emplace(e.id, e.handle);
  if (auto all = st.registry->load_all()) {
    for (auto& rec : *all) {
      if (storage::is_active(rec.state))
        st.active_by_mac[rec.suspect_mac] = rec.id;
      else
        st.released_at[rec.suspect_mac]
          = std::max(st.released_at[rec.suspect_mac], rec.released_ms);
      st.records.emplace(rec.id, std::move(rec));
    }
  } else {
    // Fail closed: nobody may think the plant is clean when the records
    // cannot be read.
    st.last_error = "cannot load the isolations: " + to_string(all.error());
    st.raise("isolation_store_unreadable", "critical", st.last_error, json::object());
  }
  st.load_topology();
  for (auto& [id, handle] : st.elements) {
    auto element_id = id;
    self->request(handle, seconds{10}, capabilities_atom::value)
      .then([self, element_id](std::vector<network::cut_action>& caps) {
              self->state.capabilities[element_id] = std::move(caps);
            },
            [self, element_id](caf::error& err) {
              self->state.log("no capabilities from " + element_id + ": " + to_string(err));
            });
  }
  if (!st.active_by_mac.empty())
    st.log("re-verifying " + std::to_string(st.active_by_mac.size())
           + " isolation(s) kept from before the restart");
  self->send(self, reverify_atom::value);
  return {
    [self](suspect_atom, std::string& mac, std::string& ip, std::string& cause,
           std::string& evidence) {
      suspect(self, std::move(mac), ip, cause, evidence_of(evidence), "");
    },
    [self](port_alarm_atom, std::string& element, std::uint32_t port, std::string& evidence) {
      auto& st = self->state;
      auto doc = evidence_of(evidence);
      std::vector<std::string> macs;
      if (st.graph)
        for (auto& [mac, d] : st.graph->devices())
          if (d.attached && d.attached->element_id == element && d.attached->port_id == port)
            macs.push_back(mac);
      if (macs.size() == 1) {
        doc["element"] = element;
        doc["port"] = port;
        suspect(self, macs.front(), "", "traffic", std::move(doc), "");
        return;
      }
      st.raise("traffic_alarm", "warning",
               "rate alarm on " + element + " port " + std::to_string(port) + " with "
                 + std::to_string(macs.size())
                 + " located devices: not attributable to one device, no cut",
               {{"element", element}, {"port", port}, {"alarm", std::move(doc)}});
    },
    [self](isolate_atom, std::string& identity, std::string& mac, std::string& address,
           std::string& reason) {
      if (!self->state.cfg.isolate_rogues) {
        self->state.log("rogue " + identity + " not isolated: rogue isolation is off");
        return;
      }
      suspect(self, std::move(mac), address, "rogue",
              json{{"kind", "rogue"}, {"identity", identity}, {"reason", reason},
                   {"first_seen_ms", now_ms()}},
              identity);
    },
    [self](topology_atom, const std::string&) { on_topology(self); },
    [self](reverify_atom) {
      reverify(self);
      self->delayed_send(self, self->state.cfg.reverify_period, reverify_atom::value);
    },
    [self](list_atom) -> std::string {
      std::vector<const isolation_record*> all;
      for (auto& [id, rec] : self->state.records)
        all.push_back(&rec);
      std::sort(all.begin(), all.end(), [](auto* a, auto* b) {
        return std::tie(a->created_ms, a->id) > std::tie(b->created_ms, b->id);
      });
      auto out = json::array();
      for (auto* rec : all)
        out.push_back(storage::to_json(*rec));
      return out.dump(-1, ' ', false, json::error_handler_t::replace);
    },
    [self](release_atom, const std::string& id, const std::string& who) {
      return release(self, id, who);
    },
    [self](inspect_atom) -> std::string {
      auto& st = self->state;
      json states = json::object();
      for (auto& [id, rec] : st.records)
        states[storage::to_string(rec.state)]
          = states.value(storage::to_string(rec.state), 0) + 1;
      json caps = json::object();
      for (auto& [id, list] : st.capabilities) {
        auto a = json::array();
        for (auto x : list)
          a.push_back(network::to_string(x));
        caps[id] = std::move(a);
      }
      return json{{"records", st.records.size()},
                  {"active", st.active_by_mac.size()},
                  {"states", std::move(states)},
                  {"topology_version", st.graph_version},
                  {"suspicions", st.suspicions},
                  {"cuts_verified", st.cuts_verified},
                  {"cuts_failed", st.cuts_failed},
                  {"reapplied", st.reapplied},
                  {"releases", st.releases},
                  {"alerts", st.alerts},
                  {"capabilities", std::move(caps)},
                  {"last_error", st.last_error}}
        .dump();
    },
  };
}

} // namespace

isolation_supervisor_actor spawn_isolation_supervisor(caf::actor_system& sys,
                                                      isolation_supervisor_config cfg) {
  // Detached: every decision reads or writes the store.
  return sys.spawn<caf::detached>(isolation_supervisor, std::move(cfg));
}

} // namespace kagami::isolation
