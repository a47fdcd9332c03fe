// libFuzzer target for the neighbour table parser (neighbour_table_parser.hpp).
//
// Input: the table text. Invariants: parse_neighbour_table never crashes or
// throws; a parse is deterministic; every row has a valid dotted IPv4
// address, a lower-case non-zero MAC of 17 characters and a device name of
// 1 to 15 characters; there are never more rows than the row limit; with
// tight limits (16 rows) the kept rows are the first 16 of the full parse
// and the rest are counted in `truncated`.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <arpa/inet.h>

#include "protocols/neighbour/neighbour_table_parser.hpp"

using namespace kagami::protocols;

namespace {

void check(bool ok) {
  if (!ok)
    std::abort();
}

void check_rows(const std::vector<neighbour_row>& rows, size_t max_rows) {
  check(rows.size() <= max_rows);
  for (auto& r : rows) {
    in_addr a;
    check(::inet_pton(AF_INET, r.ip.c_str(), &a) == 1);
    check(r.mac.size() == 17 && r.mac != "00:00:00:00:00:00");
    for (size_t i = 0; i < r.mac.size(); ++i) {
      auto c = r.mac[i];
      check(i % 3 == 2 ? c == ':'
                       : ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')));
    }
    check(!r.device.empty() && r.device.size() <= 15);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  neighbour_table_limits defaults;
  auto rows = parse_neighbour_table(text, defaults);
  auto again = parse_neighbour_table(text, defaults);
  check(static_cast<bool>(rows) == static_cast<bool>(again));
  if (rows) {
    check(*rows == *again);
    check_rows(rows->rows, defaults.max_rows);
  }
  neighbour_table_limits tight;
  tight.max_rows = 16;
  tight.max_bytes = defaults.max_bytes;
  auto small = parse_neighbour_table(text, tight);
  check(static_cast<bool>(small) == static_cast<bool>(rows));
  if (small) {
    check_rows(small->rows, tight.max_rows);
    auto total = rows->rows.size() + rows->truncated;
    check(small->rows.size() + small->truncated == total);
    check(small->rows.size() == std::min<size_t>(total, tight.max_rows));
    check(std::equal(small->rows.begin(), small->rows.end(), rows->rows.begin()));
  }
  neighbour_table_limits few_bytes;
  few_bytes.max_bytes = 2048;
  auto cut = parse_neighbour_table(text, few_bytes);
  check(!cut || text.size() <= few_bytes.max_bytes);
  return 0;
}
