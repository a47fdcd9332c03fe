#include "protocols/nft/nft_context.hpp"

#include <nftables/libnftables.h>

#include "actors/core/error.hpp"

namespace kagami::protocols::nft {

caf::expected<nft_ctx*> open_buffered_context() {
  auto ctx = nft_ctx_new(NFT_CTX_DEFAULT);
  if (ctx == nullptr)
    return make_error(ec::internal, "nftables: cannot create a libnftables context");
  if (nft_ctx_buffer_output(ctx) != 0 || nft_ctx_buffer_error(ctx) != 0) {
    nft_ctx_free(ctx);
    return make_error(ec::internal, "nftables: cannot buffer libnftables output");
  }
  return ctx;
}

nft_run_result run_script(nft_ctx* ctx, const std::string& script) {
  nft_run_result out;
  out.ok = nft_run_cmd_from_buffer(ctx, script.c_str()) == 0;
  // Reading a buffer resets it, so read both every time.
  const char* output = nft_ctx_get_output_buffer(ctx);
  const char* error = nft_ctx_get_error_buffer(ctx);
  if (out.ok) {
    out.output = output ? output : "";
    return out;
  }
  out.error = error ? error : "";
  while (!out.error.empty() && (out.error.back() == '\n' || out.error.back() == ' '))
    out.error.pop_back();
  return out;
}

bool is_permission_denied(std::string_view error) {
  return error.find("Operation not permitted") != std::string_view::npos;
}

} // namespace kagami::protocols::nft
