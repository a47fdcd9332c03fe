#include "actors/security/chain/check_chains.hpp"

#include <map>
#include <utility>

#include "actors/core/error.hpp"
#include "actors/security/chain/check_section.hpp"
#include "actors/security/validation/rule_error.hpp"
#include "config/json_reader.hpp"
#include "config/syntax.hpp"

namespace kagami::security {

namespace detail {

constexpr size_t no_rule = static_cast<size_t>(-1);

struct check_instance {
  std::string name;
  std::string type;
  std::unique_ptr<security_check> check;
  uint64_t decided = 0;
  uint64_t denied = 0;
  /// decide() threw.
  uint64_t failed = 0;
};

struct compiled_chain {
  std::vector<security_check*> checks;
  /// Indexes into state::instances, parallel to `checks`.
  std::vector<size_t> members;
  uint64_t selected = 0;
};

struct chain_rule {
  thing_selector thing;
  subject_selector subject;
  compiled_chain checks;
};

struct chains_state {
  std::vector<check_instance> instances;
  std::map<std::string, size_t, std::less<>> by_name;
  compiled_chain default_chain;
  std::vector<chain_rule> rules;

  size_t select_rule(std::string_view thing_id, std::string_view model,
                     const std::vector<std::string>& tags,
                     const authn::subject& who) const {
    for (size_t i = 0; i < rules.size(); ++i)
      if (rules[i].thing.matches(thing_id, model, tags)
          && rules[i].subject.matches(who))
        return i;
    return no_rule;
  }

  const compiled_chain& chain_of(size_t rule) const {
    return rule == no_rule ? default_chain : rules[rule].checks;
  }

  compiled_chain& chain_of(size_t rule) {
    return rule == no_rule ? default_chain : rules[rule].checks;
  }

  nlohmann::json names_of(const compiled_chain& c) const {
    auto out = nlohmann::json::array();
    for (auto m : c.members)
      out.push_back(instances[m].name);
    return out;
  }
};

} // namespace detail

namespace {

using detail::compiled_chain;
using detail::chain_rule;
using detail::chains_state;
using detail::check_instance;

caf::error read_checks(chains_state& st, const nlohmann::json& section,
                       const check_registry& r, const check_context& ctx,
                       const check_chain_limits& limits) {
  auto at = ctx.pointer + "/checks";
  if (!section.is_object())
    return rule_error(at, "expected an object of named checks");
  if (section.size() > limits.max_checks)
    return rule_error(at, "more than " + std::to_string(limits.max_checks)
                            + " checks");
  st.instances.reserve(section.size());
  for (auto& [name, body] : section.items()) {
    auto here = at + "/" + config::pointer_token(name);
    if (!config::is_id(name))
      return rule_error(here, "a check name must match [A-Za-z0-9._-]{1,64}");
    if (!body.is_object())
      return rule_error(here, "expected an object");
    auto type = body.find("type");
    if (type == body.end())
      return rule_error(here + "/type", "missing");
    if (!type->is_string())
      return rule_error(here + "/type", "expected a string");
    auto own = body;
    own.erase("type");
    auto sub = ctx;
    sub.pointer = here;
    auto made = r.create(type->get_ref<const std::string&>(), own, sub);
    if (!made)
      return std::move(made.error());
    st.by_name.emplace(name, st.instances.size());
    st.instances.push_back(check_instance{name, type->get<std::string>(),
                                    std::move(*made)});
  }
  return {};
}

caf::expected<compiled_chain> read_chain(const chains_state& st,
                                const nlohmann::json& names,
                                const std::string& at,
                                const check_chain_limits& limits) {
  if (!names.is_array())
    return rule_error(at, "expected an array of check names");
  if (names.empty())
    return rule_error(at, "empty chain");
  if (names.size() > limits.max_chain_length)
    return rule_error(at, "more than " + std::to_string(limits.max_chain_length)
                            + " checks in one chain");
  compiled_chain out;
  bool authorizes = false;
  for (size_t i = 0; i < names.size(); ++i) {
    auto here = at + "/" + std::to_string(i);
    if (!names[i].is_string())
      return rule_error(here, "expected a check name");
    auto& name = names[i].get_ref<const std::string&>();
    auto found = st.by_name.find(name);
    if (found == st.by_name.end())
      return rule_error(here, "unknown check " + quote_text(name));
    for (auto m : out.members)
      if (m == found->second)
        return rule_error(here, "check " + quote_text(name) + " appears twice");
    out.members.push_back(found->second);
    out.checks.push_back(st.instances[found->second].check.get());
    authorizes = authorizes
                 || st.instances[found->second].type == authorization_check_type;
  }
  if (!authorizes)
    return rule_error(at, "no check of type "
                            + std::string(authorization_check_type)
                            + " in the chain (deny by default needs one)");
  return out;
}

caf::expected<chain_rule> read_rule(const chains_state& st,
                                    const nlohmann::json& j,
                                    const std::string& at,
                                    const check_chain_limits& limits) {
  if (auto err = only_keys(j, at, {"thing", "subject", "chain"}))
    return err;
  chain_rule out;
  auto thing = j.find("thing");
  if (thing == j.end())
    return rule_error(at + "/thing", "missing");
  if (!thing->is_string())
    return rule_error(at + "/thing", "expected a string");
  auto ts = parse_thing_selector(thing->get_ref<const std::string&>(),
                                 at + "/thing");
  if (!ts)
    return std::move(ts.error());
  out.thing = std::move(*ts);
  if (auto subject = j.find("subject"); subject != j.end()) {
    if (!subject->is_string())
      return rule_error(at + "/subject", "expected a string");
    auto ss = parse_subject_selector(subject->get_ref<const std::string&>(),
                                     at + "/subject");
    if (!ss)
      return std::move(ss.error());
    out.subject = std::move(*ss);
  }
  auto names = j.find("chain");
  if (names == j.end())
    return rule_error(at + "/chain", "missing");
  auto c = read_chain(st, *names, at + "/chain", limits);
  if (!c)
    return std::move(c.error());
  out.checks = std::move(*c);
  return out;
}

caf::error read_chains(chains_state& st, const nlohmann::json& section,
                       const check_context& ctx,
                       const check_chain_limits& limits) {
  auto at = ctx.pointer + "/chains";
  if (auto err = only_keys(section, at, {"default", "rules"}))
    return err;
  auto def = section.find("default");
  if (def == section.end())
    return rule_error(at + "/default", "missing");
  auto c = read_chain(st, *def, at + "/default", limits);
  if (!c)
    return std::move(c.error());
  st.default_chain = std::move(*c);
  auto rules = section.find("rules");
  if (rules == section.end())
    return {};
  if (!rules->is_array())
    return rule_error(at + "/rules", "expected an array of rules");
  if (rules->size() > limits.max_rules)
    return rule_error(at + "/rules", "more than "
                                       + std::to_string(limits.max_rules)
                                       + " rules");
  st.rules.reserve(rules->size());
  for (size_t i = 0; i < rules->size(); ++i) {
    auto rule = read_rule(st, (*rules)[i],
                          at + "/rules/" + std::to_string(i), limits);
    if (!rule)
      return std::move(rule.error());
    st.rules.push_back(std::move(*rule));
  }
  return {};
}

} // namespace

caf::expected<check_chains>
check_chains::make(const nlohmann::json& checks_section,
                   const nlohmann::json& chains_section,
                   const check_registry& r, const check_context& ctx,
                   const check_chain_limits& limits) {
  try {
    auto st = std::make_unique<chains_state>();
    if (auto err = read_checks(*st, checks_section, r, ctx, limits))
      return err;
    if (auto err = read_chains(*st, chains_section, ctx, limits))
      return err;
    return check_chains{std::move(st)};
  } catch (const std::exception& e) {
    // Only std::bad_alloc is expected here; never let it escape.
    return make_error(ec::internal, ctx.pointer + ": " + e.what());
  }
}

check_chains::check_chains(std::unique_ptr<detail::chains_state> s)
  : state_(std::move(s)) {
}

check_chains::check_chains(check_chains&&) noexcept = default;

check_chains& check_chains::operator=(check_chains&&) noexcept = default;

check_chains::~check_chains() = default;

const std::vector<security_check*>&
check_chains::select(std::string_view thing_id, std::string_view model,
                     const std::vector<std::string>& tags,
                     const authn::subject& who) const {
  return state_->chain_of(state_->select_rule(thing_id, model, tags, who))
    .checks;
}

verdict check_chains::run(const check_request& req) {
  if (req.subject == nullptr) {
    auto v = verdict::deny(403, "no authenticated subject");
    v.check = "chain";
    return v;
  }
  static const std::vector<std::string> no_tags;
  auto& c = state_->chain_of(state_->select_rule(
    req.thing_id, req.thing_model, req.thing_tags ? *req.thing_tags : no_tags,
    *req.subject));
  ++c.selected;
  for (auto m : c.members) {
    auto& inst = state_->instances[m];
    ++inst.decided;
    verdict v;
    try {
      v = inst.check->decide(req);
    } catch (...) {
      ++inst.failed;
      v = verdict::deny(403, "security check failed");
    }
    if (!v.allowed) {
      ++inst.denied;
      if (v.status == 0)
        v.status = 403;
      v.check = inst.name;
      return v;
    }
  }
  return verdict::allow();
}

namespace {

/// Calls `f` on every check of the chain selected for `req`; exceptions are
/// swallowed: a check's bookkeeping must not fail a request that already
/// ran (or was already refused).
template <class State, class F>
void for_each_selected(State& state, const check_request& req, F f) {
  if (req.subject == nullptr)
    return;
  static const std::vector<std::string> no_tags;
  auto& c = state.chain_of(state.select_rule(
    req.thing_id, req.thing_model, req.thing_tags ? *req.thing_tags : no_tags,
    *req.subject));
  for (auto* check : c.checks) {
    try {
      f(*check);
    } catch (...) {
      // Bookkeeping only.
    }
  }
}

} // namespace

void check_chains::observe(const check_request& req,
                           std::string_view value_json) {
  for_each_selected(*state_, req,
                    [&](security_check& c) { c.observe(req, value_json); });
}

void check_chains::forget(const check_request& req) {
  for_each_selected(*state_, req, [&](security_check& c) { c.forget(req); });
}

nlohmann::json check_chains::inspect() const {
  auto checks = nlohmann::json::object();
  for (auto& inst : state_->instances) {
    nlohmann::json own;
    try {
      own = inst.check->inspect();
    } catch (...) {
      own = nullptr;
    }
    checks[inst.name] = {{"type", inst.type},
                         {"decided", inst.decided},
                         {"denied", inst.denied},
                         {"failed", inst.failed},
                         {"state", std::move(own)}};
  }
  auto rules = nlohmann::json::array();
  for (auto& r : state_->rules)
    rules.push_back({{"thing", r.thing.to_string()},
                     {"subject", r.subject.to_string()},
                     {"checks", state_->names_of(r.checks)},
                     {"selected", r.checks.selected}});
  return {{"checks", std::move(checks)},
          {"chains",
           {{"default",
             {{"checks", state_->names_of(state_->default_chain)},
              {"selected", state_->default_chain.selected}}},
            {"rules", std::move(rules)}}}};
}

security_check* check_chains::find(std::string_view name) const {
  auto i = state_->by_name.find(name);
  return i == state_->by_name.end() ? nullptr
                                    : state_->instances[i->second].check.get();
}

} // namespace kagami::security
