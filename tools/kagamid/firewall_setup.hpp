#pragma once

// kagamid --firewall apply|print|off: the gateway's own packet filter
// (protocols/nft/gateway_ruleset.hpp), derived from the site config.
//
//   print: the ruleset on stdout, exit 0 (2 when it cannot be derived).
//   apply: installed before the WoT port opens; removed after a clean stop
//          (exit 0). After a failure exit the table stays (fail closed: the
//          next start replaces it in one transaction).
//   off:   nothing (the default).
//
// The onboarding table `inet kagami` (rogue refusals) is another table and
// is not touched here.

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <caf/expected.hpp>

#include "config/site_config.hpp"
#include "protocols/nft/gateway_ruleset.hpp"

namespace kagami {

enum class firewall_mode { off, print, apply };

/// "apply", "print" or "off"; nullopt otherwise.
std::optional<firewall_mode> parse_firewall_mode(std::string_view text);

/// What the gateway's filter allows, from the site config (pure):
/// - the WoT port on the listen address (an IP literal, port not 0);
/// - the OT interface: discovery.interface (none when empty);
/// - every configured Modbus/TCP and HTTP device's address and port
///   (IP literals; devices on loopback are left out, lo is never filtered);
/// - the port of every Modbus/TCP and HTTP design entry, to any OT address;
/// - SSDP when UPnP discovery is on, with its unicast targets; the hosts
///   that spoke SSDP stay fetchable for 3 search intervals (at least 300 s);
/// - no SNMP elements yet (the config has none).
/// Fails with ec::config_invalid naming the field: a DNS name where an IP
/// literal is needed, port 0.
caf::expected<protocols::nft::gateway_ruleset_input>
gateway_ruleset_input_of(const config::site_config& site);

/// The script for `site`, or the reason it cannot be derived.
caf::expected<std::string> gateway_ruleset_script_of(const config::site_config& site);

/// --firewall print: writes the script to `out`; returns 0, or 2 with the
/// reason on `err`.
int print_gateway_ruleset(const config::site_config& site, std::ostream& out,
                          std::ostream& err);

/// The installed filter of one kagamid run.
class gateway_firewall_setup {
public:
  /// off/print: installs nothing. apply: derives and installs the ruleset
  /// (ec::config_invalid when it cannot be derived, the adapter's errors
  /// with nft's message when nft refuses it).
  static caf::expected<std::unique_ptr<gateway_firewall_setup>>
  start(firewall_mode mode, const config::site_config& site);

  ~gateway_firewall_setup();

  /// Call with run_gateway's exit code: removes the table when it is 0.
  /// Returns `exit_code`, or 1 when the removal failed (said on stderr).
  int finish(int exit_code);

private:
  struct impl;
  explicit gateway_firewall_setup(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace kagami
