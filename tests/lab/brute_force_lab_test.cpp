// A real attacker tool against kagamid's HTTP Basic authentication (issue 4):
// THC-Hydra's http-get module brute-forces the WoT API of kagamid in the
// netns factory lab (tools/kagami-lab) with config/lab/site.json, whose only
// user "engineer" has a strong password that is in no wordlist.
//
// Where the attacker sits: the lab's attacker namespace is on the OT side
// and has no route to the gateway's app-side address. The test therefore
// adds a namespace of its own, P-hyd (10.99.101.2), linked straight to the
// gateway namespace (hyd0, 10.99.101.1): an attacker on another IT subnet.
// The gateway does not forward (ip_forward=0); it only delivers to its own
// address 10.99.100.1. The legitimate app stays in P-app (10.99.100.2).
//
// What is checked:
// - an unknown user's 401 is the same response, byte for byte, as a known
//   user's 401 with a wrong password;
// - hydra tries every (user, password) pair and finds no valid password
//   (its summary line, its found-lines and its JSON output agree);
// - the source is throttled: most attempts are answered 429 without their
//   password being looked at, and a 429 carries Retry-After;
// - every attempt hydra reports is in the audit trail (kagami-audit query
//   after kagamid stopped) under the user it tried, denied with
//   authn.basic/401 or authn.bruteforce/429; nothing from the attacker was
//   allowed;
// - the app with its API key gets 200 before, during and after the attack;
// - log validation raised a brute_force alert (op "alert").
//
// How hydra 9.4's http-get module reads status codes (hydra-http.c; tried
// with Debian 12's hydra against a stub answering each code): 2xx, 3xx, 403
// and 404 mean "valid password", any other 4xx (401, 429) a wrong one,
// silently; other codes (503) are wrong too, with "[WARNING] Unusual return
// code: 503 for u:a". So hydra counts a throttled attempt (429) as a wrong
// password and never retries it: it reports no false positive against the
// protected /things, but it also cannot tell that most of its guesses were
// never checked. The test therefore judges from the audit trail, not from
// hydra's word alone.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/lab/lab_fixture.hpp"
#include "tests/lab/lab_gateway.hpp"
#include "tests/lab/wot_app_client.hpp"

using namespace std::chrono_literals;
using kagami::lab::app_get;
using kagami::lab::command_result;
using kagami::lab::factory_lab;
using kagami::lab::shell_quote;

namespace {

/// The attacker's own namespace (P-hyd) and addresses.
constexpr const char* attacker_ns_suffix = "hyd";
constexpr const char* attacker_ip = "10.99.101.2";
constexpr const char* attacker_gw_ip = "10.99.101.1";

/// The users hydra tries: the real one and two that do not exist.
const std::vector<std::string> tried_users{"engineer", "maint", "operator1"};

/// ~50 guesses in the style of common wordlists. The real password of
/// "engineer" (config/lab/site.json) is a strong one in no wordlist; which
/// guesses the gateway really verified is read from the audit trail.
std::vector<std::string> make_wordlist() {
  const std::vector<std::string> stems{"password", "admin",  "engineer", "kagami",
                                       "factory",  "plc",    "siemens",  "welcome",
                                       "letmein",  "qwerty", "changeme"};
  std::vector<std::string> words{"123456", "12345678", "000000", "111111", "root",
                                 "toor"};
  for (auto& s : stems) {
    words.push_back(s);
    words.push_back(s + "1");
    words.push_back(s + "123");
    std::string cap = s;
    cap[0] = static_cast<char>(cap[0] - 'a' + 'A');
    words.push_back(cap + "2026!");
  }
  return words;
}

// ---------------------------------------------------------------- hydra

/// What hydra's stdout (with -V) says about one run.
struct hydra_report {
  /// [ATTEMPT] and [RE-ATTEMPT] lines per login: requests hydra sent.
  std::map<std::string, int> attempts;
  /// "[PORT][SERVICE] host: H   login: L   password: P" lines.
  std::vector<std::pair<std::string, std::string>> found;
  /// N of "... N valid password(s) found"; nullopt when the line is missing
  /// (hydra did not finish).
  std::optional<int> valid_found;

  int total_attempts() const {
    int n = 0;
    for (auto& [login, count] : attempts)
      n += count;
    return n;
  }
};

/// The text between `open` and the next `close` after `from`; nullopt when
/// either is missing.
std::optional<std::string> between(const std::string& line, const std::string& open,
                                   const std::string& close, size_t from = 0) {
  auto a = line.find(open, from);
  if (a == std::string::npos)
    return std::nullopt;
  a += open.size();
  auto b = close.empty() ? line.size() : line.find(close, a);
  if (b == std::string::npos)
    return std::nullopt;
  return line.substr(a, b - a);
}

/// Parses hydra 9.4's stdout. Formats (hydra.c): `[ATTEMPT] target T - login
/// "L" - pass "P" - N of M [child C] (x/y)`, the same with [RE-ATTEMPT],
/// `[%d][%s] host: %s   login: %s   password: %s`, and `%d of %d target%s
/// completed, %lu valid password%s found`.
hydra_report parse_hydra_stdout(const std::string& out) {
  hydra_report r;
  std::istringstream in{out};
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("[ATTEMPT] ", 0) == 0 || line.rfind("[RE-ATTEMPT] ", 0) == 0) {
      if (auto login = between(line, " - login \"", "\" - pass \""))
        ++r.attempts[*login];
      continue;
    }
    if (line.rfind("[", 0) == 0 && line.find("] host: ") != std::string::npos) {
      auto login = between(line, "   login: ", "   password: ");
      auto password = between(line, "   password: ", "");
      if (login)
        r.found.emplace_back(*login, password.value_or(""));
      continue;
    }
    auto at = line.find(" valid password");
    if (at != std::string::npos && line.find("target") != std::string::npos) {
      auto start = line.rfind(' ', at - 1);
      start = start == std::string::npos ? 0 : start + 1;
      r.valid_found = std::atoi(line.c_str() + start);
    }
  }
  return r;
}

// ---------------------------------------------------------------- audit

/// The address part of an audit record's source "ADDR:PORT" (IPv4 here).
std::string address_of(const std::string& source) {
  return source.substr(0, source.rfind(':'));
}

/// An HTTP response as curl -i prints it: the status line, the header lines
/// (CR removed) and the body.
struct raw_response {
  int status = 0;
  std::vector<std::string> headers;
  std::string body;

  std::optional<std::string> header(const std::string& name) const {
    for (auto& h : headers) {
      auto colon = h.find(':');
      if (colon == std::string::npos)
        continue;
      auto key = h.substr(0, colon);
      std::transform(key.begin(), key.end(), key.begin(), ::tolower);
      if (key == name)
        return h.substr(h.find_first_not_of(' ', colon + 1));
    }
    return std::nullopt;
  }
};

raw_response parse_curl_i(const std::string& text) {
  raw_response r;
  auto end = text.find("\r\n\r\n");
  auto head = text.substr(0, end);
  r.body = end == std::string::npos ? "" : text.substr(end + 4);
  std::istringstream in{head};
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (first) {
      auto sp = line.find(' ');
      r.status = sp == std::string::npos ? 0 : std::atoi(line.c_str() + sp + 1);
      first = false;
    } else {
      r.headers.push_back(line);
    }
  }
  return r;
}

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

/// P-hyd, linked to the gateway namespace, from construction to
/// destruction (also when a test fails).
class attacker_namespace {
public:
  explicit attacker_namespace(const factory_lab& lab)
      : name_(lab.ns(attacker_ns_suffix)), gw_(lab.ns("gw")) {
    auto q = [](const std::string& s) { return shell_quote(s); };
    setup_ = kagami::lab::run(
      "set -e; ip netns add " + q(name_) + "; ip -n " + q(name_) + " link set lo up; "
      + "ip link add hyd0 netns " + q(gw_) + " type veth peer name eth0 netns " + q(name_)
      + "; ip -n " + q(gw_) + " addr add " + attacker_gw_ip + "/24 dev hyd0; ip -n "
      + q(gw_) + " link set hyd0 up; ip -n " + q(name_) + " addr add " + attacker_ip
      + "/24 dev eth0; ip -n " + q(name_) + " link set eth0 up; ip -n " + q(name_)
      + " route add 10.99.100.0/24 via " + attacker_gw_ip);
  }

  attacker_namespace(const attacker_namespace&) = delete;
  attacker_namespace& operator=(const attacker_namespace&) = delete;

  ~attacker_namespace() {
    auto q = shell_quote(name_);
    // Deleting the namespace deletes the veth pair, hyd0 included.
    kagami::lab::run("for p in $(ip netns pids " + q + " 2>/dev/null); do kill -KILL $p; done; "
                     "ip netns del " + q + " 2>/dev/null; true");
  }

  const command_result& setup() const {
    return setup_;
  }

private:
  std::string name_;
  std::string gw_;
  command_result setup_;
};

class brute_force_lab : public kagami::lab::lab_test {
protected:
  /// GET /things from the attacker namespace with Basic `user`:`password`;
  /// the whole response.
  static raw_response attacker_get(const factory_lab& lab, const std::string& user,
                                   const std::string& password) {
    auto r = lab.exec(attacker_ns_suffix,
                      "curl -s -i -m 10 -u " + shell_quote(user + ":" + password) + " "
                        + std::string{kagami::lab::lab_gateway_url} + "/things",
                      20s);
    return parse_curl_i(r.out);
  }

  /// Every audit record, after kagamid stopped (the data directory is
  /// locked while it runs).
  nlohmann::json audit_records() const {
    auto r = kagami::lab::run(std::string{KAGAMI_AUDIT_BIN} + " query --data-dir "
                                + shell_quote(gateway_.data_dir()) + " --limit 10000",
                              60s);
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    if (r.exit_code != 0 || !j.is_array()) {
      ADD_FAILURE() << "kagami-audit query: " << r.exit_code << " " << r.err;
      return nlohmann::json::array();
    }
    return j;
  }

  kagami::lab::lab_gateway gateway_{"brute-force-lab"};
};

} // namespace

TEST(brute_force_lab_parse, hydra_output) {
  // Lines of hydra v9.4 against this lab, and a found-line in the format of
  // hydra.c ("[%d][%s] host: %s   login: %s   password: %s").
  auto out = "Hydra v9.4 (c) 2022 by van Hauser/THC & David Maciejak - Please do not use\n"
             "[DATA] max 4 tasks per 1 server, overall 4 tasks, 150 login tries (l:3/p:50)\n"
             "[DATA] attacking http-get://10.99.100.1:8080/things\n"
             "[ATTEMPT] target 10.99.100.1 - login \"engineer\" - pass \"pass1\" - 1 of 150 "
             "[child 0] (0/0)\n"
             "[ATTEMPT] target 10.99.100.1 - login \"engineer\" - pass \"pass2\" - 2 of 150 "
             "[child 1] (0/0)\n"
             "[RE-ATTEMPT] target 10.99.100.1 - login \"maint\" - pass \"a - login \" - 3 of "
             "150 [child 2] (0/0)\n"
             "[8080][http-get] host: 10.99.100.1   login: maint   password: hunter2\n"
             "1 of 1 target successfully completed, 1 valid password found\n";
  auto r = parse_hydra_stdout(out);
  EXPECT_EQ(r.attempts, (std::map<std::string, int>{{"engineer", 2}, {"maint", 1}}));
  EXPECT_EQ(r.total_attempts(), 3);
  ASSERT_EQ(r.found.size(), 1u);
  EXPECT_EQ(r.found[0], (std::pair<std::string, std::string>{"maint", "hunter2"}));
  EXPECT_EQ(r.valid_found, 1);

  auto none = parse_hydra_stdout("1 of 1 target completed, 0 valid password found\n");
  EXPECT_EQ(none.valid_found, 0);
  EXPECT_TRUE(none.found.empty());
  EXPECT_FALSE(parse_hydra_stdout("[DATA] attacking\n").valid_found.has_value());
  EXPECT_EQ(parse_hydra_stdout("1 of 1 target completed, 12 valid passwords found\n")
              .valid_found,
            12);
}

TEST(brute_force_lab_parse, curl_response) {
  auto r = parse_curl_i("HTTP/1.1 429 Too Many Requests\r\nServer: kagami\r\n"
                        "Retry-After: 8\r\n\r\n{\"status\":429}");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.header("retry-after"), "8");
  EXPECT_FALSE(r.header("www-authenticate").has_value());
  EXPECT_EQ(r.body, "{\"status\":429}");
}

TEST_F(brute_force_lab, hydra_finds_nothing_is_throttled_and_every_attempt_is_audited) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  attacker_namespace attacker{lab};
  ASSERT_EQ(attacker.setup().exit_code, 0) << attacker.setup().err;
  ASSERT_TRUE(gateway_.start(lab));
  // hydra's files live in the lab's state directory, which `down` removes.
  const auto work_dir = lab.state_dir() + "/hydra";
  ASSERT_EQ(kagami::lab::run("mkdir -p " + shell_quote(work_dir)).exit_code, 0);
  ASSERT_EQ(app_get(lab, "/things").first, 200);

  // 1. A known user with a wrong password and an unknown user get the same
  //    401: status, headers and body. (Two failures; the source's first
  //    five are free.)
  auto known = attacker_get(lab, "engineer", "not-the-password");
  auto unknown = attacker_get(lab, "no-such-user", "not-the-password");
  ASSERT_EQ(known.status, 401) << known.body;
  EXPECT_EQ(unknown.status, 401) << unknown.body;
  EXPECT_EQ(unknown.headers, known.headers);
  EXPECT_EQ(unknown.body, known.body);
  EXPECT_TRUE(known.header("www-authenticate").has_value());

  // 2. hydra: 3 users x ~50 passwords, 4 tasks, stop at the first find.
  auto words = make_wordlist();
  {
    std::ofstream u{work_dir + "/users"};
    for (auto& user : tried_users)
      u << user << "\n";
    std::ofstream w{work_dir + "/words"};
    for (auto& word : words)
      w << word << "\n";
  }
  const int planned = static_cast<int>(tried_users.size() * words.size());

  //    The app reads /things with its API key from P-app while hydra runs.
  std::atomic<bool> attack_over{false};
  std::vector<int> app_during;
  std::thread app{[&] {
    while (!attack_over.load())
      app_during.push_back(app_get(lab, "/things").first);
  }};
  auto hydra_from = wall_ms();
  auto hydra = lab.exec(attacker_ns_suffix,
                        "cd " + shell_quote(work_dir)
                          + " && timeout 90 hydra -L users -P words -t 4 -f -I -V"
                            " -o hydra.json -b json http-get://10.99.100.1:8080/things",
                        100s);
  auto hydra_to = wall_ms();
  attack_over = true;
  app.join();
  std::cout << "[ measure  ] hydra, " << planned << " tries: " << (hydra_to - hydra_from)
            << " ms, exit " << hydra.exit_code << "\n";

  // 3. hydra finished, tried everything and found nothing.
  ASSERT_EQ(hydra.exit_code, 0) << hydra.out << hydra.err;
  auto report = parse_hydra_stdout(hydra.out);
  ASSERT_TRUE(report.valid_found.has_value()) << hydra.out;
  EXPECT_EQ(*report.valid_found, 0) << hydra.out;
  EXPECT_TRUE(report.found.empty()) << hydra.out;
  EXPECT_EQ(report.total_attempts(), planned) << hydra.out;
  for (auto& user : tried_users)
    EXPECT_EQ(report.attempts[user], static_cast<int>(words.size())) << user;
  std::ifstream json_in{work_dir + "/hydra.json"};
  auto hydra_json = nlohmann::json::parse(json_in, nullptr, false);
  ASSERT_TRUE(hydra_json.is_object()) << "hydra -b json output does not parse";
  EXPECT_EQ(hydra_json.value("quantityfound", -1), 0) << hydra_json.dump();
  EXPECT_TRUE(hydra_json["results"].is_array() && hydra_json["results"].empty())
    << hydra_json.dump();
  // A 429 is no "unusual return code" to hydra: it reads it as a wrong
  // password without a word (see the header comment).
  EXPECT_EQ(hydra.err.find("Unusual return code"), std::string::npos) << hydra.err;

  // 4. The source is throttled now: the next attempts get 429 with
  //    Retry-After, without the password being looked at. One 401 first is
  //    possible if a back-off ended just now; that failure starts the next.
  std::optional<raw_response> throttled;
  for (int i = 0; i < 3 && !throttled; ++i) {
    auto r = attacker_get(lab, "probe-after", "probe");
    if (r.status == 429)
      throttled = r;
    else
      EXPECT_EQ(r.status, 401) << r.body;
  }
  ASSERT_TRUE(throttled.has_value());
  auto retry_after = throttled->header("retry-after");
  ASSERT_TRUE(retry_after.has_value());
  EXPECT_GT(std::atoi(retry_after->c_str()), 0) << *retry_after;
  EXPECT_FALSE(throttled->header("www-authenticate").has_value());
  auto problem = nlohmann::json::parse(throttled->body, nullptr, false);
  EXPECT_EQ(problem.value("status", 0), 429) << throttled->body;

  // 5. The app was never locked out: before (above), during and after.
  EXPECT_FALSE(app_during.empty());
  for (auto status : app_during)
    EXPECT_EQ(status, 200);
  EXPECT_EQ(app_get(lab, "/things").first, 200);

  // 6. The audit trail, once kagamid has stopped.
  gateway_.stop();
  auto records = audit_records();
  ASSERT_FALSE(records.empty());
  std::map<std::string, int> audited;            // login -> records of hydra's window
  int verified = 0, throttled_count = 0;         // 401 / 429 in hydra's window
  std::vector<nlohmann::json> alerts;
  const auto app_ip = lab.truth()["app"].value("ip", std::string{"10.99.100.2"});
  int allowed_from_attacker = 0, app_allowed = 0;
  for (auto& rec : records) {
    auto source = address_of(rec.value("source", ""));
    auto op = rec.value("op", "");
    auto subject = rec.value("subject", "");
    auto time = rec.value("time_ms", std::int64_t{0});
    if (op == "alert") {
      alerts.push_back(rec);
      continue;
    }
    if (source == app_ip && rec.value("outcome", "") == "allowed"
        && subject == "app:lab-app")
      ++app_allowed;
    if (source != attacker_ip)
      continue;
    if (rec.value("outcome", "") != "denied")
      ++allowed_from_attacker;
    if (time < hydra_from || time > hydra_to)
      continue;
    // Every request of hydra names the user it tried and is refused by
    // authentication: checked (401) or throttled before checking (429).
    auto check = rec.value("check", "");
    auto status = rec.value("http_status", 0);
    EXPECT_TRUE((check == "authn.basic" && status == 401)
                || (check == "authn.bruteforce" && status == 429))
      << rec.dump();
    ASSERT_EQ(subject.rfind("user:", 0), 0u) << rec.dump();
    ++audited[subject.substr(5)];
    if (status == 401)
      ++verified;
    else
      ++throttled_count;
  }
  EXPECT_EQ(allowed_from_attacker, 0);
  EXPECT_GT(app_allowed, 0);
  // Every attempt hydra reports is in the trail, under the user it tried,
  // and nothing else came from the attacker in that time.
  EXPECT_EQ(audited, report.attempts);
  // Throttled: most guesses were refused before their password was looked
  // at (429), and the verified ones (401) are a small part.
  EXPECT_GT(throttled_count, 0);
  EXPECT_LT(verified, planned / 2) << verified << " of " << planned << " verified";
  std::cout << "[ measure  ] of " << planned << " attempts: " << verified
            << " verified (401), " << throttled_count << " throttled (429)\n";

  // 7. Log validation raised a brute-force alert for the account hydra
  //    attacked, from the attacker's address.
  bool brute_force_alert = false;
  for (auto& a : alerts) {
    auto check = a.value("check", "");
    if ((check == "logcheck.brute_force" || check == "logcheck.password_spraying")
        && address_of(a.value("source", "")) == attacker_ip
        && a.value("subject", "") == "user:engineer")
      brute_force_alert = true;
  }
  EXPECT_TRUE(brute_force_alert) << nlohmann::json(alerts).dump();
}
