#pragma once

// OpenSSL's error queue as text, for the error messages of the TLS code.

#include <string>

#include <openssl/err.h>

namespace kagami::http {

/// The reason of the most recent error in this thread's OpenSSL error
/// queue ("unknown OpenSSL error" when it is empty); empties the queue.
inline std::string openssl_error_text() {
  unsigned long last = 0;
  for (auto e = ERR_get_error(); e != 0; e = ERR_get_error())
    last = e;
  if (last == 0)
    return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(last, buf, sizeof buf);
  return buf;
}

} // namespace kagami::http
