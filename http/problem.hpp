#pragma once

// RFC 9457 problem details (application/problem+json) and the one mapping
// from the project's errors to HTTP status codes.
//
// Client errors (4xx) carry the error's detail text; server errors (5xx)
// never do, because details of device and gateway failures may name the
// real device (address, vendor, protocol), which must not leave the
// gateway. Operators find the detail in the log and the audit trail.

#include <cstdint>
#include <string>
#include <string_view>

// Declared, not included, so that this header (and http/server.hpp) stays
// free of CAF: callers that map errors include actors/core/error.hpp anyway.
namespace caf {
class error;
} // namespace caf

namespace kagami {
enum class ec : uint8_t;
} // namespace kagami

namespace kagami::http {

/// The media type of a problem document.
inline constexpr std::string_view problem_content_type
  = "application/problem+json";

/// One problem document. Empty `title` means the reason phrase of `status`;
/// empty `detail` and `instance` are omitted from the JSON.
struct problem {
  unsigned status = 500;
  std::string type = "about:blank";
  std::string title;
  std::string detail;
  std::string instance;
};

/// Serializes `p` as compact JSON with the members type, title, status and,
/// when not empty, detail and instance. Invalid UTF-8 in any string is
/// replaced by U+FFFD, so the output is always valid JSON.
std::string to_json(const problem& p);

/// The reason phrase of `status` ("Not Found"), or "Unknown".
std::string_view reason_phrase(unsigned status) noexcept;

/// A problem of type about:blank with the reason phrase as title.
problem make_problem(unsigned status, std::string detail = {},
                     std::string instance = {});

/// not_found 404, invalid_value 400, not_writable 405, device_timeout 504,
/// device_error 502, device_bad_reply 502, unavailable 503, config_invalid,
/// storage_failure, internal and none 500.
unsigned status_of(ec code) noexcept;

/// The status of any error: kagami errors as above; caf::sec::request_timeout
/// 504; caf::sec::request_receiver_down 503; everything else (and the empty
/// error) 500.
unsigned status_of(const caf::error& err) noexcept;

/// The problem for `err`: type `urn:kagami:problem:<code>` (for example
/// urn:kagami:problem:device_timeout), a fixed title per code, the status of
/// status_of(err), and the error's detail only when the status is below 500.
problem problem_of(const caf::error& err, std::string instance = {});

} // namespace kagami::http
