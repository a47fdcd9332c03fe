#pragma once

// The libnftables calls the gateway's nft adapters share: a context whose
// output and errors are buffered, and one run of a script.
//
// Network namespace: the context's netlink socket belongs to the namespace of
// the thread that creates it. A context is not thread-safe.

#include <string>
#include <string_view>

#include <caf/expected.hpp>

struct nft_ctx;

namespace kagami::protocols::nft {

/// A new context with buffered output and error (free it with
/// nft_ctx_free). Fails with ec::internal when libnftables cannot start.
caf::expected<nft_ctx*> open_buffered_context();

/// What one run of a script gave.
struct nft_run_result {
  bool ok = false;
  /// nft's output (listings), when ok.
  std::string output;
  /// nft's error text without trailing newlines, when not ok.
  std::string error;
};

/// Runs `script` in `ctx` as one transaction.
nft_run_result run_script(nft_ctx* ctx, const std::string& script);

/// True if nft's error text says that CAP_NET_ADMIN is missing.
bool is_permission_denied(std::string_view error);

} // namespace kagami::protocols::nft
