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
    if (auto err = st.cfg.refuse(s, d.refuse_mac))
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

void admit(self_ptr self, const onboarding_decision& d) {
  auto& st = self->state;
  auto served = st.cfg.device_for(d.device);
  if (!served) {
    log("cannot serve " + d.device.thing_id + ": " + detail_of(served.error()));
    return;
  }
  // Durable before the thing is served: after a crash it comes back.
  if (auto err = st.cfg.records->save_admitted(d.device, *served)) {
    log("cannot record " + d.device.thing_id + ", not served: " + to_string(err));
    return;
  }
  auto id = d.device.thing_id;
  auto identity = d.device.identity;
  self->request(st.gateway, std::chrono::seconds(10), admit_atom::value, *served)
    .then(
      [id, identity](bool) {
        log("admitted " + identity + " as thing " + id);
      },
      [id](const caf::error& err) {
        log("thing " + id + " could not be started: " + detail_of(err));
      });
}

void execute(self_ptr self, const gathered& g, const onboarding_decision& d) {
  auto& st = self->state;
  switch (d.what) {
    case kind::keep:
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
      return admit(self, d);
    case kind::withdraw:
      if (auto err = st.cfg.records->remove_admitted(d.device))
        log("cannot remove the record of " + d.device.thing_id + ": "
            + to_string(err));
      self->send(st.gateway, retire_atom::value, d.device.thing_id, d.reason);
      return refuse(self, g.sighting, g.profile, d);
    case kind::refuse:
      return refuse(self, g.sighting, g.profile, d);
  }
}

std::string profile_text(const protocols::device_profile& p) {
  return "vendor '" + p.vendor + "', product '" + p.product + "', firmware '"
         + p.firmware + "'";
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
  return {
    [self](seen_atom, protocols::device_sighting& s) {
      auto& st = self->state;
      ++st.sightings;
      if (!st.ledger.begin(s, clock::now()))
        return;
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
            auto d = self->state.ledger.decide(s, g.sighting.mac, g.profile,
                                               g.match, clock::now());
            if (d.what != kind::keep || d.changed)
              log(identity_of(g.sighting) + " via "
                  + protocols::to_string(g.sighting.source) + " ("
                  + profile_text(g.profile) + "): "
                  + (g.match.admitted ? "matches " + g.match.entry
                                      : "no match: " + g.match.reason));
            execute(self, g, d);
          },
          [self, s](const caf::error& err) {
            ++self->state.gather_failures;
            self->state.ledger.failed(s, clock::now());
            log("no profile for " + identity_of(s) + " from "
                + protocols::to_string(s.source) + " (" + s.seen_on + ", "
                + s.locator + "): " + detail_of(err) + "; not admitted");
          });
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
                         {"gatherFailures", st.gather_failures},
                         {"rejectedInputs", st.rejected_inputs},
                         {"refusals", st.refusals},
                         {"lastRejection", st.last_rejection},
                         {"admitted", things}};
      return out.dump();
    },
  };
}

} // namespace kagami::onboarding
