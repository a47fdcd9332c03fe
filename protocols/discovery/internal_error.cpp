#include "protocols/discovery/internal_error.hpp"

#include <utility>

namespace kagami::protocols {

std::string describe_exception(const std::exception_ptr& e) noexcept {
  try {
    if (!e)
      return "unknown exception";
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      return x.what();
    } catch (...) {
      return "unknown exception";
    }
  } catch (...) {
    return {};
  }
}

internal_error_reporter::internal_error_reporter(discovery_kind kind, std::string from,
                                                 clock::duration min_gap)
  : kind_(kind), from_(std::move(from)), min_gap_(min_gap) {
  // nop
}

void internal_error_reporter::report(const discovery_sink& sink, std::exception_ptr e,
                                     clock::time_point now) noexcept {
  ++total_;
  if (reported_once_ && now - last_report_ < min_gap_) {
    ++held_back_since_report_;
    ++held_back_total_;
    return;
  }
  reported_once_ = true;
  last_report_ = now;
  auto held_back = std::exchange(held_back_since_report_, 0);
  if (!sink.rejected)
    return;
  try {
    auto reason = "internal error: " + describe_exception(e);
    if (held_back > 0)
      reason += " (" + std::to_string(held_back) + " earlier internal errors not reported)";
    sink.rejected(kind_, from_, std::move(reason));
  } catch (...) {
    // The sink failed too (or no memory for the text): nothing left to tell.
  }
}

} // namespace kagami::protocols
