#pragma once

// The gateway's own firewall: one nftables table, through libnftables.
//
// Mechanism only: it refuses what its caller tells it to refuse. Deciding
// that a device is rogue, and persisting that, is the caller's job.
//
// What it owns: exactly one table, `inet <table>` ("inet kagami" by
// default), with the sets and chains described in firewall_script.hpp. It
// never reads, changes or flushes anything outside that table.
//
// What "refused" covers: every IPv4/IPv6 packet from the device (by MAC or
// address) into or through the gateway, and every packet from the gateway
// to its addresses. A family inet table sees no ARP, so ARP still passes;
// a device refused by MAC alone still receives the gateway's packets, but
// its replies are dropped, so no exchange completes (the lab test checks
// ping and TCP both ways).
//
// Errors are values: ec::invalid_value for a malformed MAC, IP address or
// table name (nothing reaches nft then); ec::not_found when the table is not
// installed; ec::unavailable with "nftables: permission denied: kagamid
// needs CAP_NET_ADMIN to refuse rogue devices" without CAP_NET_ADMIN;
// ec::internal with "nftables: " and nft's own error text otherwise.
// (On EPERM libnftables 1.0.6 also prints "Operation not permitted (you
// must be root)" to stderr itself.)
//
// Restarts: the table lives in the kernel, not in kagamid. When kagamid
// crashes or stops, the table and its sets stay in force, so every refused
// device stays refused (fail closed). On start the caller calls install()
// with every persisted rogue record; install() swaps the old table for the
// new one in one transaction, so there is no moment without the refusal.
//
// Network namespace: libnftables binds its netlink socket to the network
// namespace of the thread that calls open(); every later call acts on that
// namespace.
//
// Thread-safety: every member function is safe to call from any thread; one
// mutex serializes them (an nft_ctx is not thread-safe). Calls block on a
// netlink round trip (microseconds to milliseconds), so an actor calls them
// from a detached actor or its own thread, never from a scheduler thread.

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "protocols/nft/firewall_script.hpp"
#include "protocols/nft/nft_listing.hpp"
#include "protocols/nft/refused_address.hpp"

struct nft_ctx;

namespace kagami::protocols::nft {

class gateway_firewall {
public:
  /// The default table name: `inet kagami`.
  static constexpr std::string_view default_table = "kagami";

  /// Creates the libnftables context for table `inet <table>`. Touches no
  /// rules. Fails with ec::invalid_value for a bad table name (see
  /// table_name::parse) and ec::internal when libnftables cannot start.
  static caf::expected<std::unique_ptr<gateway_firewall>>
  open(std::string_view table = default_table);

  ~gateway_firewall();

  gateway_firewall(const gateway_firewall&) = delete;
  gateway_firewall& operator=(const gateway_firewall&) = delete;

  /// (Re)creates the table holding exactly `initial`, in one transaction.
  /// Idempotent: installing the same entries again yields the same table;
  /// entries refused since the last install() and not in `initial` are
  /// dropped, and the counters start at zero.
  caf::error install(const refused_entries& initial = {});

  /// Refuses all traffic from and to a device: `mac` (empty, or as
  /// parse_mac accepts) and `address` (empty, or as parse_ip accepts). At
  /// least one must be given. Both are validated before anything reaches
  /// nft; on ec::invalid_value the table is unchanged. Refusing what is
  /// already refused is not an error. Needs the table (ec::not_found).
  caf::error refuse(std::string_view mac, std::string_view address);

  /// Adds all of `x` in one transaction.
  caf::error refuse(const refused_entries& x);

  /// The inverse of refuse(): removes the MAC and/or address from the sets,
  /// with the same validation. Removing what is not refused is not an error.
  caf::error allow_again(std::string_view mac, std::string_view address);

  /// Removes all of `x` in one transaction.
  caf::error allow_again(const refused_entries& x);

  /// What the sets hold now, sorted.
  caf::expected<refused_entries> refused();

  /// The sets and the drop counters of every rule.
  caf::expected<firewall_listing> list();

  /// Deletes the table. Removing an absent table is not an error.
  caf::error remove();

  /// The table's name (without the family).
  const std::string& table() const {
    return table_.str();
  }

private:
  gateway_firewall(table_name table, nft_ctx* ctx);

  enum class run_mode {
    create, ///< Creates or deletes the table itself.
    change, ///< Changes the sets of an installed table.
    list,   ///< Lists the installed table as JSON.
  };

  // Runs `script` as one transaction; returns nft's output. Requires mu_.
  caf::expected<std::string> run(const std::string& script, run_mode mode);

  std::mutex mu_;
  table_name table_;
  nft_ctx* ctx_;
};

/// Builds the entries of one device for refuse()/allow_again(): validates
/// `mac` and `address`, each of which may be empty but not both.
caf::expected<refused_entries> device_entries(std::string_view mac,
                                              std::string_view address);

} // namespace kagami::protocols::nft
