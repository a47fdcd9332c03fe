#include "tools/devsim/ap_sim_config.hpp"

#include <map>
#include <set>
#include <utility>

#include "tools/devsim/sim_json.hpp"

namespace kagami::devsim {

using detail::node;
namespace wifi = protocols::wifi_ap;

const char* to_string(ap_fault x) {
  switch (x) {
    case ap_fault::none: return "none";
    case ap_fault::garbage: return "garbage";
    case ap_fault::wrong_types: return "wrong-types";
    case ap_fault::huge: return "huge";
    case ap_fault::slow: return "slow";
  }
  return "?";
}

bool valid_link_name(std::string_view name) {
  if (name.empty() || name.size() > ap_sim_limits::max_link_name)
    return false;
  if (name == "." || name == "..")
    return false;
  for (unsigned char c : name)
    if (c <= 0x20 || c >= 0x7F || c == '/' || c == ':')
      return false;
  return true;
}

namespace {

bool enabled_of(const node& n) {
  auto e = n.get("enabled");
  return e ? e->boolean() : true;
}

ap_sim_config parse_ap(const nlohmann::json& doc) {
  node root{doc, ""};
  root.require_object();
  root.allow_only({"radios", "ssids", "clients", "fault", "slowMs", "hugeBytes"});
  ap_sim_config cfg;
  wifi::ap_limits id_limits; // radio ids as kagami reads them: at most 64 bytes
  std::set<std::string> radio_ids;
  auto radios = root.at("radios");
  radios.require_array();
  if (radios.value.size() > ap_sim_limits::max_radios)
    radios.fail("more than " + std::to_string(ap_sim_limits::max_radios) + " radios");
  for (size_t i = 0; i < radios.value.size(); ++i) {
    auto r = radios.at(i);
    r.allow_only({"id", "band", "enabled"});
    wifi::ap_radio radio;
    auto id = r.at("id");
    radio.id = id.string();
    if (!wifi::valid_radio_id(radio.id, id_limits))
      id.fail("not a radio id ([A-Za-z0-9_-], 1..64 characters)");
    if (!radio_ids.insert(radio.id).second)
      id.fail("duplicate radio \"" + radio.id + "\"");
    auto band = r.at("band");
    auto parsed = wifi::band_from_string(band.string());
    if (!parsed)
      band.fail("must be \"2.4GHz\", \"5GHz\" or \"6GHz\"");
    radio.band = *parsed;
    radio.enabled = enabled_of(r);
    cfg.radios.push_back(std::move(radio));
  }
  std::set<std::pair<std::string, std::string>> ssid_keys;
  std::map<std::string, std::vector<std::string>> radios_of_ssid;
  if (auto ssids = root.get("ssids")) {
    ssids->require_array();
    if (ssids->value.size() > ap_sim_limits::max_ssids)
      ssids->fail("more than " + std::to_string(ap_sim_limits::max_ssids) + " SSIDs");
    for (size_t i = 0; i < ssids->value.size(); ++i) {
      auto s = ssids->at(i);
      s.allow_only({"name", "radio", "enabled"});
      wifi::ap_ssid ssid;
      auto name = s.at("name");
      ssid.name = name.string();
      if (ssid.name.empty() || ssid.name.size() > wifi::max_ssid_length)
        name.fail("an SSID has 1..32 bytes");
      auto radio = s.at("radio");
      ssid.radio = radio.string();
      if (radio_ids.count(ssid.radio) == 0)
        radio.fail("unknown radio \"" + ssid.radio + "\"");
      if (!ssid_keys.emplace(ssid.name, ssid.radio).second)
        name.fail("SSID \"" + ssid.name + "\" is already served on radio " + ssid.radio);
      ssid.enabled = enabled_of(s);
      radios_of_ssid[ssid.name].push_back(ssid.radio);
      cfg.ssids.push_back(std::move(ssid));
    }
  }
  std::set<std::string> macs, links;
  if (auto clients = root.get("clients")) {
    clients->require_array();
    if (clients->value.size() > ap_sim_limits::max_clients)
      clients->fail("more than " + std::to_string(ap_sim_limits::max_clients) + " clients");
    for (size_t i = 0; i < clients->value.size(); ++i) {
      auto c = clients->at(i);
      c.allow_only({"mac", "ssid", "radio", "rssi", "link"});
      ap_sim_client client;
      auto mac = c.at("mac");
      auto normalized = wifi::normalize_mac(mac.string());
      if (!normalized)
        mac.fail("not a MAC address (aa:bb:cc:dd:ee:ff, AA-BB-.. or aabb.ccdd.eeff)");
      client.mac = *normalized;
      if (!macs.insert(client.mac).second)
        mac.fail("duplicate client " + client.mac);
      auto ssid = c.at("ssid");
      client.ssid = ssid.string();
      auto served = radios_of_ssid.find(client.ssid);
      if (served == radios_of_ssid.end())
        ssid.fail("unknown SSID \"" + client.ssid + "\"");
      if (auto radio = c.get("radio")) {
        client.radio = radio->string();
        if (radio_ids.count(client.radio) == 0)
          radio->fail("unknown radio \"" + client.radio + "\"");
        if (ssid_keys.count({client.ssid, client.radio}) == 0)
          ssid.fail("SSID \"" + client.ssid + "\" is not served on radio " + client.radio);
      } else if (served->second.size() == 1) {
        client.radio = served->second.front();
      } else {
        c.fail("missing \"radio\": SSID \"" + client.ssid
               + "\" is served on more than one radio");
      }
      if (auto rssi = c.get("rssi"))
        client.rssi = static_cast<int32_t>(rssi->integer(-127, 0));
      if (auto link = c.get("link")) {
        client.link = link->string();
        if (!valid_link_name(client.link))
          link->fail("not an interface name (1..15 bytes, no '/', ':' or spaces)");
        if (!links.insert(client.link).second)
          link->fail("link \"" + client.link + "\" belongs to another client");
      }
      cfg.clients.push_back(std::move(client));
    }
  }
  if (auto fault = root.get("fault")) {
    auto text = fault->string();
    if (text == "none")
      cfg.fault = ap_fault::none;
    else if (text == "garbage")
      cfg.fault = ap_fault::garbage;
    else if (text == "wrong-types")
      cfg.fault = ap_fault::wrong_types;
    else if (text == "huge")
      cfg.fault = ap_fault::huge;
    else if (text == "slow")
      cfg.fault = ap_fault::slow;
    else
      fault->fail("must be \"none\", \"garbage\", \"wrong-types\", \"huge\" or \"slow\"");
  }
  if (auto slow = root.get("slowMs"))
    cfg.slow_ms = static_cast<uint32_t>(slow->integer(1, ap_sim_limits::max_slow_ms));
  if (auto huge = root.get("hugeBytes"))
    cfg.huge_bytes = static_cast<std::size_t>(
      huge->integer(ap_sim_limits::min_huge_bytes, ap_sim_limits::max_huge_bytes));
  return cfg;
}

} // namespace

std::variant<ap_sim_config, sim_config_error>
parse_ap_sim_config(std::string_view text, const std::string& file) {
  return detail::config_or_error<ap_sim_config>(file, [&] {
    auto doc = detail::parse_json_limited(text, ap_sim_limits::max_depth);
    return parse_ap(doc);
  });
}

} // namespace kagami::devsim
