#include "storage/audit_writer.hpp"

#include <utility>

#include "actors/core/error.hpp"

namespace kagami::storage {

namespace {

void complete(detail::audit_ticket_state& st, caf::expected<uint64_t> res) {
  std::function<void(const caf::expected<uint64_t>&)> on_done;
  {
    std::lock_guard<std::mutex> guard{st.mtx};
    st.result = std::move(res);
    st.done = true;
    on_done = std::move(st.on_done);
  }
  st.cv.notify_all();
  if (on_done)
    on_done(st.result);
}

/// The tail of the chain when the store has no head: the newest record.
caf::expected<audit_head> scan_tail(kv_store& store) {
  bool found = false;
  std::string last_key;
  std::string last_value;
  auto err = store.for_each_prefix(cf::audit, "",
                                   [&](std::string_view k, std::string_view v) {
                                     found = true;
                                     last_key = k;
                                     last_value = v;
                                     return true;
                                   });
  if (err)
    return err;
  audit_head head;
  if (!found)
    return head;
  auto rec = decode_audit_record(last_key, last_value);
  if (!rec)
    return std::move(rec.error());
  head.sequence = rec->sequence;
  head.hash = rec->hash;
  return head;
}

} // namespace

caf::expected<uint64_t> audit_ticket::wait() const {
  if (!state_)
    return make_error(ec::internal, "wait on an empty audit ticket");
  std::unique_lock<std::mutex> guard{state_->mtx};
  state_->cv.wait(guard, [this] { return state_->done; });
  return state_->result;
}

std::optional<caf::expected<uint64_t>>
audit_ticket::wait_for(std::chrono::milliseconds timeout) const {
  if (!state_)
    return caf::expected<uint64_t>{
      make_error(ec::internal, "wait on an empty audit ticket")};
  std::unique_lock<std::mutex> guard{state_->mtx};
  if (!state_->cv.wait_for(guard, timeout, [this] { return state_->done; }))
    return std::nullopt;
  return state_->result;
}

caf::expected<std::unique_ptr<audit_writer>>
audit_writer::start(kv_store& store, audit_writer_options opts) {
  if (opts.queue_capacity == 0 || opts.max_batch == 0)
    return make_error(ec::invalid_value,
                      "audit writer: queue_capacity and max_batch must be > 0");
  auto stored = load_audit_head(store);
  if (!stored)
    return std::move(stored.error());
  audit_head head;
  if (*stored) {
    head = std::move(**stored);
  } else {
    auto tail = scan_tail(store);
    if (!tail)
      return std::move(tail.error());
    head = std::move(*tail);
  }
  return std::unique_ptr<audit_writer>{
    new audit_writer(store, opts, std::move(head))};
}

audit_writer::audit_writer(kv_store& store, audit_writer_options opts,
                           audit_head head)
  : store_(store), opts_(opts), head_(std::move(head)) {
  thread_ = std::thread{[this] { run(); }};
}

audit_writer::~audit_writer() {
  stop();
}

caf::expected<audit_ticket> audit_writer::append(audit_event ev) {
  return append_with(std::move(ev), nullptr);
}

caf::error audit_writer::append_then(
  audit_event ev, std::function<void(const caf::expected<uint64_t>&)> done) {
  auto ticket = append_with(std::move(ev), std::move(done));
  if (!ticket)
    return std::move(ticket.error());
  return caf::none;
}

caf::error audit_writer::append_relaxed(audit_event ev) {
  auto ticket = append_with(std::move(ev), nullptr, false);
  if (!ticket)
    return std::move(ticket.error());
  return caf::none;
}

caf::expected<audit_ticket>
audit_writer::append_with(audit_event ev,
                          std::function<void(const caf::expected<uint64_t>&)> done,
                          bool urgent) {
  for (auto* field : {&ev.subject, &ev.source, &ev.thing, &ev.affordance,
                      &ev.op, &ev.check, &ev.reason, &ev.request_id})
    *field = sanitize_audit_field(*field);
  auto state = std::make_shared<detail::audit_ticket_state>();
  state->on_done = std::move(done);
  bool wake = true;
  {
    std::unique_lock<std::mutex> guard{mtx_};
    auto has_room = [this] {
      return stopping_ || queue_.size() < opts_.queue_capacity;
    };
    if (!not_full_.wait_for(guard, opts_.append_timeout, has_room))
      return make_error(ec::unavailable, "audit queue full");
    if (stopping_)
      return make_error(ec::unavailable, "audit writer stopped");
    wake = urgent || queue_.empty() || queue_.size() + 1 >= opts_.max_batch
           || opts_.batch_window.count() == 0;
    urgent_queued_ += urgent ? 1 : 0;
    queue_.push_back(pending{std::move(ev), state, urgent});
  }
  if (wake)
    not_empty_.notify_one();
  return audit_ticket{std::move(state)};
}

caf::expected<uint64_t> audit_writer::append_durable(audit_event ev) {
  auto ticket = append(std::move(ev));
  if (!ticket)
    return std::move(ticket.error());
  return ticket->wait();
}

void audit_writer::stop() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  not_empty_.notify_all();
  not_full_.notify_all();
  std::lock_guard<std::mutex> guard{join_mtx_};
  if (thread_.joinable())
    thread_.join();
}

uint64_t audit_writer::last_sequence() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return head_.sequence;
}

size_t audit_writer::queued() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return queue_.size();
}

void audit_writer::run() {
  std::deque<pending> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> guard{mtx_};
      not_empty_.wait(guard, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty())
        return; // stopping_ and drained
      if (opts_.batch_window.count() > 0 && !stopping_ && urgent_queued_ == 0
          && queue_.size() < opts_.max_batch) {
        auto deadline = std::chrono::steady_clock::now() + opts_.batch_window;
        not_empty_.wait_until(guard, deadline, [this] {
          return stopping_ || urgent_queued_ > 0 || queue_.size() >= opts_.max_batch;
        });
      }
      while (!queue_.empty() && batch.size() < opts_.max_batch) {
        urgent_queued_ -= queue_.front().urgent ? 1 : 0;
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    not_full_.notify_all();
    write_batch_of(batch);
    batch.clear();
  }
}

void audit_writer::write_batch_of(std::deque<pending>& batch) {
  // head_ is written only by this thread: reading it without mtx_ is safe.
  audit_head next = head_;
  write_batch wb;
  std::vector<audit_event> events;
  if (opts_.on_written)
    events.reserve(batch.size());
  for (auto& p : batch) {
    audit_record rec;
    rec.event = std::move(p.event);
    rec.sequence = next.sequence + 1;
    rec.prev_hash = next.hash;
    rec.hash = audit_hash(rec);
    next.sequence = rec.sequence;
    next.hash = rec.hash;
    wb.put(cf::audit, audit_key(rec.sequence), encode_audit_record(rec));
    if (opts_.on_written)
      events.push_back(std::move(rec.event));
  }
  wb.put(cf::meta, audit_head_key, encode_audit_head(next));
  write_options wo;
  wo.sync = opts_.sync;
  if (auto err = store_.write(wb, wo)) {
    for (auto& p : batch)
      complete(*p.ticket, caf::expected<uint64_t>{err});
    return;
  }
  uint64_t first = head_.sequence + 1;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    head_ = std::move(next);
  }
  if (opts_.on_written)
    opts_.on_written(std::move(events));
  for (auto& p : batch)
    complete(*p.ticket, caf::expected<uint64_t>{first++});
}

} // namespace kagami::storage
