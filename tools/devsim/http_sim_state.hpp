#pragma once

// The behaviour of a simulated HTTP/JSON device, without any networking:
// maps one request (method, target, body) to one response over the state
// built from an http_sim_config. Thread-safe: the server thread calls
// handle() and advance() while tests read and change the state.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tools/devsim/http_sim_config.hpp"

namespace kagami::devsim {

struct sim_response {
  unsigned status = 200;
  std::string content_type;
  std::string body;
};

class http_sim_state {
public:
  explicit http_sim_state(http_sim_config cfg);

  /// Answers one request. `target` may carry a query, which is ignored.
  /// GET of a document -> 200 with its JSON; PUT of a writable path -> 204 or
  /// 400 for a bad body; an action -> its status and reply; a raw path -> its
  /// fixed reply; a known path with another method -> 405; else 404.
  sim_response handle(std::string_view method, std::string_view target,
                      std::string_view body);

  /// Applies the dynamics that are due at `now`.
  void advance(std::chrono::steady_clock::time_point now);

  /// The value at `pointer` in `document`, or nullopt.
  std::optional<nlohmann::json> get(const std::string& document,
                                    const std::string& pointer) const;
  /// Stores `value` at `pointer` in `document`; false if the document does
  /// not exist or the pointer's parent is not there.
  bool set(const std::string& document, const std::string& pointer,
           nlohmann::json value);

  /// Installs (or with nullopt removes) a fixed reply for `path`.
  void set_raw(const std::string& path, std::optional<http_raw_reply> reply);

  /// Answers one request to a path in code instead of from the config.
  using path_handler =
    std::function<sim_response(std::string_view method, std::string_view body)>;

  /// Installs (or with nullptr removes) the handler of `path`. A raw reply
  /// for the same path still takes precedence (tests use it to break a
  /// handled path); otherwise the handler answers every method. It runs on
  /// the server thread without this state's lock held, so it may call the
  /// other accessors.
  void set_handler(const std::string& path, path_handler fn);

  /// Delays every reply by `d` (zero for none), to make clients time out.
  void set_reply_delay(std::chrono::milliseconds d);
  std::chrono::milliseconds reply_delay() const;

  void pause_dynamics(bool paused);

  /// How often the action at `path` ran, and its last input (null if none).
  uint64_t action_count(const std::string& path) const;
  nlohmann::json last_action_input(const std::string& path) const;

  uint64_t requests() const;

private:
  sim_response run_action(const std::string& path, const http_action& a,
                          std::string_view body);
  bool store(const document_ref& ref, nlohmann::json value);

  struct dynamic_state {
    http_dynamic cfg;
    std::chrono::steady_clock::time_point next;
    double direction = 1;
  };

  mutable std::mutex mtx_;
  http_sim_config cfg_;
  std::vector<dynamic_state> dynamics_;
  std::map<std::string, uint64_t> action_counts_;
  std::map<std::string, nlohmann::json> action_inputs_;
  std::map<std::string, path_handler> handlers_;
  std::chrono::milliseconds delay_{0};
  bool paused_ = false;
  uint64_t requests_ = 0;
};

} // namespace kagami::devsim
