#pragma once

// One thread that runs blocking work off the request path: argon2id
// password verifications (request_gate::verify). The queue is bounded, so a
// flood of Basic logins costs a bounded amount of memory and the caller can
// answer "busy" instead of queueing without end.
//
// Thread safety: submit() from any thread. Jobs run one at a time in submit
// order. stop() (and the destructor) drops the jobs still queued (destroys
// them without running) and joins the thread; a dropped job's client is
// answered by whoever owns its responder (the HTTP server answers 500 for a
// dropped responder).

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace kagami::security {

class password_worker {
public:
  explicit password_worker(size_t capacity = 64);
  ~password_worker();

  password_worker(const password_worker&) = delete;
  password_worker& operator=(const password_worker&) = delete;

  /// Queues `job`. False when the queue is full or the worker stopped
  /// (`job` is then destroyed without running).
  bool submit(std::function<void()> job);

  /// Drops queued jobs, waits for the running one, joins. Idempotent.
  void stop();

  /// Jobs queued, not yet started.
  size_t queued() const;

private:
  void run();

  const size_t capacity_;
  mutable std::mutex mtx_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

} // namespace kagami::security
