// The least-impact cut planner over generated topologies. A small generator
// turns a site description (switches in a tree, APs with radios and clients,
// devices with criticalities) into the neighbour reports the elements would
// send (LLDP between switches, MAC tables, AP client lists), and the graph
// is merged from them by topology_graph::merge, as in production. Each row
// then states the plan that the contract of cut_planner.hpp demands; a
// seeded random sweep over daisy chains checks the invariants of the choice
// against the generator's own knowledge of who sits behind which port.

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "actors/isolation/cut_planner.hpp"

using namespace kagami;
using namespace kagami::isolation;
using kagami::network::cut_action;
using kagami::topology::criticality;
using kagami::topology::element_kind;

namespace {

const std::string gw = "02:00:00:00:00:01";

std::string hex_mac(unsigned a, unsigned b, unsigned c) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "02:ab:%02x:00:%02x:%02x", a, b, c);
  return buf;
}

/// Device `j` (1-based) on switch `sw` (1-based, the element's position).
std::string d(unsigned sw, unsigned j) {
  return hex_mac(0, sw, j);
}

/// Client `j` (1-based) of the site's AP.
std::string cl(unsigned j) {
  return hex_mac(1, 0, j);
}

std::string chassis(std::size_t index) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "0a:00:00:00:00:%02zx", index + 1);
  return buf;
}

// -- the generator -----------------------------------------------------------

struct gen_device {
  std::string mac;
  criticality level = criticality::normal;
  bool known = true;     ///< Onboarded (else only seen on the network).
  std::uint32_t port = 0; ///< 0: a port of its own (10, 11, ...).
};

struct gen_client {
  std::string mac;
  std::string ssid;
  criticality level = criticality::normal;
  bool known = true;
};

struct gen_radio {
  std::string id; ///< The radio port's name ("radio0").
  std::vector<gen_client> clients;
};

constexpr int root = -1;   ///< The gateway's element.
constexpr int island = -2; ///< Linked to nothing.

struct gen_element {
  std::string id;
  element_kind kind = element_kind::switch_element;
  int parent = root;             ///< Index of the parent element.
  std::uint32_t parent_port = 0; ///< The parent's port facing this element.
  std::vector<gen_device> devices;
  std::vector<gen_radio> radios; ///< An AP's radios (ports 1, 2, ...).
};

struct gen_site {
  std::vector<gen_element> elements;
  bool gateway_by_lldp = false; ///< Else the root learns the gateway MAC.

  gen_element& at(const std::string& id) {
    for (auto& e : elements)
      if (e.id == id)
        return e;
    throw std::logic_error("no element " + id);
  }
  gen_device& device(const std::string& mac) {
    for (auto& e : elements)
      for (auto& x : e.devices)
        if (x.mac == mac)
          return x;
    throw std::logic_error("no device " + mac);
  }
  gen_client& client(const std::string& mac) {
    for (auto& e : elements)
      for (auto& r : e.radios)
        for (auto& c : r.clients)
          if (c.mac == mac)
            return c;
    throw std::logic_error("no client " + mac);
  }
};

/// The MACs an element's upstream port learns: everything below it.
std::vector<std::string> downstream(const gen_site& s, std::size_t i) {
  std::vector<std::string> out;
  const auto& e = s.elements[i];
  if (e.kind == element_kind::access_point)
    out.push_back(chassis(i));
  for (const auto& x : e.devices)
    out.push_back(x.mac);
  for (const auto& r : e.radios)
    for (const auto& c : r.clients)
      out.push_back(c.mac);
  for (std::size_t k = 0; k < s.elements.size(); ++k)
    if (s.elements[k].parent == static_cast<int>(i)) {
      auto below = downstream(s, k);
      out.insert(out.end(), below.begin(), below.end());
    }
  return out;
}

std::vector<topology::neighbour_report> reports_of(const gen_site& s) {
  std::vector<topology::neighbour_report> out;
  for (std::size_t i = 0; i < s.elements.size(); ++i) {
    const auto& e = s.elements[i];
    topology::neighbour_report r;
    r.reporter = {e.id, e.kind, chassis(i), "192.0.2." + std::to_string(i + 1)};
    r.observed_at_ms = 1000;
    if (e.kind == element_kind::access_point) {
      // As protocols/wifi_ap/ap_neighbour_report.cpp: one port per radio.
      for (std::size_t k = 0; k < e.radios.size(); ++k) {
        topology::port_observation p;
        p.port_id = static_cast<std::uint32_t>(k + 1);
        p.name = e.radios[k].id;
        for (const auto& c : e.radios[k].clients)
          p.clients.push_back({c.mac, c.ssid});
        r.ports.push_back(std::move(p));
      }
      out.push_back(std::move(r));
      continue;
    }
    std::map<std::uint32_t, topology::port_observation> ports;
    auto port = [&](std::uint32_t id) -> topology::port_observation& {
      auto& p = ports[id];
      p.port_id = id;
      p.name = "ge" + std::to_string(id);
      return p;
    };
    if (e.parent == root) {
      auto& up = port(1);
      if (s.gateway_by_lldp)
        up.lldp.push_back({gw, "eth0"});
      up.learned_macs.push_back(gw);
    } else if (e.parent >= 0) {
      auto& up = port(1);
      up.lldp.push_back({chassis(static_cast<std::size_t>(e.parent)),
                         std::to_string(e.parent_port)});
      up.learned_macs.push_back(gw);
    }
    for (std::size_t k = 0; k < s.elements.size(); ++k) {
      const auto& child = s.elements[k];
      if (child.parent != static_cast<int>(i))
        continue;
      auto& p = port(child.parent_port);
      if (child.kind != element_kind::access_point)
        p.lldp.push_back({chassis(k), "1"});
      p.learned_macs = downstream(s, k);
    }
    std::uint32_t next = 10;
    for (const auto& x : e.devices)
      port(x.port == 0 ? next++ : x.port).learned_macs.push_back(x.mac);
    for (auto& [id, p] : ports)
      r.ports.push_back(std::move(p));
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<topology::device> known_of(const gen_site& s) {
  std::vector<topology::device> out;
  for (const auto& e : s.elements) {
    for (const auto& x : e.devices)
      if (x.known)
        out.push_back({x.mac, "thing-" + x.mac, x.level});
    for (const auto& r : e.radios)
      for (const auto& c : r.clients)
        if (c.known)
          out.push_back({c.mac, "thing-" + c.mac, c.level});
  }
  return out;
}

topology::topology_graph graph_of(const gen_site& s) {
  return topology::topology_graph::merge(reports_of(s), known_of(s), gw);
}

/// Switches sw1..swN in a daisy chain (sw1 the gateway's; swI port 2 faces
/// swI+1 port 1), each with `k` devices d(I, 1..k) on ports 10, 11, ...
gen_site chain(unsigned n, unsigned k) {
  gen_site s;
  for (unsigned i = 1; i <= n; ++i) {
    gen_element e;
    e.id = "sw" + std::to_string(i);
    e.parent = i == 1 ? root : static_cast<int>(i) - 2;
    e.parent_port = i == 1 ? 0 : 2;
    for (unsigned j = 1; j <= k; ++j)
      e.devices.push_back({d(i, j)});
    s.elements.push_back(std::move(e));
  }
  return s;
}

/// A core switch sw1 (the gateway's) with `leaves` switches sw2.. on its
/// ports 2..; every switch has `k` devices.
gen_site star(unsigned leaves, unsigned k) {
  gen_site s;
  for (unsigned i = 1; i <= leaves + 1; ++i) {
    gen_element e;
    e.id = "sw" + std::to_string(i);
    e.parent = i == 1 ? root : 0;
    e.parent_port = i == 1 ? 0 : i;
    for (unsigned j = 1; j <= k; ++j)
      e.devices.push_back({d(i, j)});
    s.elements.push_back(std::move(e));
  }
  return s;
}

/// sw1 (the gateway's, with d(1,1) on port 10) and ap1 on sw1 port 5 with
/// the radios "radio0" and "radio1".
gen_site ap_site(std::vector<gen_client> radio0,
                 std::vector<gen_client> radio1) {
  gen_site s;
  s.elements.push_back({"sw1", element_kind::switch_element, root, 0, {{d(1, 1)}}, {}});
  s.elements.push_back({"ap1", element_kind::access_point, 0, 5, {},
                        {{"radio0", std::move(radio0)}, {"radio1", std::move(radio1)}}});
  return s;
}

gen_site with(gen_site s, const std::function<void(gen_site&)>& change) {
  change(s);
  return s;
}

const std::vector<cut_action> all_ap_cuts = {
  cut_action::client_deauth, cut_action::ssid_off, cut_action::radio_off};

capability_map switches_writable(const gen_site& s,
                                 std::set<std::string> except = {}) {
  capability_map out;
  for (const auto& e : s.elements)
    if (e.kind != element_kind::access_point && except.count(e.id) == 0)
      out[e.id] = {cut_action::port_down};
  return out;
}

/// Every switch writable, and the given elements with the given cuts.
capability_map with_caps(const gen_site& s, const capability_map& more) {
  auto out = switches_writable(s);
  for (const auto& [id, cuts] : more)
    out[id] = cuts;
  return out;
}

// -- the table ---------------------------------------------------------------

struct expected_option {
  std::string element;
  cut_action action;
  std::string target;
  bool uplink = false;
  std::vector<std::string> cut_off;
  std::int64_t impact = 0;
  bool cuts_critical = false;
};

struct refusal {
  std::string element;
  cut_action action;
  std::string because; ///< A part of `refused`.
};

struct plan_case {
  const char* name = "";
  gen_site site = {};
  std::string suspect = {};
  capability_map caps = {};
  std::set<std::string> not_healthy = {};
  cut_policy policy = {};
  cut_verdict verdict = cut_verdict::no_option;
  std::optional<expected_option> best = {}; ///< options.front(), if eligible.
  std::size_t option_count = 0;
  std::vector<refusal> refusals = {};
  std::vector<std::string> reason_has = {};
};

/// For gtest's failure messages: the row's name, not its bytes.
void PrintTo(const plan_case& c, std::ostream* os) {
  *os << c.name;
}

std::vector<std::string> sorted(std::vector<std::string> xs) {
  std::sort(xs.begin(), xs.end());
  return xs;
}

std::vector<plan_case> cases() {
  std::vector<plan_case> out;
  auto c4 = chain(4, 2);
  out.push_back({
    .name = "access port on a writable switch: port down, nobody else cut",
    .site = c4,
    .suspect = d(3, 1),
    .caps = switches_writable(c4),
    .verdict = cut_verdict::cut,
    .best = expected_option{"sw3", cut_action::port_down, "10", false, {}, 0},
    .option_count = 3,
    .refusals = {{"sw2", cut_action::port_down, "uplink cuts are not allowed"},
                 {"sw1", cut_action::port_down, "uplink cuts are not allowed"}},
    .reason_has = {"port_down 10 on sw3"},
  });
  out.push_back({
    .name = "the same with the gateway found by LLDP, the suspect in upper case",
    .site = with(c4, [](gen_site& s) { s.gateway_by_lldp = true; }),
    .suspect = "02:AB:00:00:03:01",
    .caps = switches_writable(c4),
    .verdict = cut_verdict::cut,
    .best = expected_option{"sw3", cut_action::port_down, "10", false, {}, 0},
    .option_count = 3,
  });
  out.push_back({
    .name = "a device on the gateway's switch: its own port, never the "
            "gateway's",
    .site = c4,
    .suspect = d(1, 2),
    .caps = switches_writable(c4),
    .verdict = cut_verdict::cut,
    .best = expected_option{"sw1", cut_action::port_down, "11", false, {}, 0},
    .option_count = 1,
  });
  out.push_back({
    .name = "a switch without cuts, uplink cuts not allowed: no option",
    .site = c4,
    .suspect = d(3, 1),
    .caps = switches_writable(c4, {"sw3"}),
    .verdict = cut_verdict::no_option,
    .option_count = 3,
    .refusals = {{"sw3", cut_action::port_down, "sw3 cannot port_down"},
                 {"sw2", cut_action::port_down, "uplink cuts are not allowed"},
                 {"sw1", cut_action::port_down, "uplink cuts are not allowed"}},
    .reason_has = {"no eligible cut", "sw3 cannot port_down",
                   "uplink cuts are not allowed"},
  });
  out.push_back({
    .name = "a switch without cuts, uplink allowed: the nearest upstream "
            "port, cutting the switch's other devices and all behind it",
    .site = c4,
    .suspect = d(3, 1),
    .caps = switches_writable(c4, {"sw3"}),
    .policy = {.allow_uplink_cut = true},
    .verdict = cut_verdict::cut,
    .best = expected_option{"sw2", cut_action::port_down, "2", true,
                            {d(3, 2), d(4, 1), d(4, 2)}, 6},
    .option_count = 3,
    .refusals = {{"sw3", cut_action::port_down, "sw3 cannot port_down"}},
    .reason_has = {"uplink"},
  });
  out.push_back({
    .name = "uplink allowed but a writable access port exists: the access "
            "port",
    .site = c4,
    .suspect = d(3, 1),
    .caps = switches_writable(c4),
    .policy = {.allow_uplink_cut = true},
    .verdict = cut_verdict::cut,
    .best = expected_option{"sw3", cut_action::port_down, "10", false, {}, 0},
    .option_count = 3,
  });
  auto critical_behind = with(c4, [](gen_site& s) {
    s.device(d(4, 2)).level = criticality::critical;
  });
  out.push_back({
    .name = "only uplink cuts, a critical device behind every one: ask a human",
    .site = critical_behind,
    .suspect = d(3, 1),
    .caps = switches_writable(c4, {"sw3"}),
    .policy = {.allow_uplink_cut = true},
    .verdict = cut_verdict::ask_human,
    .best = expected_option{"sw2", cut_action::port_down, "2", true,
                            {d(3, 2), d(4, 1), d(4, 2)}, 104, true},
    .option_count = 3,
    .reason_has = {d(4, 2), "critical", "human"},
  });
  out.push_back({
    .name = "the same with act_on_critical: cut",
    .site = critical_behind,
    .suspect = d(3, 1),
    .caps = switches_writable(c4, {"sw3"}),
    .policy = {.allow_uplink_cut = true, .act_on_critical = true},
    .verdict = cut_verdict::cut,
    .best = expected_option{"sw2", cut_action::port_down, "2", true,
                            {d(3, 2), d(4, 1), d(4, 2)}, 104, true},
    .option_count = 3,
  });
  auto c3 = chain(3, 2);
  out.push_back({
    .name = "the issue's case: only a whole-switch cut, a critical device on "
            "that switch: ask a human",
    .site = with(c3, [](gen_site& s) {
      s.device(d(3, 2)).level = criticality::critical;
    }),
    .suspect = d(3, 1),
    .caps = switches_writable(c3, {"sw3"}),
    .policy = {.allow_uplink_cut = true},
    .verdict = cut_verdict::ask_human,
    .best = expected_option{"sw2", cut_action::port_down, "2", true,
                            {d(3, 2)}, 100, true},
    .option_count = 3,
    .reason_has = {d(3, 2)},
  });
  out.push_back({
    .name = "a critical device on the suspect's switch is not behind its "
            "access port: cut",
    .site = with(c3, [](gen_site& s) {
      s.device(d(3, 2)).level = criticality::critical;
    }),
    .suspect = d(3, 1),
    .caps = switches_writable(c3),
    .verdict = cut_verdict::cut,
    .best = expected_option{"sw3", cut_action::port_down, "10", false, {}, 0},
    .option_count = 3,
  });
  out.push_back({
    .name = "devices that are not healthy are not counted",
    .site = c4,
    .suspect = d(3, 1),
    .caps = switches_writable(c4, {"sw3"}),
    .not_healthy = {d(4, 1)},
    .policy = {.allow_uplink_cut = true},
    .verdict = cut_verdict::cut,
    .best = expected_option{"sw2", cut_action::port_down, "2", true,
                            {d(3, 2), d(4, 2)}, 4},
    .option_count = 3,
  });
  out.push_back({
    .name = "a critical device that is not healthy (another suspect) asks "
            "nobody",
    .site = critical_behind,
    .suspect = d(3, 1),
    .caps = switches_writable(c4, {"sw3"}),
    .not_healthy = {d(4, 2)},
    .policy = {.allow_uplink_cut = true},
    .verdict = cut_verdict::cut,
    .best = expected_option{"sw2", cut_action::port_down, "2", true,
                            {d(3, 2), d(4, 1)}, 4},
    .option_count = 3,
  });
  out.push_back({
    .name = "weights: a device nobody onboarded counts low (1), a high one 5",
    .site = with(c4, [](gen_site& s) {
      s.device(d(4, 1)).known = false;
      s.device(d(4, 2)).level = criticality::high;
    }),
    .suspect = d(3, 1),
    .caps = switches_writable(c4, {"sw3"}),
    .policy = {.allow_uplink_cut = true},
    .verdict = cut_verdict::cut,
    .best = expected_option{"sw2", cut_action::port_down, "2", true,
                            {d(3, 2), d(4, 1), d(4, 2)}, 8},
    .option_count = 3,
  });
  out.push_back({
    .name = "a device unknown to the topology: no option",
    .site = c4,
    .suspect = "02:ab:00:00:99:99",
    .caps = switches_writable(c4),
    .verdict = cut_verdict::no_option,
    .option_count = 0,
    .reason_has = {"not located in the topology"},
  });
  out.push_back({
    .name = "a device on a switch linked to nothing: no option",
    .site = with(c4, [](gen_site& s) {
      s.elements.push_back({"sw9", element_kind::switch_element, island, 0,
                            {{d(9, 1)}, {d(9, 2)}}, {}});
    }),
    .suspect = d(9, 1),
    .caps = switches_writable(c4),
    .verdict = cut_verdict::no_option,
    .option_count = 0,
    .reason_has = {"not located in the topology", "no path"},
  });
  auto c2 = chain(2, 1);
  auto shared = with(c2, [](gen_site& s) {
    s.at("sw1").devices.push_back({hex_mac(0, 1, 9), criticality::normal, true, 1});
  });
  out.push_back({
    .name = "a suspect sharing the gateway's port: that port is refused",
    .site = shared,
    .suspect = hex_mac(0, 1, 9),
    .caps = switches_writable(shared),
    .policy = {.allow_uplink_cut = true, .act_on_critical = true},
    .verdict = cut_verdict::no_option,
    .option_count = 1,
    .refusals = {{"sw1", cut_action::port_down, "the gateway's own port"}},
    .reason_has = {"the gateway's own port"},
  });
  out.push_back({
    .name = "beside a device on the gateway's port, the other devices are cut "
            "as usual",
    .site = shared,
    .suspect = d(2, 1),
    .caps = switches_writable(shared),
    .verdict = cut_verdict::cut,
    .best = expected_option{"sw2", cut_action::port_down, "10", false, {}, 0},
    .option_count = 2,
  });
  // The AP: the suspect cl(1) on radio0 with SSID "ot".
  auto ap = ap_site({{cl(1), "ot"}, {cl(2), "ot"}},
                    {{cl(3), "ot"}, {cl(4), "guest"}});
  out.push_back({
    .name = "an AP client, deauth supported: client deauth, not SSID off",
    .site = ap,
    .suspect = cl(1),
    .caps = with_caps(ap, {{"ap1", all_ap_cuts}}),
    .verdict = cut_verdict::cut,
    .best = expected_option{"ap1", cut_action::client_deauth, cl(1), false, {}, 0},
    .option_count = 4,
    .refusals = {{"sw1", cut_action::port_down, "uplink cuts are not allowed"}},
  });
  out.push_back({
    .name = "an AP without deauth: SSID off cuts 2 across both radios, "
            "radio off 1: radio off",
    .site = ap,
    .suspect = cl(1),
    .caps = with_caps(ap, {{"ap1", {cut_action::ssid_off, cut_action::radio_off}}}),
    .verdict = cut_verdict::cut,
    .best = expected_option{"ap1", cut_action::radio_off, "radio0", false, {cl(2)}, 2},
    .option_count = 4,
    .refusals = {{"ap1", cut_action::client_deauth, "ap1 cannot client_deauth"}},
  });
  auto ap_ssid_smaller = ap_site({{cl(1), "ot"}, {cl(2), "guest"}, {cl(3), "guest"}},
                                 {{cl(4), "ot"}});
  out.push_back({
    .name = "an AP without deauth: SSID off cuts 1, radio off 2: SSID off",
    .site = ap_ssid_smaller,
    .suspect = cl(1),
    .caps = with_caps(ap_ssid_smaller,
                      {{"ap1", {cut_action::ssid_off, cut_action::radio_off}}}),
    .verdict = cut_verdict::cut,
    .best = expected_option{"ap1", cut_action::ssid_off, "ot", false, {cl(4)}, 2},
    .option_count = 4,
  });
  auto ap_weighted = with(ap_ssid_smaller, [](gen_site& s) {
    s.client(cl(4)).level = criticality::high;
  });
  out.push_back({
    .name = "weighted: SSID off cuts one high device (5), radio off two "
            "normal ones (4): radio off",
    .site = ap_weighted,
    .suspect = cl(1),
    .caps = with_caps(ap_weighted,
                      {{"ap1", {cut_action::ssid_off, cut_action::radio_off}}}),
    .verdict = cut_verdict::cut,
    .best = expected_option{"ap1", cut_action::radio_off, "radio0", false,
                            {cl(2), cl(3)}, 4},
    .option_count = 4,
  });
  auto ap_tie = ap_site({{cl(1), "ot"}, {cl(2), "ot"}}, {{cl(3), "guest"}});
  out.push_back({
    .name = "a tie between SSID off and radio off: SSID off",
    .site = ap_tie,
    .suspect = cl(1),
    .caps = with_caps(ap_tie, {{"ap1", {cut_action::radio_off, cut_action::ssid_off}}}),
    .verdict = cut_verdict::cut,
    .best = expected_option{"ap1", cut_action::ssid_off, "ot", false, {cl(2)}, 2},
    .option_count = 4,
  });
  auto ap_crowd = [] {
    std::vector<gen_client> radio0{{cl(1), "ot"}};
    for (unsigned j = 10; j < 61; ++j)
      radio0.push_back({cl(j), "guest"});
    return ap_site(std::move(radio0), {{cl(2), "ot", criticality::critical}});
  }();
  auto crowd = [] {
    std::vector<std::string> out;
    for (unsigned j = 10; j < 61; ++j)
      out.push_back(cl(j));
    return out;
  }();
  out.push_back({
    .name = "an option that cuts no critical device beats a lighter one "
            "that does (radio off: 51 normal, 102; SSID off: 1 critical, 100)",
    .site = ap_crowd,
    .suspect = cl(1),
    .caps = with_caps(ap_crowd, {{"ap1", {cut_action::ssid_off, cut_action::radio_off}}}),
    .verdict = cut_verdict::cut,
    .best = expected_option{"ap1", cut_action::radio_off, "radio0", false, crowd, 102},
    .option_count = 4,
  });
  out.push_back({
    .name = "an AP that can cut nothing, uplink allowed: the switch port of "
            "the AP, cutting every other client but not the switch's device",
    .site = ap,
    .suspect = cl(1),
    .caps = switches_writable(ap),
    .policy = {.allow_uplink_cut = true},
    .verdict = cut_verdict::cut,
    .best = expected_option{"sw1", cut_action::port_down, "5", true,
                            {cl(2), cl(3), cl(4)}, 6},
    .option_count = 4,
    .refusals = {{"ap1", cut_action::client_deauth, "ap1 cannot client_deauth"},
                 {"ap1", cut_action::ssid_off, "ap1 cannot ssid_off"},
                 {"ap1", cut_action::radio_off, "ap1 cannot radio_off"}},
  });
  out.push_back({
    .name = "an AP that can cut nothing, uplink not allowed: no option",
    .site = ap,
    .suspect = cl(1),
    .caps = switches_writable(ap),
    .verdict = cut_verdict::no_option,
    .option_count = 4,
    .refusals = {{"sw1", cut_action::port_down, "uplink cuts are not allowed"}},
  });
  auto s3 = star(3, 2);
  out.push_back({
    .name = "a star: a leaf without cuts is cut at its core port; the other "
            "leaves keep their path",
    .site = s3,
    .suspect = d(3, 1),
    .caps = switches_writable(s3, {"sw3"}),
    .policy = {.allow_uplink_cut = true},
    .verdict = cut_verdict::cut,
    .best = expected_option{"sw1", cut_action::port_down, "3", true, {d(3, 2)}, 2},
    .option_count = 2,
  });
  return out;
}

} // namespace

class cut_planner_table : public ::testing::TestWithParam<plan_case> {};

TEST_P(cut_planner_table, plans) {
  const auto& c = GetParam();
  auto graph = graph_of(c.site);
  auto plan = plan_cut(graph, c.suspect, c.caps, c.not_healthy, c.policy);
  SCOPED_TRACE(plan.to_json().dump(2));
  EXPECT_EQ(plan.verdict, c.verdict);
  EXPECT_EQ(plan.chosen.has_value(), c.verdict == cut_verdict::cut);
  EXPECT_EQ(plan.options.size(), c.option_count);
  if (c.best) {
    ASSERT_FALSE(plan.options.empty());
    const auto& b = plan.options.front();
    EXPECT_TRUE(b.eligible()) << b.refused;
    EXPECT_EQ(b.element_id, c.best->element);
    EXPECT_EQ(b.action, c.best->action);
    EXPECT_EQ(b.target, c.best->target);
    EXPECT_EQ(b.uplink, c.best->uplink);
    EXPECT_EQ(b.cut_off, sorted(c.best->cut_off));
    EXPECT_EQ(b.impact, c.best->impact);
    EXPECT_EQ(b.cuts_critical, c.best->cuts_critical);
    if (plan.chosen) {
      EXPECT_EQ(plan.chosen->to_json(), b.to_json());
    }
  } else if (!plan.options.empty()) {
    EXPECT_FALSE(plan.options.front().eligible());
  }
  for (const auto& r : c.refusals) {
    auto o = std::find_if(plan.options.begin(), plan.options.end(),
                          [&](const cut_option& x) {
                            return x.element_id == r.element && x.action == r.action;
                          });
    ASSERT_NE(o, plan.options.end()) << r.element << " " << network::to_string(r.action);
    EXPECT_NE(o->refused.find(r.because), std::string::npos)
      << r.element << ": \"" << o->refused << "\" lacks \"" << r.because << "\"";
  }
  for (const auto& part : c.reason_has)
    EXPECT_NE(plan.reason.find(part), std::string::npos)
      << "\"" << plan.reason << "\" lacks \"" << part << "\"";
  EXPECT_FALSE(plan.reason.empty());
}

INSTANTIATE_TEST_SUITE_P(rows, cut_planner_table, ::testing::ValuesIn(cases()),
                         [](const auto& info) {
                           std::string n = std::to_string(info.index) + "_";
                           for (const char* p = info.param.name; *p != 0 && n.size() < 60; ++p)
                             n += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
                           return n;
                         });

// The generator builds the topologies the rows assume.
TEST(cut_planner_generator, places_devices_as_intended) {
  auto g = graph_of(chain(4, 2));
  ASSERT_TRUE(g.gateway_attachment());
  EXPECT_EQ(*g.gateway_attachment(), (topology::port_ref{"sw1", 1}));
  auto p = g.path_to_gateway(d(3, 1));
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, (std::vector<topology::hop>{{"sw3", 10, 1}, {"sw2", 2, 1}, {"sw1", 2, 1}}));
  EXPECT_TRUE(g.unreachable_devices().empty());
  auto lldp = with(chain(4, 2), [](gen_site& s) { s.gateway_by_lldp = true; });
  EXPECT_EQ(*graph_of(lldp).path_to_gateway(d(4, 2)),
            (std::vector<topology::hop>{{"sw4", 11, 1}, {"sw3", 2, 1}, {"sw2", 2, 1}, {"sw1", 2, 1}}));
  auto ap = graph_of(ap_site({{cl(1), "ot"}}, {{cl(3), "guest"}}));
  ASSERT_TRUE(ap.path_to_gateway(cl(3)));
  EXPECT_EQ(*ap.path_to_gateway(cl(3)),
            (std::vector<topology::hop>{{"ap1", 2, 0}, {"sw1", 5, 1}}));
  EXPECT_EQ(ap.devices().at(cl(3)).ssid, "guest");
  EXPECT_EQ(ap.elements().at("ap1").ports.at(2), "radio1");
  auto shared = with(chain(2, 1), [](gen_site& s) {
    s.at("sw1").devices.push_back({hex_mac(0, 1, 9), criticality::normal, true, 1});
  });
  auto gs = graph_of(shared);
  EXPECT_EQ(*gs.gateway_attachment(), (topology::port_ref{"sw1", 1}));
  EXPECT_EQ(gs.devices().at(hex_mac(0, 1, 9)).attached, (topology::port_ref{"sw1", 1}));
  auto st = graph_of(star(3, 1));
  EXPECT_EQ(*st.path_to_gateway(d(4, 1)),
            (std::vector<topology::hop>{{"sw4", 10, 1}, {"sw1", 4, 1}}));
}

TEST(cut_planner, weights_and_names) {
  EXPECT_EQ(impact_weight(criticality::low), 1);
  EXPECT_EQ(impact_weight(criticality::normal), 2);
  EXPECT_EQ(impact_weight(criticality::high), 5);
  EXPECT_EQ(impact_weight(criticality::critical), 100);
  EXPECT_STREQ(to_string(cut_verdict::cut), "cut");
  EXPECT_STREQ(to_string(cut_verdict::ask_human), "ask_human");
  EXPECT_STREQ(to_string(cut_verdict::no_option), "no_option");
}

TEST(cut_planner, json_shape) {
  auto site = ap_site({{cl(1), "ot"}, {cl(2), "ot"}}, {{cl(3), "ot"}});
  auto caps = with_caps(site, {{"ap1", all_ap_cuts}});
  auto j = plan_cut(graph_of(site), cl(1), caps, {}, {}).to_json();
  EXPECT_EQ(j["verdict"], "cut");
  ASSERT_TRUE(j["reason"].is_string());
  ASSERT_TRUE(j["chosen"].is_object());
  EXPECT_EQ(j["chosen"]["element"], "ap1");
  EXPECT_EQ(j["chosen"]["action"], "client_deauth");
  EXPECT_EQ(j["chosen"]["target"], cl(1));
  EXPECT_EQ(j["chosen"]["port"], 1);
  EXPECT_EQ(j["chosen"]["hop"], 0);
  EXPECT_EQ(j["chosen"]["uplink"], false);
  EXPECT_EQ(j["chosen"]["cut_off"], nlohmann::json::array());
  EXPECT_EQ(j["chosen"]["impact"], 0);
  EXPECT_EQ(j["chosen"]["eligible"], true);
  EXPECT_EQ(j["chosen"]["refused"], "");
  ASSERT_TRUE(j["options"].is_array());
  ASSERT_EQ(j["options"].size(), 4u);
  EXPECT_EQ(j["options"][0], j["chosen"]);
  // ssid_off (cuts cl2, cl3) before radio_off (cl2 only)? No: radio_off is
  // lighter (2 < 4); then ssid_off, then the refused uplink.
  EXPECT_EQ(j["options"][1]["action"], "radio_off");
  EXPECT_EQ(j["options"][1]["target"], "radio0");
  EXPECT_EQ(j["options"][1]["cut_off"], (nlohmann::json{cl(2)}));
  EXPECT_EQ(j["options"][2]["action"], "ssid_off");
  EXPECT_EQ(j["options"][2]["cut_off"], (nlohmann::json{cl(2), cl(3)}));
  EXPECT_EQ(j["options"][2]["impact"], 4);
  EXPECT_EQ(j["options"][3]["action"], "port_down");
  EXPECT_EQ(j["options"][3]["target"], "5");
  EXPECT_EQ(j["options"][3]["uplink"], true);
  EXPECT_EQ(j["options"][3]["eligible"], false);
  EXPECT_EQ(j["options"][3]["refused"], "uplink cuts are not allowed");
  for (const auto& o : j["options"]) {
    EXPECT_EQ(o.size(), 11u) << o.dump();
    EXPECT_TRUE(o["cuts_critical"].is_boolean());
    EXPECT_TRUE(o["impact"].is_number_integer());
  }
  // No cut: "chosen" is null.
  auto none = plan_cut(graph_of(site), "02:ab:00:00:99:99", caps, {}, {}).to_json();
  EXPECT_EQ(none["verdict"], "no_option");
  EXPECT_TRUE(none["chosen"].is_null());
  EXPECT_EQ(none["options"], nlohmann::json::array());
}

TEST(cut_planner, deterministic_over_report_order) {
  auto site = with(star(3, 3), [](gen_site& s) {
    s.device(d(3, 3)).level = criticality::critical;
  });
  auto caps = switches_writable(site, {"sw3"});
  cut_policy policy{.allow_uplink_cut = true};
  auto reports = reports_of(site);
  auto forward = topology::topology_graph::merge(reports, known_of(site), gw);
  std::reverse(reports.begin(), reports.end());
  auto backward = topology::topology_graph::merge(reports, known_of(site), gw);
  auto a = plan_cut(forward, d(3, 1), caps, {d(2, 1)}, policy).to_json();
  auto b = plan_cut(backward, d(3, 1), caps, {d(2, 1)}, policy).to_json();
  EXPECT_EQ(a, b);
  EXPECT_EQ(a["verdict"], "ask_human");
}

// -- invariants over generated daisy chains ----------------------------------

namespace {

/// A small deterministic generator (std::mt19937 is specified bit for bit;
/// the standard distributions are not).
struct dice {
  std::mt19937 gen;
  unsigned operator()(unsigned n) {
    return static_cast<unsigned>(gen() % n);
  }
};

criticality random_level(dice& roll) {
  switch (roll(10)) {
    case 0:
      return criticality::critical;
    case 1:
    case 2:
      return criticality::high;
    case 3:
    case 4:
      return criticality::low;
    default:
      return criticality::normal;
  }
}

} // namespace

TEST(cut_planner_sweep, chains_of_one_to_eight_switches) {
  dice roll{std::mt19937{20240611u}};
  std::map<cut_verdict, int> seen;
  int plans = 0;
  for (unsigned n = 1; n <= 8; ++n) {
    for (int round = 0; round < 40; ++round) {
      auto site = chain(n, 0);
      site.gateway_by_lldp = roll(2) == 0;
      // Devices per switch 0..3, random criticality, some not onboarded.
      for (unsigned i = 1; i <= n; ++i) {
        unsigned k = roll(4);
        for (unsigned j = 1; j <= k; ++j)
          site.elements[i - 1].devices.push_back({d(i, j), random_level(roll), roll(6) != 0});
      }
      unsigned m = 1 + roll(n); // the suspect's switch
      auto& home = site.elements[m - 1].devices;
      if (home.empty())
        home.push_back({d(m, 1), random_level(roll), true});
      const unsigned suspect_index = roll(static_cast<unsigned>(home.size()));
      const auto suspect = home[suspect_index].mac;
      capability_map caps;
      for (unsigned i = 1; i <= n; ++i)
        if (roll(2) == 0)
          caps["sw" + std::to_string(i)] = {cut_action::port_down};
      cut_policy policy{roll(2) == 0, roll(3) == 0};
      std::set<std::string> not_healthy;
      for (const auto& e : site.elements)
        for (const auto& x : e.devices)
          if (roll(8) == 0)
            not_healthy.insert(x.mac);
      auto graph = graph_of(site);
      auto path = graph.path_to_gateway(suspect);
      ASSERT_TRUE(path);
      ASSERT_EQ(path->size(), m);
      auto plan = plan_cut(graph, suspect, caps, not_healthy, policy);
      SCOPED_TRACE("n=" + std::to_string(n) + " round=" + std::to_string(round)
                   + " suspect=" + suspect + "\n" + plan.to_json().dump(1));
      ++plans;
      ++seen[plan.verdict];
      // The oracle, from the generator's knowledge: a port_down at switch
      // e < m (its port 2) cuts every healthy device on switches e+1..n; the
      // access port at m cuts nobody.
      struct expect {
        std::vector<std::string> cut_off;
        std::int64_t impact = 0;
        bool critical = false;
        bool eligible = false;
      };
      std::map<unsigned, expect> oracle;
      for (unsigned e = 1; e <= m; ++e) {
        auto& x = oracle[e];
        x.eligible = caps.count("sw" + std::to_string(e)) > 0
                     && (e == m || policy.allow_uplink_cut);
        if (e == m)
          continue;
        for (unsigned i = e + 1; i <= n; ++i)
          for (const auto& dev : site.elements[i - 1].devices) {
            if (dev.mac == suspect || not_healthy.count(dev.mac) > 0)
              continue;
            x.cut_off.push_back(dev.mac);
            x.impact += impact_weight(dev.known ? dev.level : criticality::low);
            x.critical = x.critical || (dev.known && dev.level == criticality::critical);
          }
        std::sort(x.cut_off.begin(), x.cut_off.end());
      }
      ASSERT_EQ(plan.options.size(), m);
      for (const auto& o : plan.options) {
        ASSERT_EQ(o.action, cut_action::port_down);
        unsigned e = static_cast<unsigned>(std::stoul(o.element_id.substr(2)));
        ASSERT_TRUE(oracle.count(e) > 0) << o.element_id;
        const auto& x = oracle[e];
        EXPECT_EQ(o.uplink, e != m);
        EXPECT_EQ(o.hop_index, m - e);
        EXPECT_EQ(o.target, e == m ? std::to_string(10 + suspect_index) : std::string{"2"});
        EXPECT_EQ(o.cut_off, x.cut_off) << o.element_id;
        EXPECT_EQ(o.impact, x.impact) << o.element_id;
        EXPECT_EQ(o.cuts_critical, x.critical) << o.element_id;
        EXPECT_EQ(o.eligible(), x.eligible) << o.element_id << ": " << o.refused;
        // The invariants of the contract, whatever the oracle says.
        EXPECT_EQ(std::count(o.cut_off.begin(), o.cut_off.end(), suspect), 0);
        for (const auto& mac : o.cut_off)
          EXPECT_EQ(not_healthy.count(mac), 0u) << mac;
        EXPECT_TRUE(std::is_sorted(o.cut_off.begin(), o.cut_off.end()));
        EXPECT_FALSE(o.element_id == "sw1" && o.port_id == 1 && o.eligible())
          << "the gateway's port is eligible";
      }
      // Eligible options first, access-level before uplink.
      for (std::size_t i = 1; i < plan.options.size(); ++i) {
        const auto& a = plan.options[i - 1];
        const auto& b = plan.options[i];
        EXPECT_FALSE(!a.eligible() && b.eligible());
        if (a.eligible() && b.eligible()) {
          EXPECT_FALSE(a.uplink && !b.uplink);
        }
      }
      // The expected choice: the access port if eligible, else the eligible
      // uplink with no critical device, least impact, closest.
      std::optional<unsigned> best;
      auto key = [&](unsigned e) {
        return std::tuple{oracle[e].critical, oracle[e].impact, m - e};
      };
      if (oracle[m].eligible) {
        best = m;
      } else {
        for (unsigned e = 1; e < m; ++e)
          if (oracle[e].eligible && (!best || key(e) < key(*best)))
            best = e;
      }
      if (!best) {
        EXPECT_EQ(plan.verdict, cut_verdict::no_option);
      } else if (oracle[*best].critical && !policy.act_on_critical) {
        EXPECT_EQ(plan.verdict, cut_verdict::ask_human);
        EXPECT_EQ(plan.options.front().element_id, "sw" + std::to_string(*best));
      } else {
        EXPECT_EQ(plan.verdict, cut_verdict::cut);
        ASSERT_TRUE(plan.chosen);
        EXPECT_EQ(plan.chosen->element_id, "sw" + std::to_string(*best));
      }
      // The invariants of the choice, stated on the plan alone.
      if (plan.chosen) {
        const auto& c = *plan.chosen;
        EXPECT_EQ(plan.verdict, cut_verdict::cut);
        EXPECT_TRUE(c.eligible());
        EXPECT_TRUE(!c.cuts_critical || policy.act_on_critical);
        for (const auto& o : plan.options) {
          if (!o.eligible())
            continue;
          if (c.uplink) {
            EXPECT_TRUE(o.uplink) << "an eligible access-level option was passed over";
          }
          if (o.uplink == c.uplink) {
            EXPECT_FALSE((std::pair{o.cuts_critical, o.impact}
                          < std::pair{c.cuts_critical, c.impact}))
              << o.element_id << " beats the chosen " << c.element_id;
          }
        }
      } else if (plan.verdict == cut_verdict::ask_human) {
        EXPECT_FALSE(policy.act_on_critical);
        const bool uplink_class = plan.options.front().uplink;
        for (const auto& o : plan.options)
          if (o.eligible() && o.uplink == uplink_class) {
            EXPECT_TRUE(o.cuts_critical) << o.element_id;
          }
      } else {
        for (const auto& o : plan.options)
          EXPECT_FALSE(o.eligible()) << o.element_id;
      }
    }
  }
  EXPECT_EQ(plans, 320);
  // The sweep reaches every verdict.
  EXPECT_GT(seen[cut_verdict::cut], 0);
  EXPECT_GT(seen[cut_verdict::ask_human], 0);
  EXPECT_GT(seen[cut_verdict::no_option], 0);
}
