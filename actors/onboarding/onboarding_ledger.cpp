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

bool onboarding_ledger::begin(const device_sighting& s, clock::time_point now) {
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
  if (t.failed) {
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
    t.fingerprint = s.fingerprint;
    t.last = now;
  }
  onboarding_decision out;
  out.identity = identity_of(s);
  // An admitted device that owns this MAC under another identity.
  const admitted_device* mac_owner = nullptr;
  if (!s.mac.empty())
    for (auto& [identity, dev] : admitted_)
      if (dev.mac == s.mac && identity != out.identity)
        mac_owner = &dev;
  auto existing = admitted_.find(out.identity);
  if (!match.admitted) {
    out.refuse_mac = mac_owner == nullptr && !match.mac_claimed;
    rogues_.insert(out.identity);
    if (existing != admitted_.end()) {
      out.what = onboarding_decision::kind::withdraw;
      out.device = existing->second;
      out.device.profile = profile;
      out.reason = "the device's profile no longer matches the design: "
                   + match.reason;
      admitted_.erase(existing);
      return out;
    }
    out.what = onboarding_decision::kind::refuse;
    out.reason = match.reason;
    if (mac_owner && !match.mac_claimed)
      out.reason = "MAC " + s.mac + " belongs to thing " + mac_owner->thing_id
                   + " at " + mac_owner->address + "; " + out.reason;
    return out;
  }
  if (rogues_.count(out.identity) > 0) {
    out.what = onboarding_decision::kind::refuse;
    out.refuse_mac = mac_owner == nullptr;
    out.reason = "recorded as rogue; only an operator can release it";
    return out;
  }
  admitted_device dev;
  dev.identity = out.identity;
  dev.entry = match.entry;
  dev.mac = s.mac;
  dev.address = s.address;
  dev.source = s.source;
  dev.seen_on = s.seen_on;
  dev.profile = profile;
  if (existing != admitted_.end()) {
    auto& known = existing->second;
    if (known.entry == match.entry) {
      out.what = onboarding_decision::kind::keep;
      out.changed = known.profile != profile || known.source != s.source;
      known.profile = profile;
      known.source = s.source;
      known.seen_on = s.seen_on;
      out.device = known;
      return out;
    }
    // Another design entry now fits (a new firmware moved it): same thing,
    // restarted with that entry's model.
    dev.thing_id = match.fixed_thing_id.empty() ? known.thing_id
                                                : match.fixed_thing_id;
    admitted_.erase(existing);
  } else if (mac_owner) {
    if (mac_owner->profile != profile || mac_owner->entry != match.entry) {
      out.what = onboarding_decision::kind::refuse;
      out.refuse_mac = false;
      out.reason = "MAC " + s.mac + " belongs to thing " + mac_owner->thing_id
                   + " at " + mac_owner->address
                   + ", but this device at " + s.address
                   + " announces another profile";
      rogues_.insert(out.identity);
      return out;
    }
    // The same device at a new address.
    dev.thing_id = mac_owner->thing_id;
    admitted_.erase(mac_owner->identity);
  }
  if (dev.thing_id.empty()) {
    if (!match.fixed_thing_id.empty()) {
      if (auto* holder = by_thing_id(match.fixed_thing_id)) {
        out.what = onboarding_decision::kind::refuse;
        out.refuse_mac = mac_owner == nullptr;
        out.reason = "design entry " + match.entry + " fixes thing id "
                     + match.fixed_thing_id + ", which already serves "
                     + holder->identity
                     + "; pin the entry to a MAC or serial to tell them apart";
        rogues_.insert(out.identity);
        return out;
      }
      dev.thing_id = match.fixed_thing_id;
    } else {
      dev.thing_id = allocate_thing_id(match.entry);
    }
  }
  out.what = onboarding_decision::kind::admit;
  out.changed = true;
  out.device = dev;
  admitted_[dev.identity] = dev;
  return out;
}

void onboarding_ledger::restore(admitted_device d) {
  auto identity = d.identity;
  admitted_[identity] = std::move(d);
}

void onboarding_ledger::restore_rogue(const std::string& identity) {
  rogues_.insert(identity);
}

} // namespace kagami::onboarding
