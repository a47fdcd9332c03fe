#pragma once

// What a discovery source's thread does with an exception that escaped its
// own work (std::bad_alloc, or a throw from the sink's callbacks): it must
// neither end the thread nor reach std::terminate (which would kill
// kagamid), so it reports the exception as a rejection and carries on.
//
// Not thread-safe: one reporter per source thread. Never throws.

#include <chrono>
#include <cstdint>
#include <exception>
#include <string>

#include "protocols/discovery/discovery.hpp"

namespace kagami::protocols {

/// The text of an exception: what() of a std::exception, "unknown
/// exception" for anything else or a null pointer. Never throws (returns ""
/// when even that cannot be built).
std::string describe_exception(const std::exception_ptr& e) noexcept;

/// Reports caught exceptions to sink.rejected(kind, from, "internal error:
/// <what>"), at most once per `min_gap`; the ones held back are counted and
/// the next report says "(N earlier internal errors not reported)". A sink
/// that throws in turn is ignored. A source that calls report() for every
/// failed iteration of a busy loop therefore cannot flood onboarding.
class internal_error_reporter {
public:
  using clock = std::chrono::steady_clock;

  internal_error_reporter(discovery_kind kind, std::string from,
                          clock::duration min_gap = std::chrono::seconds{10});

  /// Reports `e` (by default the exception being handled: call it from a
  /// catch block). `now` is for tests.
  void report(const discovery_sink& sink,
              std::exception_ptr e = std::current_exception(),
              clock::time_point now = clock::now()) noexcept;

  /// Every exception reported or held back so far.
  uint64_t total() const noexcept {
    return total_;
  }

  /// Those held back by min_gap so far.
  uint64_t held_back() const noexcept {
    return held_back_total_;
  }

  const std::string& from() const noexcept {
    return from_;
  }

private:
  discovery_kind kind_;
  std::string from_;
  clock::duration min_gap_;
  bool reported_once_ = false;
  clock::time_point last_report_{};
  uint64_t held_back_since_report_ = 0;
  uint64_t held_back_total_ = 0;
  uint64_t total_ = 0;
};

} // namespace kagami::protocols
