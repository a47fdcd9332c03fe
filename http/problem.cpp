#include "http/problem.hpp"

#include "actors/core/error.hpp"

#include <caf/sec.hpp>
#include <nlohmann/json.hpp>

namespace kagami::http {

namespace {

struct code_info {
  unsigned status;
  const char* title;
};

code_info info_of(ec code) noexcept {
  switch (code) {
    case ec::not_found: return {404, "Not found"};
    case ec::invalid_value: return {400, "Invalid value"};
    case ec::not_writable: return {405, "Operation not allowed"};
    case ec::device_timeout: return {504, "Device timeout"};
    case ec::device_error: return {502, "Device error"};
    case ec::device_bad_reply: return {502, "Bad reply from device"};
    case ec::unavailable: return {503, "Service unavailable"};
    case ec::config_invalid: return {500, "Internal error"};
    case ec::storage_failure: return {500, "Internal error"};
    case ec::internal: return {500, "Internal error"};
    case ec::none: return {500, "Internal error"};
  }
  return {500, "Internal error"};
}

} // namespace

std::string to_json(const problem& p) {
  nlohmann::json j;
  j["type"] = p.type.empty() ? std::string{"about:blank"} : p.type;
  j["title"] = p.title.empty() ? std::string{reason_phrase(p.status)}
                               : p.title;
  j["status"] = p.status;
  if (!p.detail.empty())
    j["detail"] = p.detail;
  if (!p.instance.empty())
    j["instance"] = p.instance;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string_view reason_phrase(unsigned status) noexcept {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

problem make_problem(unsigned status, std::string detail,
                     std::string instance) {
  problem p;
  p.status = status;
  p.title = std::string{reason_phrase(status)};
  p.detail = std::move(detail);
  p.instance = std::move(instance);
  return p;
}

unsigned status_of(ec code) noexcept {
  return info_of(code).status;
}

unsigned status_of(const caf::error& err) noexcept {
  if (!err)
    return 500;
  if (err.category() == ec_category)
    return status_of(static_cast<ec>(err.code()));
  if (err == caf::sec::request_timeout)
    return 504;
  if (err == caf::sec::request_receiver_down)
    return 503;
  return 500;
}

problem problem_of(const caf::error& err, std::string instance) {
  problem p;
  p.instance = std::move(instance);
  if (err && err.category() == ec_category) {
    auto code = static_cast<ec>(err.code());
    auto info = info_of(code);
    p.status = info.status;
    p.title = info.title;
    p.type = std::string{"urn:kagami:problem:"} + to_string(code);
    if (p.status < 500)
      p.detail = detail_of(err);
    return p;
  }
  if (err == caf::sec::request_timeout) {
    p.status = 504;
    p.title = "Request timeout";
    p.type = "urn:kagami:problem:request_timeout";
    return p;
  }
  if (err == caf::sec::request_receiver_down) {
    p.status = 503;
    p.title = "Service unavailable";
    p.type = "urn:kagami:problem:unavailable";
    return p;
  }
  p.status = 500;
  p.title = "Internal error";
  p.type = "urn:kagami:problem:internal";
  return p;
}

} // namespace kagami::http
