#include "protocols/nft/gateway_firewall.hpp"

#include <nftables/libnftables.h>

#include "actors/core/error.hpp"
#include "protocols/nft/nft_context.hpp"

namespace kagami::protocols::nft {

namespace {

constexpr std::string_view permission_denied
  = "nftables: permission denied: kagamid needs CAP_NET_ADMIN to refuse "
    "rogue devices";

} // namespace

caf::expected<refused_entries> device_entries(std::string_view mac,
                                              std::string_view address) {
  if (mac.empty() && address.empty())
    return make_error(ec::invalid_value,
                      "a device to refuse needs a MAC address, an IP address or both");
  refused_entries out;
  if (!mac.empty()) {
    auto m = parse_mac(mac);
    if (!m)
      return m.error();
    out.macs.push_back(*m);
  }
  if (!address.empty()) {
    auto a = parse_ip(address);
    if (!a)
      return a.error();
    out.addresses.push_back(*a);
  }
  return out;
}

caf::expected<std::unique_ptr<gateway_firewall>>
gateway_firewall::open(std::string_view table) {
  auto name = table_name::parse(table);
  if (!name)
    return name.error();
  auto ctx = open_buffered_context();
  if (!ctx)
    return ctx.error();
  return std::unique_ptr<gateway_firewall>{new gateway_firewall(std::move(*name), *ctx)};
}

gateway_firewall::gateway_firewall(table_name table, nft_ctx* ctx)
  : table_(std::move(table)), ctx_(ctx) {
}

gateway_firewall::~gateway_firewall() {
  nft_ctx_free(ctx_);
}

caf::expected<std::string> gateway_firewall::run(const std::string& script,
                                                run_mode mode) {
  // With JSON output on, libnftables first tries to parse the input as JSON
  // too, so only a listing turns it on.
  nft_ctx_output_set_flags(ctx_, mode == run_mode::list ? NFT_CTX_OUTPUT_JSON : 0);
  auto result = run_script(ctx_, script);
  if (result.ok)
    return std::move(result.output);
  auto& error = result.error;
  if (is_permission_denied(error))
    return make_error(ec::unavailable, std::string{permission_denied});
  // ENOENT also means a missing kernel module; only where the table must
  // exist does it mean that the table is missing.
  if (mode != run_mode::create
      && error.find("No such file or directory") != std::string::npos)
    return make_error(ec::not_found, "nftables: table inet " + table_.str()
                                       + " is not installed: " + error);
  return make_error(ec::internal, "nftables: " + error);
}

caf::error gateway_firewall::install(const refused_entries& initial) {
  std::lock_guard guard{mu_};
  auto out = run(install_script(table_, initial), run_mode::create);
  return out ? caf::error{} : out.error();
}

caf::error gateway_firewall::refuse(std::string_view mac, std::string_view address) {
  auto x = device_entries(mac, address);
  if (!x)
    return x.error();
  return refuse(*x);
}

caf::error gateway_firewall::refuse(const refused_entries& x) {
  if (x.empty())
    return {};
  std::lock_guard guard{mu_};
  auto out = run(add_elements_script(table_, x), run_mode::change);
  return out ? caf::error{} : out.error();
}

caf::error gateway_firewall::allow_again(std::string_view mac,
                                         std::string_view address) {
  auto x = device_entries(mac, address);
  if (!x)
    return x.error();
  return allow_again(*x);
}

caf::error gateway_firewall::allow_again(const refused_entries& x) {
  if (x.empty())
    return {};
  std::lock_guard guard{mu_};
  auto out = run(delete_elements_script(table_, x), run_mode::change);
  return out ? caf::error{} : out.error();
}

caf::expected<firewall_listing> gateway_firewall::list() {
  std::lock_guard guard{mu_};
  auto out = run(list_script(table_), run_mode::list);
  if (!out)
    return out.error();
  return parse_listing(*out, table_.str());
}

caf::expected<refused_entries> gateway_firewall::refused() {
  auto listing = list();
  if (!listing)
    return listing.error();
  return std::move(listing->refused);
}

caf::error gateway_firewall::remove() {
  std::lock_guard guard{mu_};
  auto out = run(remove_script(table_), run_mode::create);
  return out ? caf::error{} : out.error();
}

} // namespace kagami::protocols::nft
