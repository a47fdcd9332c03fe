#include "actors/security/validation/signature_matcher.hpp"

#include <limits>

#include <hs/hs.h>

#include "actors/core/error.hpp"

namespace kagami::security {

void signature_scratch::free_scratch::operator()(hs_scratch* p) const noexcept {
  hs_free_scratch(p);
}

void signature_matcher::free_database::operator()(hs_database* p) const noexcept {
  hs_free_database(p);
}

caf::expected<signature_matcher>
signature_matcher::compile(std::vector<signature_rule> rules) {
  signature_matcher result;
  result.rules_ = std::move(rules);
  for (size_t f = 0; f < request_field_count; ++f) {
    auto field = static_cast<request_field>(f);
    std::vector<const char*> expressions;
    std::vector<unsigned> flags;
    std::vector<unsigned> ids;
    for (size_t i = 0; i < result.rules_.size(); ++i) {
      auto& rule = result.rules_[i];
      bool wanted = false;
      for (auto x : rule.fields)
        wanted = wanted || x == field;
      if (!wanted)
        continue;
      expressions.push_back(rule.pattern.c_str());
      unsigned fl = HS_FLAG_SINGLEMATCH;
      if (rule.caseless)
        fl |= HS_FLAG_CASELESS;
      if (rule.dotall)
        fl |= HS_FLAG_DOTALL;
      flags.push_back(fl);
      ids.push_back(static_cast<unsigned>(i));
    }
    if (expressions.empty())
      continue;
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    auto rc = hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                               static_cast<unsigned>(expressions.size()),
                               HS_MODE_BLOCK, nullptr, &db, &err);
    if (rc != HS_SUCCESS) {
      std::string detail;
      if (err != nullptr && err->expression >= 0
          && static_cast<size_t>(err->expression) < ids.size()) {
        auto index = ids[static_cast<size_t>(err->expression)];
        detail = "rule " + result.rules_[index].id + " (/"
                 + std::to_string(index) + "/pattern): " + err->message;
      } else {
        detail = std::string{"signature database for "} + to_string(field)
                 + ": " + (err != nullptr ? err->message : "compile failed");
      }
      hs_free_compile_error(err);
      return make_error(ec::config_invalid, std::move(detail));
    }
    result.databases_[f].reset(db);
  }
  return result;
}

caf::expected<signature_scratch> signature_matcher::make_scratch() const {
  hs_scratch_t* scratch = nullptr;
  for (auto& db : databases_) {
    if (!db)
      continue;
    if (hs_alloc_scratch(db.get(), &scratch) != HS_SUCCESS) {
      hs_free_scratch(scratch);
      return make_error(ec::internal, "hs_alloc_scratch failed");
    }
  }
  signature_scratch result;
  result.ptr_.reset(scratch);
  return result;
}

namespace {

struct match_state {
  bool matched = false;
  unsigned id = 0;
};

int on_match(unsigned id, unsigned long long, unsigned long long, unsigned,
             void* context) {
  auto* state = static_cast<match_state*>(context);
  state->matched = true;
  state->id = id;
  return 1; // stop scanning
}

} // namespace

caf::expected<std::optional<signature_hit>>
signature_matcher::scan(const scanned_request& request,
                        signature_scratch& scratch) const {
  std::string header_block;
  auto scan_block = [&](request_field field, std::string_view data)
    -> caf::expected<std::optional<signature_hit>> {
    auto& db = databases_[static_cast<size_t>(field)];
    if (!db)
      return std::optional<signature_hit>{};
    if (data.size() > std::numeric_limits<unsigned>::max())
      return make_error(ec::internal, "block too long for Hyperscan");
    if (!scratch.ptr_)
      return make_error(ec::internal, "signature scan without a scratch");
    match_state state;
    auto rc = hs_scan(db.get(), data.data(), static_cast<unsigned>(data.size()),
                      0, scratch.ptr_.get(), on_match, &state);
    if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED)
      return make_error(ec::internal,
                        "hs_scan failed with code " + std::to_string(rc));
    if (!state.matched)
      return std::optional<signature_hit>{};
    auto& rule = rules_[state.id];
    return std::optional<signature_hit>{
      signature_hit{rule.id, rule.severity, field}};
  };
  auto hit = scan_block(request_field::uri, request.uri);
  if (!hit || *hit)
    return hit;
  if (databases_[static_cast<size_t>(request_field::headers)]) {
    for (auto& [name, value] : request.headers) {
      header_block.assign(name);
      header_block += ": ";
      header_block += value;
      hit = scan_block(request_field::headers, header_block);
      if (!hit || *hit)
        return hit;
    }
  }
  return scan_block(request_field::body, request.body);
}

} // namespace kagami::security
