#include "actors/onboarding/onboarding_ledger.hpp"

#include <algorithm>

namespace kagami::onboarding {

using protocols::device_profile;
using protocols::device_sighting;

std::string identity_of(const device_sighting& s) {
  if (s.mac.empty())
    return "ip:" + s.address;
  if (s.address.empty())
    return s.mac;
  return s.mac + "@" + s.address;
}

std::string onboarding_ledger::key_of(const device_sighting& s) {
  std::string key = protocols::to_string(s.source);
  for (auto* part : {&s.mac, &s.address, &s.locator}) {
    key += '|';
    key += *part;
  }
  return key;
}

bool onboarding_ledger::begin(const device_sighting& s, clock::time_point now,
                              bool force) {
  auto key = key_of(s);
  auto it = tracked_.find(key);
  if (it == tracked_.end()) {
    if (tracked_.size() >= cfg_.max_tracked)
      forget_oldest();
    tracked_[key] = tracked{s.fingerprint, now, true, false};
    return true;
  }
  auto& t = it->second;
  if (t.in_flight)
    return false;
  if (force) {
    // nop: a re-read the supervisor asked for
  } else if (t.failed) {
    if (now - t.last < cfg_.retry_after)
      return false;
  } else if (t.fingerprint == s.fingerprint
             && now - t.last < cfg_.rematch_interval) {
    return false;
  }
  t.in_flight = true;
  return true;
}

void onboarding_ledger::failed(const device_sighting& s, clock::time_point now) {
  auto& t = tracked_[key_of(s)];
  t.in_flight = false;
  t.failed = true;
  t.last = now;
}

void onboarding_ledger::forget_oldest() {
  auto oldest = tracked_.end();
  for (auto it = tracked_.begin(); it != tracked_.end(); ++it)
    if (!it->second.in_flight
        && (oldest == tracked_.end() || it->second.last < oldest->second.last))
      oldest = it;
  if (oldest != tracked_.end())
    tracked_.erase(oldest);
}

const admitted_device* onboarding_ledger::by_thing_id(const std::string& id) const {
  for (auto& [identity, dev] : admitted_)
    if (dev.thing_id == id)
      return &dev;
  return nullptr;
}

std::string onboarding_ledger::allocate_thing_id(const std::string& entry) const {
  for (int n = 1;; ++n) {
    auto id = entry + "-" + std::to_string(n);
    if (!by_thing_id(id) && reserved_.count(id) == 0)
      return id;
  }
}

void onboarding_ledger::reserve(const std::string& thing_id) {
  reserved_.insert(thing_id);
}

onboarding_decision
onboarding_ledger::decide(const device_sighting& seen, const std::string& mac,
                          const device_profile& profile,
                          const match_summary& match, clock::time_point now) {
  auto s = seen;
  s.mac = mac;
  {
    auto& t = tracked_[key_of(seen)];
    t.in_flight = false;
    t.failed = false;
    t.fingerprint = seen.fingerprint;
    t.last = now;
  }
  onboarding_decision out;
  out.identity = identity_of(s);
  // Admitted devices that own this MAC or this address under another
  // identity: never refuse what they need.
  const admitted_device* mac_owner = nullptr;
  const admitted_device* address_owner = nullptr;
  for (auto& [identity, dev] : admitted_) {
    if (identity == out.identity)
      continue;
    if (!s.mac.empty() && dev.mac == s.mac)
      mac_owner = &dev;
    if (!s.address.empty() && dev.address == s.address)
      address_owner = &dev;
  }
  out.refuse_mac = mac_owner == nullptr && !match.mac_claimed;
  out.refuse_address = address_owner == nullptr;
  auto refuse = [&](std::string reason) {
    out.what = onboarding_decision::kind::refuse;
    out.reason = std::move(reason);
    rogues_.insert(out.identity);
    return out;
  };
  auto existing = admitted_.find(out.identity);
  if (existing != admitted_.end()) {
    auto& known = existing->second;
    out.device = known;
    if (!match.admitted) {
      // A source that did not admit the device may know fewer fields (HTIP
      // has no firmware): its partial view cannot take the thing away.
      if (s.source != known.source)
        return out;
      auto p = pending_.find(out.identity);
      auto since = p == pending_.end() ? now : p->second.since;
      if (now - since < cfg_.confirm_change
          || (p == pending_.end() && cfg_.confirm_change.count() > 0)) {
        if (p == pending_.end())
          pending_[out.identity] = pending_change{now, match.reason};
        out.pending = true;
        out.reason = match.reason;
        return out;
      }
      pending_.erase(out.identity);
      out.what = onboarding_decision::kind::withdraw;
      out.device.profile = profile;
      out.reason = "the device's profile no longer matches the design: "
                   + match.reason;
      rogues_.insert(out.identity);
      admitted_.erase(existing);
      return out;
    }
    if (auto p = pending_.find(out.identity); p != pending_.end()) {
      out.conflict = true;
      out.reason = "the admitted profile and a refused one (" + p->second.reason
                   + ") were both announced";
      pending_.erase(p);
    }
    if (s.source != known.source)
      return out; // another source's view of an admitted device: no change
    if (known.entry == match.entry) {
      out.changed = known.profile != profile;
      known.profile = profile;
      known.seen_on = s.seen_on;
      if (!s.locator.empty())
        known.locator = s.locator;
      out.device = known;
      return out;
    }
    // Another design entry now fits (a new firmware moved it): the same
    // thing restarted with that entry's model, or under the entry's fixed id.
    admitted_device dev = known;
    dev.entry = match.entry;
    dev.profile = profile;
    dev.seen_on = s.seen_on;
    if (!match.fixed_thing_id.empty() && match.fixed_thing_id != known.thing_id) {
      if (auto* holder = by_thing_id(match.fixed_thing_id))
        return refuse("design entry " + match.entry + " fixes thing id "
                      + match.fixed_thing_id + ", which already serves "
                      + holder->identity);
      out.replaced_thing_id = known.thing_id;
      dev.thing_id = match.fixed_thing_id;
    }
    admitted_[out.identity] = dev;
    out.what = onboarding_decision::kind::admit;
    out.changed = true;
    out.device = dev;
    return out;
  }
  if (!match.admitted) {
    out.reason = match.reason;
    if (mac_owner && !match.mac_claimed)
      out.reason = "MAC " + s.mac + " belongs to thing " + mac_owner->thing_id
                   + " at " + mac_owner->address + "; " + out.reason;
    return refuse(out.reason);
  }
  if (rogues_.count(out.identity) > 0)
    return refuse("recorded as rogue; only an operator can release it");
  if (mac_owner)
    return refuse("MAC " + s.mac + " is served as thing " + mac_owner->thing_id
                  + " at " + mac_owner->address + "; a second address "
                  + s.address + " for it is refused");
  admitted_device dev;
  dev.identity = out.identity;
  dev.entry = match.entry;
  dev.mac = s.mac;
  dev.address = s.address;
  dev.source = s.source;
  dev.seen_on = s.seen_on;
  dev.locator = s.locator;
  dev.profile = profile;
  if (!match.fixed_thing_id.empty()) {
    if (auto* holder = by_thing_id(match.fixed_thing_id))
      return refuse("design entry " + match.entry + " fixes thing id "
                    + match.fixed_thing_id + ", which already serves "
                    + holder->identity
                    + "; pin the entry to a MAC or serial to tell them apart");
    dev.thing_id = match.fixed_thing_id;
  } else {
    dev.thing_id = allocate_thing_id(match.entry);
  }
  out.what = onboarding_decision::kind::admit;
  out.changed = true;
  out.device = dev;
  admitted_[dev.identity] = dev;
  return out;
}

void onboarding_ledger::forget(const std::string& identity) {
  admitted_.erase(identity);
  pending_.erase(identity);
}

void onboarding_ledger::restore(admitted_device d) {
  auto identity = d.identity;
  admitted_[identity] = std::move(d);
}

void onboarding_ledger::restore_rogue(const std::string& identity) {
  rogues_.insert(identity);
}

} // namespace kagami::onboarding
