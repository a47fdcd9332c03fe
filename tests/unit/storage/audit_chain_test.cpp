// The audit writer, verification and queries over both stores: the chain
// verifies, tampering is found at the right sequence, restarts continue
// the chain, concurrent bursts land in order, backpressure and write
// failures are errors.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "storage/audit_query.hpp"
#include "storage/audit_record.hpp"
#include "storage/audit_verify.hpp"
#include "storage/audit_writer.hpp"
#include "store_fixtures.hpp"

namespace kagami::storage::test {
namespace {

audit_event event_of(int i, std::string subject = "user:alice") {
  audit_event ev;
  ev.time_ms = 1'000 + i;
  ev.subject = std::move(subject);
  ev.source = "192.0.2.7:4000";
  ev.thing = i % 2 == 0 ? "urn:dev:press" : "urn:dev:oven";
  ev.affordance = "setpoint";
  ev.op = i % 3 == 0 ? "writeproperty" : "readproperty";
  ev.outcome = i % 4 == 0 ? audit_outcome::denied : audit_outcome::allowed;
  ev.http_status = ev.outcome == audit_outcome::denied ? 403 : 200;
  ev.check = "authz.acl";
  ev.reason = "reason of request " + std::to_string(i);
  ev.request_id = "req-" + std::to_string(i);
  return ev;
}

/// Appends events 1..n durably through a fresh writer.
void append_n(kv_store& store, int first, int n) {
  auto writer = audit_writer::start(store);
  ASSERT_TRUE(writer) << detail_of(writer.error());
  for (int i = first; i < first + n; ++i) {
    auto seq = (*writer)->append_durable(event_of(i));
    ASSERT_TRUE(seq) << detail_of(seq.error());
  }
}

std::string raw(kv_store& store, uint64_t seq) {
  auto v = store.get(cf::audit, audit_key(seq));
  return v && *v ? **v : "<none>";
}

template <class Factory>
class audit_chain_test : public ::testing::Test {
protected:
  void SetUp() override {
    store_ = Factory::make(dir_);
    ASSERT_NE(store_, nullptr);
  }

  temp_dir dir_;
  std::unique_ptr<kv_store> store_;
};

TYPED_TEST_SUITE(audit_chain_test, store_factories, factory_names);

TYPED_TEST(audit_chain_test, empty_trail_verifies) {
  auto report = audit_verify(*this->store_);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->records, 0u);
}

TYPED_TEST(audit_chain_test, appended_chain_verifies_and_decodes) {
  auto& store = *this->store_;
  append_n(store, 1, 20);
  auto report = audit_verify(store);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok()) << report->reason;
  EXPECT_EQ(report->records, 20u);
  std::string prev = genesis_hash();
  for (uint64_t seq = 1; seq <= 20; ++seq) {
    auto rec = decode_audit_record(audit_key(seq), raw(store, seq));
    ASSERT_TRUE(rec);
    EXPECT_EQ(rec->sequence, seq);
    EXPECT_EQ(rec->event, event_of(static_cast<int>(seq)));
    EXPECT_EQ(rec->prev_hash, prev);
    prev = rec->hash;
  }
  auto head = load_audit_head(store);
  ASSERT_TRUE(head && *head);
  EXPECT_EQ((*head)->sequence, 20u);
  EXPECT_EQ((*head)->hash, prev);
}

/// One way to tamper with a trail of 10 records and where it must show.
struct tamper_case {
  const char* name;
  void (*apply)(kv_store&);
  uint64_t first_bad;
  const char* reason_part;
};

void replace_in(kv_store& store, uint64_t seq, std::string_view from,
                std::string_view to) {
  auto bytes = raw(store, seq);
  auto pos = bytes.find(from);
  ASSERT_NE(pos, std::string::npos);
  bytes.replace(pos, from.size(), to);
  ASSERT_FALSE(store.put(cf::audit, audit_key(seq), bytes));
}

const tamper_case tamper_cases[] = {
  {"flip a byte of the reason",
   [](kv_store& s) { replace_in(s, 4, "request 4", "request 5"); }, 4,
   "hash mismatch"},
  {"change the outcome",
   [](kv_store& s) { replace_in(s, 8, "\"denied\"", "\"allowed\""); }, 8,
   "hash mismatch"},
  {"flip a byte so that the JSON breaks",
   [](kv_store& s) { replace_in(s, 3, "{", "["); }, 3, "not valid JSON"},
  {"delete a record",
   [](kv_store& s) { ASSERT_FALSE(s.erase(cf::audit, audit_key(5))); }, 5,
   "record missing"},
  {"delete the newest record",
   [](kv_store& s) { ASSERT_FALSE(s.erase(cf::audit, audit_key(10))); }, 10,
   "record missing"},
  {"swap two records",
   [](kv_store& s) {
     auto a = raw(s, 3);
     auto b = raw(s, 7);
     ASSERT_FALSE(s.put(cf::audit, audit_key(3), b));
     ASSERT_FALSE(s.put(cf::audit, audit_key(7), a));
   },
   3, "moved or swapped"},
  {"renumber a record to hide a deletion",
   [](kv_store& s) {
     // Delete 5, move 6 into its place with a matching seq field.
     auto six = raw(s, 6);
     ASSERT_FALSE(s.erase(cf::audit, audit_key(6)));
     auto pos = six.find("\"seq\":6");
     ASSERT_NE(pos, std::string::npos);
     six.replace(pos, 7, "\"seq\":5");
     ASSERT_FALSE(s.put(cf::audit, audit_key(5), six));
   },
   5, "prev_hash does not match"},
  {"drop the head",
   [](kv_store& s) { ASSERT_FALSE(s.erase(cf::meta, audit_head_key)); }, 11,
   "audit head missing"},
  {"append a forged record after the head",
   [](kv_store& s) {
     audit_record forged;
     forged.event = event_of(11);
     forged.sequence = 11;
     forged.prev_hash = decode_audit_record(audit_key(10), raw(s, 10))->hash;
     forged.hash = audit_hash(forged);
     ASSERT_FALSE(
       s.put(cf::audit, audit_key(11), encode_audit_record(forged)));
   },
   11, "records after the head"},
};

TYPED_TEST(audit_chain_test, tampering_is_found_at_its_sequence) {
  for (const auto& c : tamper_cases) {
    SCOPED_TRACE(c.name);
    temp_dir dir;
    auto store = TypeParam::make(dir);
    ASSERT_NE(store, nullptr);
    append_n(*store, 1, 10);
    auto before = audit_verify(*store);
    ASSERT_TRUE(before && before->ok());
    c.apply(*store);
    auto report = audit_verify(*store);
    ASSERT_TRUE(report);
    EXPECT_FALSE(report->ok());
    EXPECT_EQ(report->first_bad_sequence, c.first_bad);
    EXPECT_NE(report->reason.find(c.reason_part), std::string::npos)
      << report->reason;
  }
}

TYPED_TEST(audit_chain_test, restart_continues_the_chain) {
  auto& store = *this->store_;
  append_n(store, 1, 5);
  append_n(store, 6, 5);
  auto report = audit_verify(store);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok()) << report->reason;
  EXPECT_EQ(report->records, 10u);
  auto rec = decode_audit_record(audit_key(6), raw(store, 6));
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->event, event_of(6));
}

TYPED_TEST(audit_chain_test, restart_without_head_continues_from_newest) {
  auto& store = *this->store_;
  append_n(store, 1, 5);
  ASSERT_FALSE(store.erase(cf::meta, audit_head_key));
  append_n(store, 6, 3);
  auto report = audit_verify(store);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok()) << report->reason;
  EXPECT_EQ(report->records, 8u);
}

TYPED_TEST(audit_chain_test, restart_refuses_a_corrupt_head) {
  auto& store = *this->store_;
  append_n(store, 1, 2);
  ASSERT_FALSE(store.put(cf::meta, audit_head_key, "garbage"));
  auto writer = audit_writer::start(store);
  ASSERT_FALSE(writer);
  EXPECT_EQ(code_of(writer.error()), ec::storage_failure);
  EXPECT_NE(detail_of(writer.error()).find("corrupt audit head record"),
            std::string::npos);
}

TYPED_TEST(audit_chain_test, burst_from_four_threads_lands_in_order) {
  auto& store = *this->store_;
  constexpr int threads = 4;
  constexpr int per_thread = 2500;
  auto writer = audit_writer::start(store);
  ASSERT_TRUE(writer);
  std::vector<std::vector<audit_ticket>> tickets(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        auto ev = event_of(i, "app:t" + std::to_string(t));
        ev.request_id = std::to_string(t) + "/" + std::to_string(i);
        auto ticket = (*writer)->append(std::move(ev));
        if (!ticket) {
          ADD_FAILURE() << detail_of(ticket.error());
          return;
        }
        tickets[t].push_back(*ticket);
      }
    });
  for (auto& w : workers)
    w.join();
  // Every ticket resolves to a sequence; per thread they increase.
  std::vector<uint64_t> seqs;
  for (int t = 0; t < threads; ++t) {
    ASSERT_EQ(tickets[t].size(), size_t{per_thread});
    uint64_t last = 0;
    for (auto& ticket : tickets[t]) {
      auto seq = ticket.wait();
      ASSERT_TRUE(seq) << detail_of(seq.error());
      EXPECT_GT(*seq, last);
      last = *seq;
      seqs.push_back(*seq);
    }
  }
  EXPECT_EQ((*writer)->last_sequence(), uint64_t{threads * per_thread});
  (*writer)->stop();
  auto report = audit_verify(store);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok()) << report->reason;
  EXPECT_EQ(report->records, uint64_t{threads * per_thread});
  // The stored records of each thread appear in the order it appended them,
  // and each ticket's sequence holds that thread's record.
  audit_filter all;
  std::vector<int> next(threads, 0);
  uint64_t after = 0;
  for (;;) {
    all.after_sequence = after;
    all.limit = max_audit_query_limit;
    auto page = audit_query(store, all);
    ASSERT_TRUE(page);
    if (page->empty())
      break;
    for (const auto& rec : *page) {
      auto slash = rec.event.request_id.find('/');
      ASSERT_NE(slash, std::string::npos);
      int t = std::stoi(rec.event.request_id.substr(0, slash));
      int i = std::stoi(rec.event.request_id.substr(slash + 1));
      EXPECT_EQ(i, next[t]) << rec.event.request_id;
      next[t] = i + 1;
      EXPECT_EQ(tickets[t][i].wait(), rec.sequence);
      after = rec.sequence;
    }
  }
  for (int t = 0; t < threads; ++t)
    EXPECT_EQ(next[t], per_thread);
}

TYPED_TEST(audit_chain_test, stop_writes_everything_queued) {
  auto& store = *this->store_;
  std::vector<audit_ticket> tickets;
  {
    auto writer = audit_writer::start(store);
    ASSERT_TRUE(writer);
    for (int i = 1; i <= 300; ++i) {
      auto ticket = (*writer)->append(event_of(i));
      ASSERT_TRUE(ticket);
      tickets.push_back(*ticket);
    }
    (*writer)->stop();
    auto late = (*writer)->append(event_of(301));
    ASSERT_FALSE(late);
    EXPECT_EQ(code_of(late.error()), ec::unavailable);
  }
  for (size_t i = 0; i < tickets.size(); ++i)
    EXPECT_EQ(tickets[i].wait(), i + 1);
  auto report = audit_verify(store);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->records, 300u);
}

TYPED_TEST(audit_chain_test, query_filters) {
  auto& store = *this->store_;
  auto writer = audit_writer::start(store);
  ASSERT_TRUE(writer);
  // 24 events: subjects alternate per 12, things alternate, ops every 3rd.
  for (int i = 1; i <= 24; ++i)
    ASSERT_TRUE(
      (*writer)->append_durable(event_of(i, i <= 12 ? "user:a" : "user:b")));
  (*writer)->stop();
  auto expected_for = [](const audit_filter& f) {
    std::vector<uint64_t> seqs;
    for (int i = 1; i <= 24; ++i) {
      audit_record rec;
      rec.event = event_of(i, i <= 12 ? "user:a" : "user:b");
      rec.sequence = static_cast<uint64_t>(i);
      if (rec.sequence > f.after_sequence && audit_matches(rec, f))
        seqs.push_back(rec.sequence);
    }
    return seqs;
  };
  struct row {
    const char* name;
    audit_filter filter;
    size_t count;
  };
  auto make = [](auto fn) {
    audit_filter f;
    fn(f);
    return f;
  };
  const std::vector<row> rows = {
    {"all", {}, 24},
    {"subject", make([](audit_filter& f) { f.subject = "user:b"; }), 12},
    {"thing", make([](audit_filter& f) { f.thing = "urn:dev:oven"; }), 12},
    {"op", make([](audit_filter& f) { f.op = "writeproperty"; }), 8},
    {"outcome",
     make([](audit_filter& f) { f.outcome = audit_outcome::denied; }), 6},
    {"time range",
     make([](audit_filter& f) {
       f.from_ms = 1'005;
       f.to_ms = 1'010;
     }),
     5},
    {"subject and outcome",
     make([](audit_filter& f) {
       f.subject = "user:a";
       f.outcome = audit_outcome::denied;
     }),
     3},
    {"after", make([](audit_filter& f) { f.after_sequence = 20; }), 4},
    {"unknown subject", make([](audit_filter& f) { f.subject = "user:z"; }),
     0},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    auto res = audit_query(store, r.filter);
    ASSERT_TRUE(res);
    std::vector<uint64_t> got;
    for (const auto& rec : *res)
      got.push_back(rec.sequence);
    EXPECT_EQ(got.size(), r.count);
    EXPECT_EQ(got, expected_for(r.filter));
  }
  audit_filter limited;
  limited.limit = 5;
  limited.thing = "urn:dev:press";
  auto res = audit_query(store, limited);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->size(), 5u);
  EXPECT_EQ(res->front().sequence, 2u);
  EXPECT_EQ(res->back().sequence, 10u);
}

TYPED_TEST(audit_chain_test, query_reports_a_corrupt_record) {
  auto& store = *this->store_;
  append_n(store, 1, 3);
  ASSERT_FALSE(store.put(cf::audit, audit_key(2), "junk"));
  auto res = audit_query(store, {});
  ASSERT_FALSE(res);
  EXPECT_EQ(detail_of(res.error()),
            "corrupt audit record 'audit/00000000000000000002': not valid "
            "JSON");
}

/// A memory_store whose writes can be held or made to fail: drives the
/// writer into backpressure and write errors. The writer under test is
/// real; only its store is steered.
class steered_store final : public kv_store {
public:
  caf::error put(std::string_view cf, std::string_view key,
                 std::string_view value, write_options opts) override {
    return inner_.put(cf, key, value, opts);
  }
  caf::expected<std::optional<std::string>>
  get(std::string_view cf, std::string_view key) override {
    return inner_.get(cf, key);
  }
  caf::error erase(std::string_view cf, std::string_view key,
                   write_options opts) override {
    return inner_.erase(cf, key, opts);
  }
  caf::error for_each_prefix(std::string_view cf, std::string_view prefix,
                             const record_visitor& fn) override {
    return inner_.for_each_prefix(cf, prefix, fn);
  }
  caf::error write(const write_batch& batch, write_options opts) override {
    std::unique_lock<std::mutex> guard{mtx_};
    ++writes_started_;
    ++batch_writes_;
    cv_.notify_all();
    cv_.wait(guard, [this] { return !hold_; });
    if (fail_)
      return make_error(ec::storage_failure, "disk on fire");
    guard.unlock();
    return inner_.write(batch, opts);
  }

  void hold(bool on) {
    {
      std::lock_guard<std::mutex> guard{mtx_};
      hold_ = on;
    }
    cv_.notify_all();
  }

  void fail(bool on) {
    std::lock_guard<std::mutex> guard{mtx_};
    fail_ = on;
  }

  int batch_writes() {
    std::lock_guard<std::mutex> guard{mtx_};
    return batch_writes_;
  }

  void wait_for_writes(int n) {
    std::unique_lock<std::mutex> guard{mtx_};
    cv_.wait(guard, [&] { return writes_started_ >= n; });
  }

private:
  memory_store inner_;
  std::mutex mtx_;
  std::condition_variable cv_;
  bool hold_ = false;
  bool fail_ = false;
  int writes_started_ = 0;
  int batch_writes_ = 0;
};

TEST(audit_writer, full_queue_blocks_then_fails) {
  steered_store store;
  store.hold(true);
  audit_writer_options opts;
  opts.queue_capacity = 2;
  opts.append_timeout = std::chrono::milliseconds{30};
  auto writer = audit_writer::start(store, opts);
  ASSERT_TRUE(writer);
  auto first = (*writer)->append(event_of(1));
  ASSERT_TRUE(first);
  store.wait_for_writes(1); // the thread holds event 1 in a write
  auto second = (*writer)->append(event_of(2));
  auto third = (*writer)->append(event_of(3));
  ASSERT_TRUE(second && third);
  auto t0 = std::chrono::steady_clock::now();
  auto refused = (*writer)->append(event_of(4));
  auto waited = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(refused);
  EXPECT_EQ(code_of(refused.error()), ec::unavailable);
  EXPECT_GE(waited, std::chrono::milliseconds{30});
  EXPECT_FALSE(first->wait_for(std::chrono::milliseconds{10}));
  store.hold(false);
  EXPECT_EQ(first->wait(), 1u);
  EXPECT_EQ(second->wait(), 2u);
  EXPECT_EQ(third->wait(), 3u);
  (*writer)->stop();
  auto report = audit_verify(store);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->records, 3u);
}

TEST(audit_writer, failed_write_fails_its_tickets_and_keeps_the_chain) {
  steered_store store;
  auto writer = audit_writer::start(store);
  ASSERT_TRUE(writer);
  ASSERT_EQ((*writer)->append_durable(event_of(1)), 1u);
  store.fail(true);
  auto lost = (*writer)->append_durable(event_of(2));
  ASSERT_FALSE(lost);
  EXPECT_EQ(code_of(lost.error()), ec::storage_failure);
  EXPECT_EQ((*writer)->last_sequence(), 1u);
  store.fail(false);
  EXPECT_EQ((*writer)->append_durable(event_of(3)), 2u);
  (*writer)->stop();
  auto report = audit_verify(store);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok()) << report->reason;
  EXPECT_EQ(report->records, 2u);
}

TEST(audit_writer, append_then_reports_durable_records_and_write_errors) {
  steered_store store;
  auto writer = audit_writer::start(store);
  ASSERT_TRUE(writer);
  std::mutex mtx;
  std::condition_variable cv;
  std::vector<caf::expected<uint64_t>> results;
  auto collect = [&](const caf::expected<uint64_t>& res) {
    std::lock_guard<std::mutex> guard{mtx};
    results.push_back(res);
    cv.notify_all();
  };
  auto wait_for_results = [&](size_t n) {
    std::unique_lock<std::mutex> guard{mtx};
    cv.wait(guard, [&] { return results.size() >= n; });
  };
  ASSERT_FALSE((*writer)->append_then(event_of(1), collect));
  wait_for_results(1);
  ASSERT_TRUE(results[0]);
  EXPECT_EQ(*results[0], 1u);
  // By the time the callback ran, the record was on the store.
  auto report = audit_verify(store);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->records, 1u);
  store.fail(true);
  ASSERT_FALSE((*writer)->append_then(event_of(2), collect));
  wait_for_results(2);
  ASSERT_FALSE(results[1]);
  EXPECT_EQ(code_of(results[1].error()), ec::storage_failure);
  store.fail(false);
  (*writer)->stop();
  // After stop() the append fails at once and the callback never runs.
  auto late = (*writer)->append_then(event_of(3), collect);
  EXPECT_EQ(code_of(late), ec::unavailable);
  std::lock_guard<std::mutex> guard{mtx};
  EXPECT_EQ(results.size(), 2u);
}

TEST(audit_writer, relaxed_records_wait_for_the_window_or_a_waited_for_record) {
  steered_store store;
  std::mutex mtx;
  std::vector<std::vector<audit_event>> written;
  audit_writer_options opts;
  // Far longer than the test: only a waited-for record can end the window.
  opts.batch_window = std::chrono::seconds{60};
  opts.on_written = [&](std::vector<audit_event>&& batch) {
    std::lock_guard<std::mutex> guard{mtx};
    written.push_back(std::move(batch));
  };
  auto writer = audit_writer::start(store, opts);
  ASSERT_TRUE(writer);
  for (int i = 1; i <= 3; ++i)
    ASSERT_FALSE((*writer)->append_relaxed(event_of(i)));
  auto ticket = (*writer)->append(event_of(4));
  ASSERT_TRUE(ticket);
  auto seq = ticket->wait_for(std::chrono::seconds{20});
  ASSERT_TRUE(seq) << "the waited-for record did not end the batch window";
  ASSERT_TRUE(*seq);
  EXPECT_EQ(**seq, 4u);
  // One write holds the relaxed records and the waited-for one, and the
  // hook saw them in chain order.
  EXPECT_EQ(store.batch_writes(), 1);
  {
    std::lock_guard<std::mutex> guard{mtx};
    ASSERT_EQ(written.size(), 1u);
    ASSERT_EQ(written[0].size(), 4u);
    for (int i = 0; i < 4; ++i)
      EXPECT_EQ(written[0][i].request_id, "req-" + std::to_string(i + 1));
  }
  // A relaxed record alone waits; stop() writes it.
  ASSERT_FALSE((*writer)->append_relaxed(event_of(5)));
  (*writer)->stop();
  EXPECT_EQ(code_of((*writer)->append_relaxed(event_of(6))), ec::unavailable);
  auto report = audit_verify(store);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok()) << report->reason;
  EXPECT_EQ(report->records, 5u);
}

TEST(audit_writer, batch_window_groups_records) {
  steered_store store;
  audit_writer_options opts;
  // Long enough that no scheduling delay ends the window early: the
  // waited-for record below ends it.
  opts.batch_window = std::chrono::seconds{10};
  opts.max_batch = 8;
  auto writer = audit_writer::start(store, opts);
  ASSERT_TRUE(writer);
  // Seven records nobody waits for collect in the window; the eighth, waited
  // for, is written at once with them. (Eight waited-for appends would each
  // be written at once: how many share a write would depend on timing.)
  for (int i = 1; i <= 7; ++i)
    ASSERT_FALSE((*writer)->append_relaxed(event_of(i)));
  auto last = (*writer)->append(event_of(8));
  ASSERT_TRUE(last);
  ASSERT_TRUE(last->wait());
  EXPECT_EQ(store.batch_writes(), 1);
  (*writer)->stop();
  auto report = audit_verify(store);
  ASSERT_TRUE(report && report->ok());
}

TEST(audit_writer, rejects_zero_sizes) {
  memory_store store;
  audit_writer_options opts;
  opts.max_batch = 0;
  auto writer = audit_writer::start(store, opts);
  ASSERT_FALSE(writer);
  EXPECT_EQ(code_of(writer.error()), ec::invalid_value);
}

TEST(audit_writer, sanitizes_client_text) {
  memory_store store;
  auto writer = audit_writer::start(store);
  ASSERT_TRUE(writer);
  auto ev = event_of(1);
  ev.subject = "user:\xff\xfe";
  ev.reason = std::string(5000, 'r');
  ASSERT_EQ((*writer)->append_durable(ev), 1u);
  (*writer)->stop();
  auto res = audit_query(store, {});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->size(), 1u);
  EXPECT_EQ(res->front().event.subject, "user:\\xff\\xfe");
  EXPECT_EQ(res->front().event.reason.size(), max_audit_field);
}

} // namespace
} // namespace kagami::storage::test
