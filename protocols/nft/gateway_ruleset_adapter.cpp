#include "protocols/nft/gateway_ruleset_adapter.hpp"

#include <nftables/libnftables.h>

#include "actors/core/error.hpp"
#include "protocols/nft/gateway_ruleset.hpp"

namespace kagami::protocols::nft {

caf::expected<std::unique_ptr<gateway_ruleset_adapter>> gateway_ruleset_adapter::open() {
  auto ctx = nft_ctx_new(NFT_CTX_DEFAULT);
  if (ctx == nullptr)
    return make_error(ec::internal, "nftables: cannot create a libnftables context");
  if (nft_ctx_buffer_output(ctx) != 0 || nft_ctx_buffer_error(ctx) != 0) {
    nft_ctx_free(ctx);
    return make_error(ec::internal, "nftables: cannot buffer libnftables output");
  }
  return std::unique_ptr<gateway_ruleset_adapter>{new gateway_ruleset_adapter(ctx)};
}

gateway_ruleset_adapter::gateway_ruleset_adapter(nft_ctx* ctx) : ctx_(ctx) {
}

gateway_ruleset_adapter::~gateway_ruleset_adapter() {
  nft_ctx_free(ctx_);
}

caf::expected<std::string> gateway_ruleset_adapter::run(const std::string& script) {
  if (nft_run_cmd_from_buffer(ctx_, script.c_str()) == 0)
    return std::string{nft_ctx_get_output_buffer(ctx_)};
  // Reading a buffer resets it, so read both.
  (void) nft_ctx_get_output_buffer(ctx_);
  std::string error = nft_ctx_get_error_buffer(ctx_);
  while (!error.empty() && (error.back() == '\n' || error.back() == ' '))
    error.pop_back();
  if (error.find("Operation not permitted") != std::string::npos)
    return make_error(ec::unavailable,
                      "nftables: permission denied: --firewall apply needs "
                      "CAP_NET_ADMIN");
  return make_error(ec::internal, "nftables: " + error);
}

caf::error gateway_ruleset_adapter::apply(const std::string& script) {
  auto out = run(script);
  return out ? caf::error{} : out.error();
}

caf::error gateway_ruleset_adapter::remove(std::string_view table) {
  auto script = gateway_ruleset_removal(table);
  if (!script)
    return script.error();
  auto out = run(*script);
  return out ? caf::error{} : out.error();
}

caf::expected<bool> gateway_ruleset_adapter::installed(std::string_view table) {
  auto out = run("list tables inet\n");
  if (!out)
    return out.error();
  // One line per table: "table inet NAME".
  auto line = "table inet " + std::string{table} + "\n";
  return ("\n" + *out).find("\n" + line) != std::string::npos;
}

} // namespace kagami::protocols::nft
