#pragma once

// Installs and removes the gateway's packet filter (gateway_ruleset.hpp)
// through libnftables. Mechanism only: it runs the text it is given as one
// transaction, so a re-apply replaces the table atomically and a failed one
// changes nothing.
//
// Errors are values: ec::unavailable with "nftables: permission denied: ..."
// without CAP_NET_ADMIN; ec::internal with "nftables: " and nft's own error
// text (what `nft -f` would print on stderr) otherwise.
//
// Network namespace: libnftables binds its netlink socket to the namespace of
// the thread that calls open(). Not thread-safe: one caller at a time.

#include <memory>
#include <string>
#include <string_view>

#include <caf/error.hpp>
#include <caf/expected.hpp>

struct nft_ctx;

namespace kagami::protocols::nft {

class gateway_ruleset_adapter {
public:
  /// Creates a libnftables context. Touches no rules. Fails with
  /// ec::internal when libnftables cannot start.
  static caf::expected<std::unique_ptr<gateway_ruleset_adapter>> open();

  ~gateway_ruleset_adapter();

  gateway_ruleset_adapter(const gateway_ruleset_adapter&) = delete;
  gateway_ruleset_adapter& operator=(const gateway_ruleset_adapter&) = delete;

  /// Runs `script` (from gateway_ruleset_script) as one transaction.
  caf::error apply(const std::string& script);

  /// Deletes table `inet <table>`; an absent table is not an error.
  caf::error remove(std::string_view table);

private:
  explicit gateway_ruleset_adapter(nft_ctx* ctx);

  caf::expected<std::string> run(const std::string& script);

  nft_ctx* ctx_;
};

} // namespace kagami::protocols::nft
