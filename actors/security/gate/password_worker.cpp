#include "actors/security/gate/password_worker.hpp"

namespace kagami::security {

password_worker::password_worker(size_t capacity)
  : capacity_(capacity == 0 ? 1 : capacity), thread_([this] { run(); }) {
}

password_worker::~password_worker() {
  stop();
}

bool password_worker::submit(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (stopping_ || jobs_.size() >= capacity_)
      return false;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void password_worker::stop() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
    dropped.swap(jobs_);
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id())
    thread_.join();
}

size_t password_worker::queued() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return jobs_.size();
}

void password_worker::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> guard{mtx_};
      cv_.wait(guard, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_)
        return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

} // namespace kagami::security
