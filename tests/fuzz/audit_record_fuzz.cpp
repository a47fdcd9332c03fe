// libFuzzer target for the stored audit record and head decoders
// (storage/audit_record.hpp): an attacker with write access to the data
// directory controls these bytes.
//
// Invariants: decode_audit_record and decode_audit_head never crash or
// throw; an accepted record has 64-hex-digit hashes and re-encodes to bytes
// that decode to the same record; an accepted head re-encodes likewise.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "storage/audit_record.hpp"

using namespace kagami::storage;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (auto rec = decode_audit_record(audit_key(1), bytes)) {
    if (rec->hash.size() != 64 || rec->prev_hash.size() != 64)
      std::abort();
    auto again = decode_audit_record(audit_key(1), encode_audit_record(*rec));
    if (!again || !(*again == *rec))
      std::abort();
    // Hashing any accepted record works and is deterministic.
    if (audit_hash(*rec).size() != 64 || audit_hash(*rec) != audit_hash(*again))
      std::abort();
  }
  if (auto head = decode_audit_head(bytes)) {
    auto again = decode_audit_head(encode_audit_head(*head));
    if (!again || !(*again == *head))
      std::abort();
  }
  return 0;
}
