// The topology's DOT rendering: the structure of the text for a small graph
// (gateway, clusters, marked nodes), hostile device-reported names that must
// stay inside their labels, and, with graphviz installed, a 50-device site
// rendered by `dot -Tsvg` with every device label in the SVG.

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "actors/network/topology_dot.hpp"

extern char** environ;

using namespace kagami::topology;

namespace {

const std::string gw = "02:00:00:00:00:01";
const std::string hostile_port = "\"];evil[label=\"x";
const std::string hostile_mac = "\"];evil2[label=\"y";

neighbour_report report(std::string id, std::string chassis,
                        std::vector<port_observation> ports,
                        element_kind kind = element_kind::switch_element) {
  return {{std::move(id), kind, std::move(chassis), "192.0.2.1"},
          1000,
          std::move(ports),
          {}};
}

port_observation port(std::uint32_t id, std::vector<lldp_neighbour> lldp,
                      std::vector<std::string> macs,
                      std::vector<ap_client> clients = {},
                      std::string name = {}) {
  if (name.empty())
    name = "p" + std::to_string(id);
  return {id, std::move(name), std::move(lldp), std::move(macs),
          std::move(clients)};
}

/// gw - sw1:1; sw1:2 - sw2:1 (LLDP); sw1:3 hostile port name with device d1;
/// sw2:5 d2 (thing "press\nline" with a newline); sw2:6 - ap1:1 with client
/// c1 on a hostile SSID; sw3/sw4 share a chassis (flagged, unreachable);
/// d9 known but seen nowhere; a hostile "MAC" learned on sw1:4.
topology_graph small_graph() {
  std::vector<neighbour_report> reports{
    report("sw1", "0a:00:00:00:00:01",
           {port(1, {{gw, "eth0"}}, {gw}),
            port(2, {{"0a:00:00:00:00:02", "p1"}}, {}),
            port(3, {}, {"02:00:00:00:10:01"}, {}, hostile_port + "\nx"),
            port(4, {}, {hostile_mac})}),
    report("sw2", "0a:00:00:00:00:02",
           {port(1, {{"0a:00:00:00:00:01", "p2"}}, {}),
            port(5, {}, {"02:00:00:00:10:02"}),
            port(6, {{"0a:00:00:00:00:a1", "p1"}}, {})}),
    report("ap1", "0a:00:00:00:00:a1",
           {port(1, {{"0a:00:00:00:00:02", "p6"}}, {},
                 {{"02:00:00:00:20:01", "Fabrik\\\xc3\x9c\"&"}})},
           element_kind::access_point),
    report("sw3", "0a:00:00:00:00:33", {port(1, {}, {})}),
    report("sw4", "0a:00:00:00:00:33", {port(1, {}, {})}),
  };
  std::vector<device> known{
    {"02:00:00:00:10:01", "thing-1", criticality::normal},
    {"02:00:00:00:10:02", "press\nline", criticality::high},
    {"02:00:00:00:20:01", std::nullopt, criticality::low},
    {"02:00:00:00:10:09", "thing-9", criticality::normal},
  };
  return topology_graph::merge(reports, known, gw);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

/// `line` with the contents of every quoted string removed (`""` left), as
/// a DOT parser tokenizes it; nothing if a quoted string is left open.
std::optional<std::string> outside_quotes(const std::string& line) {
  std::string out;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '\\' && i + 1 < line.size())
        ++i;
      else if (c == '"') {
        quoted = false;
        out += '"';
      }
      continue;
    }
    if (c == '"')
      quoted = true;
    out += c;
  }
  if (quoted)
    return std::nullopt;
  return out;
}

/// The one line that declares a node whose label contains `needle`.
std::string node_line(const std::string& dot, const std::string& needle) {
  std::string found;
  int count = 0;
  for (const auto& l : lines_of(dot))
    if (l.find("[label=") != std::string::npos
        && l.find(" -> ") == std::string::npos
        && l.find(needle) != std::string::npos) {
      found = l;
      ++count;
    }
  EXPECT_EQ(count, 1) << needle;
  return found;
}

TEST(topology_dot, dot_quoted_escapes_every_character_class) {
  struct row {
    std::string in;
    std::string out;
  };
  std::vector<row> rows{
    {"sw1", "\"sw1\""},
    {"a\"b", "\"a\\\"b\""},
    {"a\\b", "\"a\\\\b\""},
    {"a\\", "\"a\\\\\""},
    {"\\N\\G", "\"\\\\N\\\\G\""},
    {"a\nb\r\tc", "\"a b  c\""},
    {"x&lt;", "\"x&amp;lt;\""},
    {"\xc3\x9c", "\"&#220;\""},
    {"\xe2\x82\xac", "\"&#8364;\""},
    {"\xf0\x9f\x98\x80", "\"&#128512;\""},
    {"\xff", "\"&#65533;\""},
    {"\xc3", "\"&#65533;\""},
    {"\xc0\xaf", "\"&#65533;&#65533;\""},
    {"\xed\xa0\x80", "\"&#65533;&#65533;&#65533;\""},
    {std::string("a\0b", 3), "\"a b\""},
    {hostile_port, "\"\\\"];evil[label=\\\"x\""},
  };
  for (const auto& r : rows)
    EXPECT_EQ(dot_quoted(r.in), r.out) << r.in;
  EXPECT_EQ(dot_quoted("abcdef", 3), "\"abc...\"");
  EXPECT_EQ(dot_quoted("\xc3\x9c\xc3\x9c", 1), "\"&#220;...\"");
}

TEST(topology_dot, small_graph_structure) {
  auto g = small_graph();
  dot_marks marks;
  marks.isolated = {"thing-1"};
  marks.rogue = {"02:00:00:00:20:01"}; // c1, the AP client
  auto dot = to_dot(g, marks);

  EXPECT_EQ(dot.rfind("digraph topology {\n", 0), 0u);
  EXPECT_NE(dot.find("rankdir=LR"), std::string::npos);
  EXPECT_NE(dot.find("overlap=false"), std::string::npos);
  EXPECT_NE(dot.find("gw [label=\"gateway\\n" + gw + "\""), std::string::npos);
  EXPECT_NE(dot.find("{ rank=min; gw; }"), std::string::npos);

  // Elements sorted by id: ap1 e0, sw1 e1, sw2 e2, sw3 e3, sw4 e4; one
  // cluster each, plus one for d9 which is seen nowhere.
  for (auto c : {"cluster_e0", "cluster_e1", "cluster_e2", "cluster_e3",
                 "cluster_e4", "cluster_unlocated"})
    EXPECT_NE(dot.find(std::string("subgraph ") + c + " {"), std::string::npos)
      << c;
  EXPECT_EQ(dot.find("cluster_e5"), std::string::npos);
  EXPECT_NE(node_line(dot, "\"ap1\\nap").find("shape=box, style=\"rounded,"),
            std::string::npos);
  EXPECT_NE(node_line(dot, "\"sw1\\nswitch").find("shape=box, style=\"solid,"),
            std::string::npos);

  // The gateway's attachment and the element links, with port names, drawn
  // away from the gateway.
  EXPECT_NE(dot.find("gw -> e1 [headlabel=\"p1\"]"), std::string::npos);
  EXPECT_NE(dot.find("e1 -> e2 [taillabel=\"p2\", headlabel=\"p1\""),
            std::string::npos);
  EXPECT_NE(dot.find("e2 -> e0 [taillabel=\"p6\", headlabel=\"p1\""),
            std::string::npos);

  // Duplicate chassis: orange, the flag listed, unreachable.
  auto sw3 = node_line(dot, "\"sw3\\n");
  EXPECT_NE(sw3.find("color=darkorange"), std::string::npos);
  EXPECT_NE(sw3.find("duplicate chassis id"), std::string::npos);
  EXPECT_NE(sw3.find("unreachable"), std::string::npos);
  EXPECT_EQ(node_line(dot, "\"sw1\\n").find("darkorange"), std::string::npos);

  // Isolated by thing id: red, dashed, in sw1's cluster, with an edge.
  auto d1 = node_line(dot, "thing-1");
  EXPECT_NE(d1.find("color=red"), std::string::npos);
  EXPECT_NE(d1.find("dashed"), std::string::npos);
  EXPECT_NE(d1.find("isolated"), std::string::npos);
  EXPECT_EQ(d1.find("filled"), std::string::npos);

  // Rogue: filled dark red, white text, labelled; the SSID escaped.
  auto c1 = node_line(dot, "02:00:00:00:20:01");
  EXPECT_NE(c1.find("label=\"rogue\\n02:00:00:00:20:01\\np1 / SSID "
                    "Fabrik\\\\&#220;\\\"&amp;\""),
            std::string::npos)
    << c1;
  EXPECT_NE(c1.find("style=\"filled\""), std::string::npos);
  EXPECT_NE(c1.find("fillcolor=\"#8b0000\""), std::string::npos);
  EXPECT_NE(c1.find("fontcolor=white"), std::string::npos);

  // Unreachable (known, seen nowhere): grey, dashed, no edge.
  auto d9 = node_line(dot, "thing-9");
  EXPECT_NE(d9.find("color=grey50"), std::string::npos);
  EXPECT_NE(d9.find("style=\"dashed\""), std::string::npos);
  auto d9_id = d9.substr(d9.find_first_not_of(' '),
                         d9.find(' ', d9.find_first_not_of(' '))
                           - d9.find_first_not_of(' '));
  EXPECT_EQ(dot.find("-> " + d9_id + ";"), std::string::npos);
  // A plain reachable device has an edge from its element and no marks.
  auto d2 = node_line(dot, "press line");
  EXPECT_EQ(d2.find("style="), std::string::npos);
  auto d2_id = d2.substr(4, d2.find(' ', 4) - 4);
  EXPECT_NE(dot.find("e2 -> " + d2_id + ";"), std::string::npos);

  // Deterministic.
  EXPECT_EQ(to_dot(small_graph(), marks), dot);
}

TEST(topology_dot, hostile_names_stay_inside_their_labels) {
  auto dot = to_dot(small_graph(), {{"thing-1"}, {"02:00:00:00:20:01"}});
  // The hostile texts are there, escaped.
  EXPECT_NE(dot.find("\\\"];evil[label=\\\"x x"), std::string::npos);
  EXPECT_NE(dot.find("\\\"];evil2[label=\\\"y"), std::string::npos);
  // Every line is one DOT statement of the expected forms once the quoted
  // strings are emptied, and nothing of the hostile text is outside them.
  const std::regex statement(
    R"(digraph topology \{| *\}|  (graph|node|edge) \[[^\[\]]*\];)"
    R"(|  \{ rank=min; gw; \}|  subgraph cluster_(e\d+|unlocated) \{)"
    R"(|    (style|color|fontcolor|label)=[^;\[\]]*;.*)"
    R"(| +(gw|e\d+|d\d+) \[[^\[\]]*\];)"
    R"(| +(gw|e\d+) -> (e\d+|d\d+)( \[[^\[\]]*\])?;)");
  for (const auto& line : lines_of(dot)) {
    auto bare = outside_quotes(line);
    ASSERT_TRUE(bare) << "open quote: " << line;
    EXPECT_TRUE(std::regex_match(*bare, statement)) << line;
    EXPECT_EQ(bare->find("evil"), std::string::npos) << line;
    for (unsigned char c : line)
      EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "non-ASCII or control: " << line;
  }
}

// --- Rendering with graphviz ------------------------------------------------

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0)
      return true;
  return false;
}

/// Runs `dot -Tsvg -o svg_path dot_path` with stdin from /dev/null and
/// stdout and stderr to `log_path`; returns its wait status, or -1.
int render_svg(const std::string& dot_path, const std::string& svg_path,
               const std::string& log_path) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
  std::vector<std::string> args{"dot", "-Tsvg", "-o", svg_path, dot_path};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "dot", &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0)
    return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return status;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// `dot` rendered by `dot -Tsvg` (files named after `name` in the test's
/// temporary directory, removed after); "" after a reported failure.
/// `log` receives what dot wrote to stdout and stderr.
std::string render(const std::string& dot, const std::string& name,
                   std::string& log) {
  auto base = testing::TempDir() + "/kagami_topology_" + name;
  auto dot_path = base + ".dot", svg_path = base + ".svg", log_path = base + ".log";
  std::ofstream(dot_path, std::ios::binary) << dot;
  int status = render_svg(dot_path, svg_path, log_path);
  log = read_all(log_path);
  std::string svg;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    svg = read_all(svg_path);
  else
    ADD_FAILURE() << "dot failed (" << status << "): " << log;
  for (const auto& f : {dot_path, svg_path, log_path})
    std::remove(f.c_str());
  return svg;
}

/// A 50-device site: gw - sw1:1; sw1:2..5 - sw2..sw5:1 (LLDP from both
/// sides); 9 devices on ports 10..18 of each switch; ap1 on sw5:20 with 5
/// clients. thing-00..thing-49.
topology_graph site_of_50(std::vector<std::string>& thing_ids) {
  std::vector<neighbour_report> reports;
  std::vector<device> known;
  auto chassis = [](int s) { return "0a:00:00:00:00:0" + std::to_string(s); };
  auto mac = [](int n) {
    char buf[18];
    std::snprintf(buf, sizeof buf, "02:00:00:00:%02x:%02x", n / 256, n % 256);
    return std::string(buf);
  };
  int n = 0;
  auto add_device = [&](std::vector<std::string>& learned) {
    char id[16];
    std::snprintf(id, sizeof id, "thing-%02d", n);
    thing_ids.emplace_back(id);
    known.push_back({mac(0x100 + n), std::string(id), criticality::normal});
    learned.push_back(mac(0x100 + n));
    ++n;
  };
  for (int s = 1; s <= 5; ++s) {
    std::vector<port_observation> ports;
    if (s == 1) {
      ports.push_back(port(1, {{gw, "eth0"}}, {gw}));
      for (int peer = 2; peer <= 5; ++peer)
        ports.push_back(port(peer, {{chassis(peer), "p1"}}, {}));
    } else {
      ports.push_back(port(1, {{chassis(1), "p" + std::to_string(s)}}, {}));
    }
    for (std::uint32_t p = 10; p <= 18; ++p) {
      std::vector<std::string> learned;
      add_device(learned);
      ports.push_back(port(p, {}, learned, {}, "ge-0/0/" + std::to_string(p)));
    }
    if (s == 5)
      ports.push_back(port(20, {{"0a:00:00:00:00:a1", "p1"}}, {}));
    reports.push_back(report("sw" + std::to_string(s), chassis(s), ports));
  }
  std::vector<ap_client> clients;
  for (int c = 0; c < 5; ++c) {
    std::vector<std::string> learned;
    add_device(learned);
    clients.push_back({learned.front(), "factory-floor"});
  }
  reports.push_back(report("ap1", "0a:00:00:00:00:a1",
                           {port(1, {{chassis(5), "p20"}}, {}, clients)},
                           element_kind::access_point));
  return topology_graph::merge(reports, known, gw);
}

std::string mac_of(const topology_graph& g, const std::string& thing_id) {
  for (const auto& [mac, d] : g.devices())
    if (d.thing_id == thing_id)
      return mac;
  ADD_FAILURE() << "no device " << thing_id;
  return {};
}

TEST(topology_dot, fifty_device_site_renders_to_svg_with_every_label) {
  if (!on_path("dot")) {
    if (std::getenv("CI") != nullptr)
      FAIL() << "graphviz `dot` is not on PATH (tools/install-deps installs it)";
    GTEST_SKIP() << "graphviz `dot` is not on PATH";
  }
  std::vector<std::string> thing_ids;
  auto g = site_of_50(thing_ids);
  ASSERT_EQ(thing_ids.size(), 50u);
  ASSERT_EQ(g.devices().size(), 50u);
  ASSERT_TRUE(g.unreachable_devices().empty());
  dot_marks marks;
  marks.isolated = {"thing-07"};
  marks.rogue = {mac_of(g, "thing-42")};
  auto dot = to_dot(g, marks);

  std::string log;
  auto svg = render(dot, "50", log);
  ASSERT_NE(svg.find("<svg"), std::string::npos);
  // Graphviz writes '-' as a character reference in SVG text.
  for (std::size_t at; (at = svg.find("&#45;")) != std::string::npos;)
    svg.replace(at, 5, "-");
  for (const auto& id : thing_ids)
    EXPECT_NE(svg.find(">" + id + "</text>"), std::string::npos) << id;
  EXPECT_NE(svg.find(">rogue</text>"), std::string::npos);
  EXPECT_NE(svg.find(">isolated</text>"), std::string::npos);
  EXPECT_NE(svg.find(">gateway</text>"), std::string::npos);
}

TEST(topology_dot, hostile_graph_renders_without_injected_nodes) {
  if (!on_path("dot")) {
    if (std::getenv("CI") != nullptr)
      FAIL() << "graphviz `dot` is not on PATH (tools/install-deps installs it)";
    GTEST_SKIP() << "graphviz `dot` is not on PATH";
  }
  auto dot = to_dot(small_graph(), {{"thing-1"}, {"02:00:00:00:20:01"}});
  std::string log;
  auto svg = render(dot, "hostile", log);
  ASSERT_NE(svg.find("<svg"), std::string::npos);
  // Graphviz titles every node with its id: only generated ids exist.
  const std::regex title("<title>([^<]*)</title>");
  const std::regex generated(R"(topology|gw|e\d+|d\d+|cluster_(e\d+|unlocated))"
                             R"(|(gw|e\d+)&#45;&gt;(e\d+|d\d+))");
  int titles = 0;
  for (std::sregex_iterator it(svg.begin(), svg.end(), title), end; it != end;
       ++it, ++titles)
    EXPECT_TRUE(std::regex_match((*it)[1].str(), generated)) << (*it)[1];
  EXPECT_GT(titles, 10);
  EXPECT_EQ(log, ""); // no warning (e.g. about bad UTF-8)
}

} // namespace
