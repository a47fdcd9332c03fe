#include "actors/network/topology_history.hpp"

#include <charconv>
#include <cstdio>

#include "actors/core/error.hpp"
#include "config/json_depth.hpp"

namespace kagami::topology {

namespace {

constexpr std::string_view head_key = "head";
constexpr std::string_view version_prefix = "v/";

caf::error corrupt(std::string_view key, const std::string& why) {
  return make_error(ec::storage_failure,
                    "corrupt topology record 'topology/" + std::string{key} + "': " + why);
}

bool parse_u64(std::string_view text, std::uint64_t& out) {
  auto end = text.data() + text.size();
  auto [ptr, err] = std::from_chars(text.data(), end, out);
  return err == std::errc{} && ptr == end && !text.empty();
}

/// Decodes the record under `key`; `with_inputs` false skips the inputs.
caf::expected<topology_version> decode(std::string_view key, std::string_view bytes,
                                       bool with_inputs) {
  // A record nests one level deeper than its inputs.
  if (config::json_nesting_depth(bytes, max_topology_json_depth + 2) > max_topology_json_depth + 1)
    return corrupt(key, "nested too deep");
  auto doc = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return corrupt(key, "not a JSON object");
  topology_version out;
  try {
    out.version = doc.at("version").get<std::uint64_t>();
    out.at_ms = doc.at("at_ms").get<std::int64_t>();
    out.cause = doc.at("cause").get<std::string>();
    out.diff = doc.at("diff");
    if (!out.diff.is_object())
      return corrupt(key, "diff is not an object");
    if (with_inputs) {
      auto inputs = merge_inputs_from_json(doc.at("inputs"));
      if (!inputs)
        return corrupt(key, detail_of(inputs.error()));
      out.inputs = std::move(*inputs);
    }
  } catch (const nlohmann::json::exception& e) {
    return corrupt(key, e.what());
  }
  if (key != version_key(out.version))
    return corrupt(key, "holds version " + std::to_string(out.version));
  return out;
}

} // namespace

std::string version_key(std::uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "v/%016llu", static_cast<unsigned long long>(v));
  return buf;
}

topology_history::topology_history(storage::kv_store& store, std::size_t retain)
  : store_(store), retain_(retain < 1 ? 1 : retain) {
  // nop
}

caf::expected<std::uint64_t> topology_history::head() {
  auto value = store_.get(storage::cf::topology, head_key);
  if (!value)
    return value.error();
  if (!*value)
    return std::uint64_t{0};
  std::uint64_t v = 0;
  if (!parse_u64(**value, v))
    return corrupt(head_key, "not a version number");
  return v;
}

caf::expected<std::optional<topology_version>> topology_history::get(std::uint64_t v) {
  auto key = version_key(v);
  auto value = store_.get(storage::cf::topology, key);
  if (!value)
    return value.error();
  if (!*value)
    return std::optional<topology_version>{};
  auto decoded = decode(key, **value, true);
  if (!decoded)
    return decoded.error();
  return std::optional<topology_version>{std::move(*decoded)};
}

caf::expected<std::optional<topology_version>> topology_history::latest() {
  auto h = head();
  if (!h)
    return h.error();
  if (*h == 0)
    return std::optional<topology_version>{};
  return get(*h);
}

caf::error topology_history::append(topology_version& v) {
  auto h = head();
  if (!h)
    return h.error();
  v.version = *h + 1;
  nlohmann::json doc{{"version", v.version},
                     {"at_ms", v.at_ms},
                     {"cause", v.cause},
                     {"diff", v.diff},
                     {"inputs", to_json(v.inputs)}};
  storage::write_batch batch;
  batch.put(storage::cf::topology, version_key(v.version), doc.dump());
  batch.put(storage::cf::topology, head_key, std::to_string(v.version));
  // Prune: every stored version older than the newest `retain_`.
  if (v.version > retain_) {
    auto oldest_kept = version_key(v.version - retain_ + 1);
    auto err = store_.for_each_prefix(storage::cf::topology, version_prefix,
                                      [&](std::string_view key, std::string_view) {
                                        if (key >= oldest_kept)
                                          return false;
                                        batch.erase(storage::cf::topology, key);
                                        return true;
                                      });
    if (err)
      return err;
  }
  return store_.write(batch, storage::write_options{true});
}

caf::expected<std::vector<version_summary>>
topology_history::list(std::size_t limit, std::optional<std::uint64_t> before) {
  auto h = head();
  if (!h)
    return h.error();
  std::vector<version_summary> out;
  auto newest = before ? std::min(*h, *before == 0 ? 0 : *before - 1) : *h;
  // Versions are dense except for pruned ones, so walk down from the newest.
  for (auto v = newest; v >= 1 && out.size() < limit; --v) {
    auto key = version_key(v);
    auto value = store_.get(storage::cf::topology, key);
    if (!value)
      return value.error();
    if (!*value)
      break; // pruned: everything older is gone too
    auto decoded = decode(key, **value, false);
    if (!decoded)
      return decoded.error();
    out.push_back({decoded->version, decoded->at_ms, std::move(decoded->cause),
                   std::move(decoded->diff)});
  }
  return out;
}

} // namespace kagami::topology
