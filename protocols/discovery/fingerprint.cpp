#include "protocols/discovery/fingerprint.hpp"

#include <cstdint>
#include <cstdio>

namespace kagami::protocols {

std::string fields_fingerprint(std::initializer_list<std::string_view> fields) {
  constexpr uint64_t fnv_prime = 0x100000001b3ull;
  uint64_t h = 0xcbf29ce484222325ull;
  for (auto field : fields) {
    for (unsigned char c : field) {
      h ^= c;
      h *= fnv_prime;
    }
    h ^= 0xff;
    h *= fnv_prime;
  }
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

} // namespace kagami::protocols
