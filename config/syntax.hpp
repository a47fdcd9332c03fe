#pragma once

// Syntax of the names and paths in config files. Pure string checks.

#include <string>
#include <string_view>

namespace kagami::config {

/// True for an affordance name: [A-Za-z][A-Za-z0-9_]{0,63}.
bool is_affordance_name(std::string_view s);

/// True for a device or model id: [A-Za-z0-9._-]{1,64}.
bool is_id(std::string_view s);

/// True for a tag: 1 to 64 printable ASCII characters without spaces.
bool is_tag(std::string_view s);

/// True for six hex octets joined by colons, "aa:bb:cc:dd:ee:ff", in either
/// case (a MAC or a BLE BD address).
bool is_colon_hex_address(std::string_view s);

/// True for a Linux interface name: 1 to 15 bytes, not "." or "..", without
/// '/', ':' or whitespace (the kernel's dev_valid_name).
bool is_interface_name(std::string_view s);

/// True for an IPv4 literal as inet_pton reads it ("10.99.1.1").
bool is_ipv4_literal(std::string_view s);

/// True if `s` is 1 to `max_size` characters without control characters.
bool is_text(std::string_view s, size_t max_size);

/// Why `path` is not a valid HTTP request target path ("/..." of at most
/// 1024 URI characters, with an optional query, no fragment, no "..", valid
/// %-escapes); "" if it is valid.
std::string http_path_error(std::string_view path);

} // namespace kagami::config
