#include "actors/onboarding/onboarding_supervisor.hpp"

#include <iostream>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"

namespace kagami::onboarding {

namespace {

using self_ptr
  = onboarding_supervisor_actor::stateful_pointer<onboarding_supervisor_state>;
using kind = onboarding_decision::kind;

/// What apps are told about a withdrawn thing: no vendor, model, firmware or
/// address (those stay in the rogue record and the log).
constexpr const char* withdrawn_for_apps
  = "the device no longer matches the design information; an operator has "
    "the details";

void log(const std::string& line) {
  std::cerr << "kagamid: onboarding: " << line << std::endl;
}

/// One onboarding: gathers and matches a single sighting, replies, and quits.
caf::behavior onboarding_worker(caf::event_based_actor* self,
                                std::shared_ptr<const gathering_tools> tools) {
  return {
    [self, tools](seen_atom, protocols::device_sighting& s) -> caf::result<gathered> {
      self->quit();
      auto out = gather_and_match(std::move(s), *tools);
      if (!out)
        return std::move(out.error());
      return std::move(*out);
    },
  };
}

rogue_evidence evidence_of(const protocols::device_sighting& s,
                           const protocols::device_profile& p,
                           const onboarding_decision& d) {
  rogue_evidence ev;
  ev.identity = d.identity;
  ev.mac = s.mac;
  ev.address = s.address;
  ev.source = s.source;
  ev.seen_on = s.seen_on;
  ev.profile = p;
  ev.reason = d.reason;
  if (d.what == kind::withdraw)
    ev.withdrawn_thing = d.device.thing_id;
  return ev;
}

void refuse(self_ptr self, const protocols::device_sighting& s,
            const protocols::device_profile& p, const onboarding_decision& d) {
  auto& st = self->state;
  ++st.refusals;
  auto ev = evidence_of(s, p, d);
  if (auto err = st.cfg.records->save_rogue(ev))
    log("cannot record rogue " + d.identity + ": " + to_string(err));
  if (st.cfg.refuse) {
    if (auto err = st.cfg.refuse(s, d.refuse_mac, d.refuse_address))
      log("cannot refuse " + d.identity + ": " + detail_of(err));
  }
  log("refused " + d.identity + " (" + protocols::to_string(s.source) + ", "
      + s.seen_on + "): " + d.reason);
  if (st.cfg.isolation)
    caf::anon_send(st.cfg.isolation, isolate_atom::value, d.identity, s.mac,
                   s.address, d.reason);
  else
    log("isolation of " + d.identity
        + " requested; no isolation supervisor runs, so the gateway's own "
          "refusal is the only cut");
}

/// Serving failed after the ledger admitted the device: forget it, so that a
/// later sighting (after the back-off) tries again.
void admission_failed(self_ptr self, const protocols::device_sighting& seen,
                      const onboarding_decision& d, const std::string& why) {
  log("cannot serve " + d.device.thing_id + " (" + d.identity + "): " + why);
  self->state.ledger.forget(d.identity);
  self->state.ledger.failed(seen, clock::now());
}

void admit(self_ptr self, const protocols::device_sighting& seen,
           const onboarding_decision& d) {
  auto& st = self->state;
  auto served = st.cfg.device_for(d.device);
  if (!served)
    return admission_failed(self, seen, d, detail_of(served.error()));
  // Durable before the thing is served: after a crash it comes back.
  if (auto err = st.cfg.records->save_admitted(d.device, *served))
    return admission_failed(self, seen, d, "not recorded: " + to_string(err));
  if (!d.replaced_thing_id.empty()) {
    auto old = d.device;
    old.thing_id = d.replaced_thing_id;
    if (auto err = st.cfg.records->remove_admitted(old))
      log("cannot remove the record of " + old.thing_id + ": " + to_string(err));
    self->send(st.gateway, retire_atom::value, old.thing_id,
               "the device is now served as thing " + d.device.thing_id);
  }
  auto id = d.device.thing_id;
  auto identity = d.device.identity;
  self->request(st.gateway, std::chrono::seconds(10), admit_atom::value, *served)
    .then(
      [id, identity](bool) {
        log("admitted " + identity + " as thing " + id);
      },
      [self, seen, d](const caf::error& err) {
        admission_failed(self, seen, d, detail_of(err));
      });
}

void gather(self_ptr self, const protocols::device_sighting& s);

void execute(self_ptr self, const protocols::device_sighting& seen,
             const gathered& g, const onboarding_decision& d) {
  auto& st = self->state;
  switch (d.what) {
    case kind::keep:
      if (d.conflict) {
        ++st.conflicts;
        log("conflict for " + d.identity + " (thing " + d.device.thing_id
            + "): " + d.reason + "; someone may be spoofing it, the thing stays");
      }
      if (d.pending) {
        auto wait = st.cfg.ledger.confirm_change + std::chrono::seconds(1);
        log(d.identity + " (thing " + d.device.thing_id
            + ") no longer matches (" + d.reason + "); read again in "
            + std::to_string(wait.count()) + " s before it is withdrawn");
        self->delayed_send(self, wait, recheck_atom::value, seen);
      }
      if (d.changed) {
        auto served = st.cfg.device_for(d.device);
        if (served) {
          if (auto err = st.cfg.records->save_admitted(d.device, *served))
            log("cannot record " + d.device.thing_id + ": " + to_string(err));
        }
        log("re-matched " + d.identity + " (thing " + d.device.thing_id
            + "): the new profile still matches " + d.device.entry);
      }
      return;
    case kind::admit:
      return admit(self, seen, d);
    case kind::withdraw:
      if (auto err = st.cfg.records->remove_admitted(d.device))
        log("cannot remove the record of " + d.device.thing_id + ": "
            + to_string(err));
      self->send(st.gateway, retire_atom::value, d.device.thing_id,
                 std::string{withdrawn_for_apps});
      return refuse(self, g.sighting, g.profile, d);
    case kind::refuse:
      return refuse(self, g.sighting, g.profile, d);
  }
}

std::string profile_text(const protocols::device_profile& p) {
  return "vendor '" + p.vendor + "', product '" + p.product + "', firmware '"
         + p.firmware + "'";
}

/// Starts one onboarding for `s` (the ledger already said it is due).
void gather(self_ptr self, const protocols::device_sighting& s) {
  auto& st = self->state;
  if (st.in_flight >= st.cfg.max_in_flight) {
    ++st.dropped;
    st.ledger.failed(s, clock::now());
    return;
  }
  ++st.in_flight;
  ++st.gatherings;
  auto worker = self->spawn<caf::detached>(onboarding_worker, st.cfg.tools);
  self->send(st.directory, register_atom::value, std::string{"onboarding"},
             std::string{protocols::to_string(s.source)} + ":" + s.address
               + ":" + s.mac,
             worker);
  auto timeout = st.cfg.tools->fetch_timeout + std::chrono::seconds(2);
  self->request(worker, timeout, seen_atom::value, s)
    .then(
      [self, s](gathered& g) {
        --self->state.in_flight;
        auto d = self->state.ledger.decide(s, g.sighting.mac, g.profile,
                                           g.match, clock::now());
        if (d.what != kind::keep || d.changed)
          log(identity_of(g.sighting) + " via "
              + protocols::to_string(g.sighting.source) + " ("
              + profile_text(g.profile) + "): "
              + (g.match.admitted ? "matches " + g.match.entry
                                  : "no match: " + g.match.reason));
        execute(self, s, g, d);
      },
      [self, s](const caf::error& err) {
        --self->state.in_flight;
        ++self->state.gather_failures;
        self->state.ledger.failed(s, clock::now());
        log("no profile for " + identity_of(s) + " from "
            + protocols::to_string(s.source) + " (" + s.seen_on + ", "
            + s.locator + "): " + detail_of(err) + "; not admitted");
      });
}

} // namespace

onboarding_supervisor_actor::behavior_type
onboarding_supervisor(self_ptr self, onboarding_supervisor_config cfg,
                      gateway_supervisor_actor gateway, directory_actor directory) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.ledger = onboarding_ledger{st.cfg.ledger};
  st.gateway = std::move(gateway);
  st.directory = std::move(directory);
  for (auto& id : st.cfg.reserved_ids)
    st.ledger.reserve(id);
  for (auto& dev : st.cfg.restored)
    st.ledger.restore(dev);
  for (auto& identity : st.cfg.restored_rogues)
    st.ledger.restore_rogue(identity);
  self->send(st.directory, register_atom::value,
             std::string{"onboarding_supervisor"}, std::string{"root"},
             caf::actor_cast<caf::actor>(self));
  self->delayed_send(self, st.cfg.ledger.rematch_interval, reverify_atom::value);
  return {
    [self](seen_atom, protocols::device_sighting& s) {
      ++self->state.sightings;
      if (self->state.ledger.begin(s, clock::now()))
        gather(self, s);
    },
    [self](recheck_atom, protocols::device_sighting& s) {
      if (self->state.ledger.begin(s, clock::now(), true))
        gather(self, s);
    },
    [self](reverify_atom) {
      auto& st = self->state;
      uint64_t n = 0;
      for (auto& [identity, dev] : st.ledger.admitted()) {
        if (st.cfg.tools->fetchers.count(dev.source) == 0 || dev.locator.empty())
          continue;
        protocols::device_sighting s;
        s.source = dev.source;
        s.mac = dev.source == protocols::discovery_kind::ble ? dev.mac : "";
        s.address = dev.address;
        s.seen_on = dev.seen_on;
        s.locator = dev.locator;
        s.fingerprint = "reverify";
        if (st.ledger.begin(s, clock::now(), true)) {
          gather(self, s);
          ++n;
        }
      }
      if (n > 0)
        log("re-reading the profiles of " + std::to_string(n) + " admitted devices");
      self->delayed_send(self, st.cfg.ledger.rematch_interval, reverify_atom::value);
    },
    [self](rejected_atom, const std::string& source, const std::string& from,
           const std::string& reason) {
      auto& st = self->state;
      ++st.rejected_inputs;
      st.last_rejection = source + " from " + from + ": " + reason;
      log("rejected input: " + st.last_rejection);
    },
    [self](inspect_atom) -> std::string {
      auto& st = self->state;
      auto things = nlohmann::json::array();
      for (auto& [identity, dev] : st.ledger.admitted())
        things.push_back({{"identity", identity},
                          {"thing", dev.thing_id},
                          {"entry", dev.entry},
                          {"source", protocols::to_string(dev.source)}});
      nlohmann::json out{{"sightings", st.sightings},
                         {"gatherings", st.gatherings},
                         {"inFlight", st.in_flight},
                         {"dropped", st.dropped},
                         {"gatherFailures", st.gather_failures},
                         {"rejectedInputs", st.rejected_inputs},
                         {"refusals", st.refusals},
                         {"conflicts", st.conflicts},
                         {"lastRejection", st.last_rejection},
                         {"admitted", things}};
      return out.dump();
    },
  };
}

} // namespace kagami::onboarding
