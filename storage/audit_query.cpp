#include "storage/audit_query.hpp"

#include <nlohmann/json.hpp>

namespace kagami::storage {

bool audit_matches(const audit_record& rec, const audit_filter& f) noexcept {
  const auto& ev = rec.event;
  if (f.subject && ev.subject != *f.subject)
    return false;
  if (f.thing && ev.thing != *f.thing)
    return false;
  if (f.op && ev.op != *f.op)
    return false;
  if (f.outcome && ev.outcome != *f.outcome)
    return false;
  if (f.from_ms && ev.time_ms < *f.from_ms)
    return false;
  if (f.to_ms && ev.time_ms >= *f.to_ms)
    return false;
  return true;
}

caf::expected<std::vector<audit_record>> audit_query(kv_store& store,
                                                     const audit_filter& f) {
  auto limit = f.limit == 0 || f.limit > max_audit_query_limit
                 ? max_audit_query_limit
                 : f.limit;
  std::vector<audit_record> result;
  caf::error failure;
  auto err = store.for_each_prefix(
    cf::audit, "", [&](std::string_view key, std::string_view value) {
      if (auto seq = parse_audit_key(key); seq && *seq <= f.after_sequence)
        return true;
      auto rec = decode_audit_record(key, value);
      if (!rec) {
        failure = std::move(rec.error());
        return false;
      }
      if (rec->sequence <= f.after_sequence || !audit_matches(*rec, f))
        return true;
      result.push_back(std::move(*rec));
      return result.size() < limit;
    });
  if (err)
    return err;
  if (failure)
    return failure;
  return result;
}

std::string audit_records_json(const std::vector<audit_record>& records) {
  auto out = nlohmann::json::array();
  for (const auto& rec : records)
    out.push_back(nlohmann::json::parse(encode_audit_record(rec), nullptr, false));
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace kagami::storage
