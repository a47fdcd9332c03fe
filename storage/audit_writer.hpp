#pragma once

// The audit trail's only writer: a dedicated thread that takes events from a
// bounded queue, chains them (sequence, prev_hash, hash) and writes each
// batch of records, together with the chain head, in one synced write_batch.
//
// Durability contract (issue 4, "acknowledged only when durable"):
// - append() queues an event and returns an audit_ticket. ticket.wait()
//   returns the record's sequence once the batch holding it is on stable
//   storage (write_options::sync, fsync of the RocksDB WAL), or the error
//   of that write. The request path acknowledges a request only after
//   wait() succeeded; on an error it refuses the request (503). Hence no
//   acknowledged request is missing from the trail after a crash of the
//   process or the machine: the loss window for acknowledged requests is
//   zero. Events still in the queue when the process dies are lost; their
//   requests were not acknowledged.
// - Callers that do not wait (fire and forget, e.g. for events with no
//   client waiting) accept losing at most queue_capacity + max_batch
//   events on a crash.
// - Batching: the thread writes whatever is queued, at most max_batch
//   records per write, as soon as the previous write finished (group
//   commit). With batch_window > 0 it waits up to batch_window after the
//   first event of a batch for more events (at most max_batch), unless an
//   event someone waits for (append, append_then) is queued: that one is
//   written at once, with whatever is queued. The added latency of an
//   event is thus bounded by batch_window plus the time of the writes
//   queued ahead of it.
// - append_relaxed() queues an event nobody waits for without waking the
//   thread while it collects a batch (no context switch per event): such
//   an event reaches stable storage within batch_window plus one write,
//   or with the next waited-for event, whichever comes first.
// - Backpressure: a full queue makes append() block up to append_timeout;
//   then it fails with ec::unavailable, and the caller refuses the request
//   instead of serving it unaudited.
// - A failed write fails the tickets of its batch with the store's error;
//   those events are not retried and the chain does not advance (the next
//   batch continues from the last durable record).
// - Restart: start() continues the chain from the stored audit_head (or, if
//   there is none, from the newest record in the "audit" column family).

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "storage/audit_record.hpp"
#include "storage/kv_store.hpp"

namespace kagami::storage {

struct audit_writer_options {
  /// Events waiting to be written, at most.
  size_t queue_capacity = 8192;
  /// Records per write_batch, at most.
  size_t max_batch = 256;
  /// How long the thread waits for more events after the first of a batch.
  /// 0: write what is queued right away (group commit only).
  std::chrono::microseconds batch_window{0};
  /// How long append() blocks on a full queue before failing.
  std::chrono::milliseconds append_timeout{100};
  /// Sync every batch (fsync). Only tests of other components turn it off.
  bool sync = true;
  /// Runs on the writer thread after each durable batch with its events, in
  /// chain order, before the batch's tickets complete (e.g. to feed log
  /// validation with what is on disk). Must not block. May be empty.
  std::function<void(std::vector<audit_event>&&)> on_written;
};

namespace detail {

struct audit_ticket_state {
  std::mutex mtx;
  std::condition_variable cv;
  bool done = false;
  /// The sequence, or the error of the write.
  caf::expected<uint64_t> result{uint64_t{0}};
  /// Runs once with `result` when the ticket completes (append_then).
  std::function<void(const caf::expected<uint64_t>&)> on_done;
};

} // namespace detail

/// The promise of one appended event. Copyable; all copies share the state.
/// Thread safety: wait() may be called from any thread, any number of times.
class audit_ticket {
public:
  audit_ticket() = default;

  explicit audit_ticket(std::shared_ptr<detail::audit_ticket_state> state)
    : state_(std::move(state)) {
    // nop
  }

  /// Blocks until the event is durable and returns its sequence, or returns
  /// the error of its write (ec::storage_failure). Every ticket completes:
  /// stop() writes all queued events first. A default-constructed ticket
  /// returns ec::internal.
  caf::expected<uint64_t> wait() const;

  /// Like wait(), but gives up after `timeout` and returns std::nullopt.
  std::optional<caf::expected<uint64_t>>
  wait_for(std::chrono::milliseconds timeout) const;

private:
  std::shared_ptr<detail::audit_ticket_state> state_;
};

/// Owns the writer thread. Holds a reference to the store: the store must
/// outlive the writer. Exactly one writer per store (the chain has one
/// tail); nothing else writes the "audit" column family or the audit head.
/// Thread safety: append() may be called concurrently from any number of
/// threads; records land in the order their append() calls took the queue
/// lock, so the appends of one thread land in call order.
class audit_writer {
public:
  /// Reads the tail of the chain and starts the thread. Fails with
  /// ec::storage_failure when the head or the newest record cannot be read,
  /// and with ec::invalid_value on a capacity or batch size of 0.
  static caf::expected<std::unique_ptr<audit_writer>>
  start(kv_store& store, audit_writer_options opts = {});

  /// stop().
  ~audit_writer();

  audit_writer(const audit_writer&) = delete;
  audit_writer& operator=(const audit_writer&) = delete;

  /// Queues `ev` (each string field put through sanitize_audit_field).
  /// Blocks while the queue is full, up to append_timeout; then, or after
  /// stop(), fails with ec::unavailable.
  caf::expected<audit_ticket> append(audit_event ev);

  /// append() and wait(): the sequence once the record is durable.
  caf::expected<uint64_t> append_durable(audit_event ev);

  /// Like append(), but instead of a ticket to wait on, `done` runs once
  /// with the sequence (or the write's error) when the record is durable,
  /// on the writer thread: it must not block and should only hand the
  /// result to its owner (e.g. post to a strand). When the append itself
  /// fails (queue full, stopped), `done` never runs and the error is
  /// returned. This is how a non-blocking request path acknowledges a
  /// request only once its record is durable.
  caf::error append_then(audit_event ev,
                         std::function<void(const caf::expected<uint64_t>&)> done);

  /// Queues `ev` for a caller that will not wait (see the header comment):
  /// no ticket, no wake-up of a collecting writer. Errors like append().
  caf::error append_relaxed(audit_event ev);

  /// Writes every queued event, then ends the thread. Later appends fail
  /// with ec::unavailable. Idempotent; safe to call from several threads.
  void stop();

  /// The sequence of the newest durable record (0 for none).
  uint64_t last_sequence() const;

  /// Events queued and not yet taken by the thread.
  size_t queued() const;

private:
  struct pending {
    audit_event event;
    std::shared_ptr<detail::audit_ticket_state> ticket;
    /// Someone may wait for it: write without waiting for a batch.
    bool urgent = true;
  };

  audit_writer(kv_store& store, audit_writer_options opts, audit_head head);

  caf::expected<audit_ticket>
  append_with(audit_event ev,
              std::function<void(const caf::expected<uint64_t>&)> done,
              bool urgent = true);

  void run();

  /// Chains and writes `batch`; completes its tickets. Runs on the thread.
  void write_batch_of(std::deque<pending>& batch);

  kv_store& store_;
  const audit_writer_options opts_;
  /// The tail of the durable chain. Written by the thread only; read under
  /// mtx_ by last_sequence().
  audit_head head_;
  mutable std::mutex mtx_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<pending> queue_;
  /// Urgent events in queue_.
  size_t urgent_queued_ = 0;
  bool stopping_ = false;
  /// Serializes the join in stop().
  std::mutex join_mtx_;
  std::thread thread_;
};

} // namespace kagami::storage
