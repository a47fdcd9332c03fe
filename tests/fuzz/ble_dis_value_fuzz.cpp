// libFuzzer target for the BlueZ value checks (protocols/ble/ble_values.hpp):
// the bytes of a DIS characteristic, and the same bytes as a BD address,
// UUID and object path.
//
// Invariants: nothing crashes or throws; an accepted DIS value is at most
// max_profile_field bytes of valid UTF-8 without control characters; an
// accepted address or UUID is its fixed-size lower-case form;
// bounded_for_log yields only printable ASCII.

#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "protocols/ble/ble_values.hpp"

using namespace kagami::protocols::ble;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes{data, size};
  std::string_view text{reinterpret_cast<const char*>(data), size};
  if (auto v = decode_dis_value(bytes)) {
    if (v->size() > kagami::protocols::max_profile_field || !is_valid_utf8(*v))
      std::abort();
    for (unsigned char c : *v)
      if (c < 0x20 || c == 0x7f)
        std::abort();
  }
  if (auto a = parse_bd_address(text)) {
    if (a->size() != 17)
      std::abort();
    for (char c : *a)
      if (c >= 'A' && c <= 'F')
        std::abort();
  }
  if (auto u = parse_uuid128(text); u && u->size() != 36)
    std::abort();
  (void) is_object_path(text, 255);
  for (unsigned char c : bounded_for_log(text, 64))
    if (c < 0x20 || c >= 0x7f)
      std::abort();
  return 0;
}
