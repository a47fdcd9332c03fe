#include "tools/devsim/http_sim_state.hpp"
#include "config/json_reader.hpp"

#include <algorithm>
#include <cmath>

namespace kagami::devsim {

using nlohmann::json;
using clock = std::chrono::steady_clock;

namespace {

sim_response json_response(unsigned status, const json& body) {
  return {status, "application/json",
          body.dump(-1, ' ', false, json::error_handler_t::replace)};
}

sim_response problem(unsigned status, const std::string& detail) {
  return json_response(status, json{{"error", detail}});
}

/// Checks a PUT body against the writable's type and range; "" if fine.
std::string check_value(const http_writable& w, const json& v) {
  if (w.type == "boolean" && !v.is_boolean())
    return "expected a boolean";
  if (w.type == "string" && !v.is_string())
    return "expected a string";
  if (w.type == "integer" && !v.is_number_integer())
    return "expected an integer";
  if (w.type == "number" && !v.is_number())
    return "expected a number";
  if (v.is_number()) {
    auto x = v.get<double>();
    if (w.minimum && x < *w.minimum)
      return "below the minimum";
    if (w.maximum && x > *w.maximum)
      return "above the maximum";
  }
  return {};
}

} // namespace

http_sim_state::http_sim_state(http_sim_config cfg) : cfg_(std::move(cfg)) {
  auto now = clock::now();
  for (const auto& d : cfg_.dynamics)
    dynamics_.push_back({d, now + std::chrono::milliseconds(d.every_ms), 1});
}

sim_response http_sim_state::handle(std::string_view method, std::string_view target,
                                    std::string_view body) {
  std::unique_lock<std::mutex> guard{mtx_};
  ++requests_;
  std::string path{target.substr(0, target.find('?'))};
  if (auto i = cfg_.raw.find(path); i != cfg_.raw.end())
    return {i->second.status, i->second.content_type, i->second.body};
  if (auto i = handlers_.find(path); i != handlers_.end()) {
    auto fn = i->second;
    guard.unlock();
    return fn(method, body);
  }
  bool known = false;
  if (auto i = cfg_.actions.find(path); i != cfg_.actions.end()) {
    known = true;
    if (method == i->second.method)
      return run_action(path, i->second, body);
  }
  if (auto i = cfg_.documents.find(path); i != cfg_.documents.end()) {
    known = true;
    if (method == "GET")
      return json_response(200, i->second);
  }
  if (auto i = cfg_.writable.find(path); i != cfg_.writable.end()) {
    known = true;
    if (method == "PUT") {
      auto value = json::parse(body.begin(), body.end(), nullptr, false);
      if (value.is_discarded())
        return problem(400, "the body is not JSON");
      if (auto why = check_value(i->second, value); !why.empty())
        return problem(400, why);
      store(i->second.target, std::move(value));
      return {204, "", ""};
    }
  }
  if (known)
    return problem(405, "method not allowed");
  return problem(404, "no such path");
}

sim_response http_sim_state::run_action(const std::string& path, const http_action& a,
                                        std::string_view body) {
  json input;
  if (!body.empty()) {
    input = json::parse(body.begin(), body.end(), nullptr, false);
    if (input.is_discarded())
      return problem(400, "the body is not JSON");
  }
  ++action_counts_[path];
  action_inputs_[path] = input;
  if (a.store_input)
    store(*a.store_input, input);
  for (const auto& [ref, value] : a.set)
    store(ref, value);
  if (a.reply.is_null())
    return {a.status == 200 ? 204u : a.status, "", ""};
  return json_response(a.status, a.reply);
}

bool http_sim_state::store(const document_ref& ref, json value) {
  auto i = cfg_.documents.find(ref.document);
  if (i == cfg_.documents.end() || !config::is_json_pointer(ref.pointer) || ref.pointer.empty())
    return false;
  json::json_pointer ptr{ref.pointer};
  auto parent = ptr.parent_pointer();
  if (!i->second.contains(parent) || !i->second.at(parent).is_object())
    return false;
  i->second[ptr] = std::move(value);
  return true;
}

void http_sim_state::advance(clock::time_point now) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (paused_)
    return;
  for (auto& d : dynamics_) {
    if (now < d.next)
      continue;
    d.next = now + std::chrono::milliseconds(d.cfg.every_ms);
    auto i = cfg_.documents.find(d.cfg.target.document);
    if (i == cfg_.documents.end())
      continue;
    json::json_pointer ptr{d.cfg.target.pointer};
    if (!i->second.contains(ptr) || !i->second.at(ptr).is_number())
      continue;
    double v = i->second.at(ptr).get<double>() + d.direction * d.cfg.step;
    if (v >= d.cfg.max) {
      v = d.cfg.max;
      d.direction = -1;
    } else if (v <= d.cfg.min) {
      v = d.cfg.min;
      d.direction = 1;
    }
    // Round away binary noise so the value prints as 45.5, not 45.50000000001.
    i->second[ptr] = std::round(v * 1e6) / 1e6;
  }
}

std::optional<json> http_sim_state::get(const std::string& document,
                                        const std::string& pointer) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = cfg_.documents.find(document);
  if (i == cfg_.documents.end() || !config::is_json_pointer(pointer))
    return std::nullopt;
  json::json_pointer ptr{pointer};
  if (!i->second.contains(ptr))
    return std::nullopt;
  return i->second.at(ptr);
}

bool http_sim_state::set(const std::string& document, const std::string& pointer,
                         json value) {
  std::lock_guard<std::mutex> guard{mtx_};
  return store({document, pointer}, std::move(value));
}

void http_sim_state::set_raw(const std::string& path, std::optional<http_raw_reply> reply) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (reply)
    cfg_.raw[path] = std::move(*reply);
  else
    cfg_.raw.erase(path);
}

void http_sim_state::set_reply_delay(std::chrono::milliseconds d) {
  std::lock_guard<std::mutex> guard{mtx_};
  delay_ = d;
}

std::chrono::milliseconds http_sim_state::reply_delay() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return delay_;
}

void http_sim_state::pause_dynamics(bool paused) {
  std::lock_guard<std::mutex> guard{mtx_};
  paused_ = paused;
}

uint64_t http_sim_state::action_count(const std::string& path) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = action_counts_.find(path);
  return i == action_counts_.end() ? 0 : i->second;
}

json http_sim_state::last_action_input(const std::string& path) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = action_inputs_.find(path);
  return i == action_inputs_.end() ? json{} : i->second;
}

uint64_t http_sim_state::requests() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return requests_;
}

void http_sim_state::set_handler(const std::string& path, path_handler fn) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (fn)
    handlers_[path] = std::move(fn);
  else
    handlers_.erase(path);
}

} // namespace kagami::devsim
