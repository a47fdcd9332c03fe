// libFuzzer target for the HTTP/JSON device reply parser (reply_parser.hpp).
//
// Input layout: byte 0 is the length N of a JSON pointer that follows, then
// the reply body. Invariants: parse_reply never crashes or throws; a parsed
// value dumps without error; select_pointer never crashes on any pointer.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocols/http_device/reply_parser.hpp"

using namespace kagami::protocols::http_device;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  size_t n = data[0];
  if (n > size - 1)
    n = size - 1;
  std::string pointer(reinterpret_cast<const char*>(data + 1), n);
  std::string_view body(reinterpret_cast<const char*>(data + 1 + n), size - 1 - n);
  auto doc = parse_reply(body);
  if (!doc)
    return 0;
  auto text = doc->dump();
  if (text.empty())
    std::abort();
  auto value = select_pointer(*doc, pointer);
  if (value)
    (void) value->dump();
  return 0;
}
