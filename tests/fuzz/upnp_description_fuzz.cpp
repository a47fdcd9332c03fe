// libFuzzer target for the UPnP device description parser
// (protocols/upnp/description_parser.hpp).
//
// Input: one description document. Invariants: parse_description never
// crashes or throws; every field of a parsed profile holds at most
// max_profile_field bytes and no C0 control character or DEL.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocols/upnp/description_parser.hpp"

using namespace kagami::protocols;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto p = upnp::parse_description(text);
  if (!p)
    return 0;
  for (auto* s : {&p->vendor, &p->product, &p->model_number, &p->firmware, &p->hardware,
                  &p->serial, &p->category, &p->udn}) {
    if (s->size() > max_profile_field)
      std::abort();
    for (unsigned char c : *s)
      if (c < 0x20 || c == 0x7F)
        std::abort();
  }
  return 0;
}
