#include "actors/security/chain/expected_use/expected_use_check.hpp"

#include <utility>

#include "actors/core/error.hpp"

namespace kagami::security {

namespace {

/// The longest a write may hold its property (longer than any request's
/// budget through the gateway).
constexpr std::chrono::seconds in_flight_hold{30};

std::string in_flight_key(std::string_view thing, std::string_view property) {
  std::string key{thing};
  key += '\0';
  key += property;
  return key;
}

/// The body as JSON; discarded when it is not valid JSON. Never throws.
nlohmann::json parse_value(std::string_view text) {
  return nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
}

} // namespace

expected_use_check::expected_use_check(expected_use_config config)
  : envelope_count_(config.envelopes.size()),
    envelope_(std::move(config.envelopes)),
    writes_(std::move(config.write_interval)) {
  if (config.rate_limit)
    rate_.emplace(*config.rate_limit);
}

verdict expected_use_check::decide(const check_request& req) {
  if (rate_ && req.subject != nullptr) {
    key_ = req.subject->kind == authn::subject_kind::app ? "app:" : "user:";
    key_ += req.subject->name;
    if (auto d = rate_->acquire(key_, req.mono_now); !d.allowed) {
      ++rate_refusals_;
      return verdict::deny(429, "request rate limit exceeded", d.retry_after());
    }
  }
  bool write = req.op == authz::operation::writeproperty;
  bool enveloped = write && envelope_.find(req.thing_id, req.affordance) != nullptr;
  if (enveloped) {
    auto held = in_flight_.find(in_flight_key(req.thing_id, req.affordance));
    if (held != in_flight_.end() && held->second.request_id != req.request_id
        && req.mono_now < held->second.lapses) {
      ++in_flight_refusals_;
      return verdict::deny(429,
                           "a write to " + std::string(req.affordance) + " of "
                             + std::string(req.thing_id)
                             + " is in progress; the next step starts from its result",
                           std::chrono::seconds{1});
    }
  }
  if (enveloped) {
    auto value = parse_value(req.body);
    if (!value.is_number()) {
      ++envelope_refusals_;
      return verdict::deny(400, std::string(req.affordance) + " of "
                                  + std::string(req.thing_id)
                                  + ": expected a number");
    }
    if (auto err = envelope_.check_write(req.thing_id, req.affordance,
                                         value.get<double>())) {
      ++envelope_refusals_;
      return verdict::deny(403, detail_of(err));
    }
  }
  if (write || req.op == authz::operation::invokeaction) {
    if (auto d = writes_.try_write(req.thing_id, req.mono_now); !d.allowed) {
      ++interval_refusals_;
      return verdict::deny(429,
                           "writes to " + std::string(req.thing_id)
                             + " are limited to one per "
                             + std::to_string(
                               writes_.interval_of(req.thing_id).count())
                             + " ms",
                           d.retry_after());
    }
  }
  if (enveloped)
    in_flight_[in_flight_key(req.thing_id, req.affordance)]
      = in_flight{std::string{req.request_id}, req.mono_now + in_flight_hold};
  return verdict::allow();
}

void expected_use_check::forget(const check_request& req) {
  if (req.op != authz::operation::writeproperty || in_flight_.empty())
    return;
  auto held = in_flight_.find(in_flight_key(req.thing_id, req.affordance));
  if (held != in_flight_.end() && held->second.request_id == req.request_id)
    in_flight_.erase(held);
}

void expected_use_check::observe(const check_request& req,
                                 std::string_view value_json) {
  if (req.op != authz::operation::readproperty
      && req.op != authz::operation::writeproperty)
    return;
  if (envelope_count_ == 0)
    return;
  if (req.op == authz::operation::writeproperty)
    forget(req); // the write is done: the next one starts from its value
  if (req.affordance != "*") {
    // Values of properties without an envelope are not kept: skip parsing.
    if (envelope_.find(req.thing_id, req.affordance) == nullptr)
      return;
    auto value = parse_value(value_json);
    if (value.is_number())
      envelope_.observe(req.thing_id, req.affordance, value.get<double>());
    return;
  }
  auto all = parse_value(value_json);
  if (!all.is_object())
    return;
  for (auto& [name, value] : all.items())
    if (value.is_number())
      envelope_.observe(req.thing_id, name, value.get<double>());
}

nlohmann::json expected_use_check::inspect() const {
  nlohmann::json rate = nullptr;
  if (rate_)
    rate = {{"requests_per_second", rate_->config().requests_per_second},
            {"burst", rate_->config().burst},
            {"max_subjects", rate_->config().max_subjects},
            {"tracked_subjects", rate_->tracked_subjects()}};
  return {{"envelopes", envelope_count_},
          {"rate_limit", std::move(rate)},
          {"write_interval", {{"tracked_devices", writes_.tracked_devices()}}},
          {"refused",
           {{"rate_limit", rate_refusals_},
            {"envelope", envelope_refusals_},
            {"write_interval", interval_refusals_},
            {"write_in_progress", in_flight_refusals_}}}};
}

caf::expected<std::unique_ptr<security_check>>
make_expected_use_check(const nlohmann::json& section, const check_context& ctx) {
  auto config = parse_expected_use_config(section, ctx.pointer);
  if (!config)
    return std::move(config.error());
  return std::make_unique<expected_use_check>(std::move(*config));
}

} // namespace kagami::security
