#include "storage/audit_verify.hpp"

#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "storage/audit_record.hpp"
#include "storage/record_key.hpp"

namespace kagami::storage {

caf::expected<audit_verify_report> audit_verify(kv_store& store) {
  audit_verify_report report;
  uint64_t expected_seq = 1;
  std::string prev_hash = genesis_hash();
  auto fail = [&](uint64_t seq, std::string reason) {
    report.first_bad_sequence = seq;
    report.reason = std::move(reason);
    return false;
  };
  auto err = store.for_each_prefix(
    cf::audit, "", [&](std::string_view key, std::string_view value) {
      auto key_seq = parse_audit_key(key);
      if (!key_seq)
        return fail(expected_seq, "unexpected key '" + printable_key(key)
                                    + "' in the audit column family");
      if (*key_seq > expected_seq)
        return fail(expected_seq, "record missing (next key is "
                                    + std::to_string(*key_seq) + ")");
      if (*key_seq < expected_seq) // cannot happen with ordered keys
        return fail(*key_seq, "key out of order");
      auto rec = decode_audit_record(key, value);
      if (!rec)
        return fail(expected_seq, detail_of(rec.error()));
      if (rec->sequence != expected_seq)
        return fail(expected_seq, "record holds sequence "
                                    + std::to_string(rec->sequence)
                                    + " (moved or swapped)");
      if (rec->prev_hash != prev_hash)
        return fail(expected_seq, "prev_hash does not match the hash of "
                                  "the previous record");
      if (audit_hash(*rec) != rec->hash)
        return fail(expected_seq, "hash mismatch (record modified)");
      prev_hash = rec->hash;
      ++report.records;
      ++expected_seq;
      return true;
    });
  if (err)
    return err;
  if (!report.ok())
    return report;
  auto head = load_audit_head(store);
  if (!head) {
    report.first_bad_sequence = expected_seq;
    report.reason = detail_of(head.error());
    return report;
  }
  if (!*head) {
    if (report.records > 0) {
      report.first_bad_sequence = expected_seq;
      report.reason = "audit head missing";
    }
    return report;
  }
  const auto& h = **head;
  if (h.sequence > report.records) {
    report.first_bad_sequence = expected_seq;
    report.reason = "record missing (the head names sequence "
                    + std::to_string(h.sequence) + ")";
  } else if (h.sequence < report.records) {
    report.first_bad_sequence = h.sequence + 1;
    report.reason = "records after the head (sequence "
                    + std::to_string(h.sequence) + ")";
  } else if (h.hash != prev_hash) {
    report.first_bad_sequence = h.sequence;
    report.reason = "the newest record does not match the head's hash";
  }
  return report;
}

std::string audit_report_json(const audit_verify_report& report) {
  nlohmann::json out;
  out["ok"] = report.ok();
  out["records"] = report.records;
  if (!report.ok()) {
    out["first_bad_sequence"] = *report.first_bad_sequence;
    out["reason"] = report.reason;
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace kagami::storage
