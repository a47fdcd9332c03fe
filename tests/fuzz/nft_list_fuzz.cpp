// libFuzzer target for the parser of nft's JSON listing of the gateway
// firewall's table (protocols/nft/nft_listing.hpp).
//
// Input: the listing text, read as table `inet kagami`. Invariants:
// parse_listing never crashes or throws; what it returns obeys the limits,
// is sorted and duplicate-free, and every address prints back to a string
// that parses to the same value (nothing unchecked can reach an nft
// command built from it).

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocols/nft/nft_listing.hpp"

using namespace kagami::protocols::nft;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto listing = parse_listing(text, "kagami");
  if (!listing)
    return 0;
  const auto& r = listing->refused;
  if (r.macs.size() + r.addresses.size() > listing_limits::max_elements)
    std::abort();
  if (!std::is_sorted(r.macs.begin(), r.macs.end())
      || std::adjacent_find(r.macs.begin(), r.macs.end()) != r.macs.end())
    std::abort();
  if (!std::is_sorted(r.addresses.begin(), r.addresses.end())
      || std::adjacent_find(r.addresses.begin(), r.addresses.end())
           != r.addresses.end())
    std::abort();
  for (const auto& mac : r.macs) {
    auto again = parse_mac(to_string(mac));
    if (!again || *again != mac)
      std::abort();
  }
  for (const auto& ip : r.addresses) {
    auto again = parse_ip(to_string(ip));
    if (!again || *again != ip)
      std::abort();
  }
  (void) listing->dropped_packets();
  return 0;
}
