#include "protocols/nft/gateway_ruleset_adapter.hpp"

#include <nftables/libnftables.h>

#include "actors/core/error.hpp"
#include "protocols/nft/gateway_ruleset.hpp"
#include "protocols/nft/nft_context.hpp"

namespace kagami::protocols::nft {

caf::expected<std::unique_ptr<gateway_ruleset_adapter>> gateway_ruleset_adapter::open() {
  auto ctx = open_buffered_context();
  if (!ctx)
    return ctx.error();
  return std::unique_ptr<gateway_ruleset_adapter>{new gateway_ruleset_adapter(*ctx)};
}

gateway_ruleset_adapter::gateway_ruleset_adapter(nft_ctx* ctx) : ctx_(ctx) {
}

gateway_ruleset_adapter::~gateway_ruleset_adapter() {
  nft_ctx_free(ctx_);
}

caf::expected<std::string> gateway_ruleset_adapter::run(const std::string& script) {
  auto result = run_script(ctx_, script);
  if (result.ok)
    return std::move(result.output);
  if (is_permission_denied(result.error))
    return make_error(ec::unavailable,
                      "nftables: permission denied: --firewall apply needs "
                      "CAP_NET_ADMIN");
  return make_error(ec::internal, "nftables: " + result.error);
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

} // namespace kagami::protocols::nft
