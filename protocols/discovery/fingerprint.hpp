#pragma once

// The fingerprint of a sighting built from text fields (device_sighting::
// fingerprint): equal fields give equal fingerprints, and a changed field
// almost surely a different one. Not a security hash: a device chooses what
// it announces. Pure; never throws beyond std::bad_alloc.

#include <initializer_list>
#include <string>
#include <string_view>

namespace kagami::protocols {

/// 16 lowercase hex digits of FNV-1a-64 over `fields`, each followed by the
/// byte 0xFF (which no field holds: it never occurs in UTF-8 text), so that
/// ("ab", "c") and ("a", "bc") differ.
std::string fields_fingerprint(std::initializer_list<std::string_view> fields);

} // namespace kagami::protocols
