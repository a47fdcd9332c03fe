// kagami-audit: checks and reads the audit trail in a gateway's data
// directory. Prints JSON on stdout.
//
//   kagami-audit verify --data-dir DIR
//     {"ok": B, "records": N[, "first_bad_sequence": K, "reason": S]}
//     exit 0: intact, 1: tampered, 2: usage or store error.
//   kagami-audit query --data-dir DIR [--subject S] [--thing T] [--op O]
//     [--outcome allowed|denied|error] [--from MS] [--to MS] [--after SEQ]
//     [--limit N]
//     [RECORD, ...] in sequence order (each as stored), exit 0 or 2.
//
// The data directory is opened exclusively: run it while kagamid is
// stopped, or on a copy of the directory.

#include <cstdint>
#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "actors/core/error.hpp"
#include "storage/audit_query.hpp"
#include "storage/audit_record.hpp"
#include "storage/audit_verify.hpp"
#include "storage/rocksdb_store.hpp"

namespace {

using namespace kagami;
using namespace kagami::storage;

int fail(const std::string& what) {
  std::cerr << "kagami-audit: " << what << "\n";
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"kagami-audit: verify and query the gateway's audit trail"};
  app.require_subcommand(1);
  std::string data_dir;
  auto* verify = app.add_subcommand("verify", "recompute the hash chain");
  verify->add_option("--data-dir", data_dir, "the gateway's data directory")
    ->required();
  auto* query = app.add_subcommand("query", "print matching records as JSON");
  query->add_option("--data-dir", data_dir, "the gateway's data directory")
    ->required();
  std::optional<std::string> subject;
  std::optional<std::string> thing;
  std::optional<std::string> op;
  std::optional<std::string> outcome;
  std::optional<int64_t> from_ms;
  std::optional<int64_t> to_ms;
  uint64_t after = 0;
  size_t limit = 100;
  query->add_option("--subject", subject, "exact subject");
  query->add_option("--thing", thing, "exact thing id");
  query->add_option("--op", op, "exact op (readproperty, ...)");
  query->add_option("--outcome", outcome, "allowed, denied or error");
  query->add_option("--from", from_ms, "time >= MS since the epoch");
  query->add_option("--to", to_ms, "time < MS since the epoch");
  query->add_option("--after", after, "sequence > SEQ (paging)");
  query->add_option("--limit", limit, "at most N records (max 10000)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  audit_filter filter;
  if (app.got_subcommand("query")) {
    filter.subject = subject;
    filter.thing = thing;
    filter.op = op;
    filter.from_ms = from_ms;
    filter.to_ms = to_ms;
    filter.after_sequence = after;
    filter.limit = limit;
    if (outcome) {
      filter.outcome = parse_audit_outcome(*outcome);
      if (!filter.outcome)
        return fail("--outcome: expected allowed, denied or error");
    }
  }
  auto store = rocksdb_store::open(data_dir);
  if (!store)
    return fail(detail_of(store.error()));
  if (app.got_subcommand("verify")) {
    auto report = audit_verify(**store);
    if (!report)
      return fail(detail_of(report.error()));
    std::cout << audit_report_json(*report) << "\n";
    return report->ok() ? 0 : 1;
  }
  auto records = audit_query(**store, filter);
  if (!records)
    return fail(detail_of(records.error()));
  std::cout << audit_records_json(*records) << "\n";
  return 0;
}
