#pragma once

// The netns factory lab (tools/kagami-lab) for lab tests.
//
//   class my_test : public kagami::lab::lab_test {};   // root check in SetUp
//   TEST_F(my_test, x) {
//     kagami::lab::factory_lab lab;                     // up, with a unique prefix
//     ASSERT_TRUE(lab.is_up()) << lab.up_result().err;
//     auto r = lab.exec("gw", "ping -c1 -W1 " + lab.device("plc-1")["ip"].get<std::string>());
//     EXPECT_EQ(r.exit_code, 0) << r.err;
//   }                                                   // down, always
//
// Contracts:
// - factory_lab runs `tools/kagami-lab up --prefix P --devsim D` in its
//   constructor and `down` in its destructor, also when `up` failed (down is
//   idempotent) -- except when `up` exited with exit_prefix_in_use (4): then
//   P belongs to another lab, which `down` would tear down. The constructor
//   then tries another unique prefix, up to max_prefix_attempts in all; when
//   every one is in use, is_up() is false, up_result() is the last attempt,
//   and neither down() nor the destructor touch anything. P is unique per
//   test process (at most 4 characters, so interface and namespace names
//   stay short); choosing it and taking it are not one step, which is why a
//   collision is detected by `up` and retried.
// - truth() is the parsed /run/kagami-lab/P/lab.json: namespaces, switches
//   (management_ip, communities, ports with ifindex and bridge_port), devices
//   (name, namespace, kind, switch, switch_port, ip, mac, discovery, role,
//   profile). It is empty when up failed.
// - run() and exec() never throw; they return the exit code (124 on timeout,
//   -1 when the command could not be started) and the captured output.
// - Root: lab_test's SetUp fails the test when not root and the environment
//   variable CI is set, and skips it with a message otherwise.
// Everything runs in namespaces the lab created; nothing touches the host's
// own network.

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#ifndef KAGAMI_SOURCE_DIR
#error "KAGAMI_SOURCE_DIR must name the repository (tests/lab/CMakeLists.txt)"
#endif
#ifndef KAGAMI_DEVSIM_EXE
#error "KAGAMI_DEVSIM_EXE must name the kagami-devsim binary (tests/lab/CMakeLists.txt)"
#endif

namespace kagami::lab {

using namespace std::chrono_literals;

/// What a command did.
struct command_result {
  int exit_code = -1; ///< exit status; 128+N for signal N; 124 timeout; -1 not started
  std::string out;    ///< stdout
  std::string err;    ///< stderr
};

/// Quotes `s` for /bin/sh.
inline std::string shell_quote(std::string_view s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'')
      q += "'\\''";
    else
      q += c;
  }
  return q + "'";
}

/// Runs `/bin/sh -c command` with stdin from /dev/null, captures stdout and
/// stderr (each at most 16 MiB), and kills its process group after `timeout`.
inline command_result run(const std::string& command,
                          std::chrono::milliseconds timeout = 60s) {
  command_result r;
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0)
    return r;
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return r;
  }
  pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {out[0], out[1], err[0], err[1]})
      close(fd);
    return r;
  }
  if (pid == 0) {
    setpgid(0, 0);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0)
      dup2(null, STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  setpgid(pid, pid);
  close(out[1]);
  close(err[1]);
  constexpr size_t max_output = 16u << 20;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_fds = 2;
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) {
      timed_out = true;
      kill(-pid, SIGKILL);
      break;
    }
    int n = poll(fds, 2, static_cast<int>(std::min<long>(left.count(), 200)));
    if (n < 0 && errno != EINTR)
      break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      char buf[4096];
      auto got = read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        if (sinks[i]->size() < max_output)
          sinks[i]->append(buf, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0)
      close(f.fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out)
    r.exit_code = 124;
  else if (WIFEXITED(status))
    r.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    r.exit_code = 128 + WTERMSIG(status);
  return r;
}

/// The repository and the simulator binary, from the build.
inline std::string source_dir() {
  return KAGAMI_SOURCE_DIR;
}
inline std::string lab_script() {
  return source_dir() + "/tools/kagami-lab";
}
inline std::string devsim_exe() {
  return KAGAMI_DEVSIM_EXE;
}

/// A prefix no other lab of this machine uses: "t" + 3 base-36 characters
/// from the pid and a per-process counter, skipping prefixes whose state
/// directory exists.
inline std::string unique_prefix() {
  static std::atomic<unsigned> counter{0};
  constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  for (int attempt = 0; attempt < 36 * 36; ++attempt) {
    unsigned v = static_cast<unsigned>(getpid()) * 7u + counter++;
    std::string p = "t";
    p += digits[(v / 1296) % 36];
    p += digits[(v / 36) % 36];
    p += digits[v % 36];
    struct stat sb;
    if (stat(("/run/kagami-lab/" + p).c_str(), &sb) != 0)
      return p;
  }
  return "t000";
}

/// Namespaces whose name starts with `prefix` + "-".
inline std::vector<std::string> namespaces_of(const std::string& prefix) {
  std::vector<std::string> found;
  auto r = run("ip netns list");
  std::istringstream in{r.out};
  std::string line;
  while (std::getline(in, line)) {
    auto name = line.substr(0, line.find(' '));
    if (name.rfind(prefix + "-", 0) == 0)
      found.push_back(name);
  }
  return found;
}

/// Live (non-zombie) processes whose command line names the lab's state
/// directory; every process the lab starts does.
inline std::string processes_of(const std::string& prefix) {
  // "[t]123" matches "t123" but not this pgrep's own command line.
  auto pattern = "/run/kagami-lab/[" + prefix.substr(0, 1) + "]" + prefix.substr(1) + "/";
  return run("pgrep -a -f " + shell_quote(pattern)).out;
}

/// One line of `snmpwalk -On` / `snmpget -On` output.
struct snmp_value {
  std::string oid;   ///< ".1.3.6..."
  std::string type;  ///< "INTEGER", "STRING", "Hex-STRING", ...
  std::string value; ///< the text after "TYPE: ", quotes removed
};

/// Parses `-On` output; continuation lines of long values are appended.
inline std::vector<snmp_value> parse_snmp(const std::string& text) {
  std::vector<snmp_value> rows;
  std::istringstream in{text};
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty())
      continue;
    auto eq = line.find(" = ");
    if (line[0] != '.' || eq == std::string::npos) {
      if (!rows.empty())
        rows.back().value += " " + line;
      continue;
    }
    snmp_value v;
    v.oid = line.substr(0, eq);
    auto rest = line.substr(eq + 3);
    auto colon = rest.find(": ");
    if (colon != std::string::npos) {
      v.type = rest.substr(0, colon);
      v.value = rest.substr(colon + 2);
    } else {
      v.value = rest;
    }
    if (v.value.size() >= 2 && v.value.front() == '"' && v.value.back() == '"')
      v.value = v.value.substr(1, v.value.size() - 2);
    while (!v.value.empty() && v.value.back() == ' ')
      v.value.pop_back();
    rows.push_back(std::move(v));
  }
  return rows;
}

/// The exit status of `kagami-lab up` when the prefix is in use
/// (tools/kagami-lab.md): nothing was built, and `down` must not run.
inline constexpr int exit_prefix_in_use = 4;

/// A lab, up from construction to destruction.
class factory_lab {
public:
  struct options {
    std::string prefix = unique_prefix();
    std::string devsim = devsim_exe();
    std::chrono::milliseconds up_timeout = 120s;
    /// Prefixes tried in all when `up` finds one in use (the first is
    /// `prefix`, the others from unique_prefix()). 1: `prefix` only.
    int max_prefix_attempts = 5;
  };

  factory_lab() : factory_lab(options{}) {
  }

  explicit factory_lab(options opts) : opts_(std::move(opts)) {
    for (int attempt = 1;; ++attempt) {
      up_ = run(command("up"), opts_.up_timeout);
      if (up_.exit_code != exit_prefix_in_use) {
        owned_ = true;
        break;
      }
      if (attempt >= opts_.max_prefix_attempts)
        break;
      opts_.prefix = unique_prefix();
    }
    if (up_.exit_code == 0) {
      std::ifstream in{state_dir() + "/lab.json"};
      truth_ = nlohmann::json::parse(in, nullptr, false);
      if (truth_.is_discarded())
        truth_ = nlohmann::json{};
    }
  }

  factory_lab(const factory_lab&) = delete;
  factory_lab& operator=(const factory_lab&) = delete;

  ~factory_lab() {
    if (owned_)
      down();
  }

  /// Runs `down` (again); idempotent. Runs nothing when every prefix tried
  /// was in use (the prefix is another lab's): the result then has
  /// exit_prefix_in_use and says so in `err`.
  command_result down() {
    if (!owned_) {
      command_result r;
      r.exit_code = exit_prefix_in_use;
      r.err = "factory_lab: prefix " + opts_.prefix + " is another lab's; not taking it down";
      return r;
    }
    return run(command("down"), 60s);
  }

  /// False when every prefix tried was in use: this object never built a
  /// lab and tears nothing down.
  bool owns_prefix() const {
    return owned_;
  }

  bool is_up() const {
    return up_.exit_code == 0 && truth_.is_object();
  }
  const command_result& up_result() const {
    return up_;
  }
  const std::string& prefix() const {
    return opts_.prefix;
  }
  std::string state_dir() const {
    return "/run/kagami-lab/" + opts_.prefix;
  }
  const nlohmann::json& truth() const {
    return truth_;
  }

  /// "gw" -> "P-gw"; a name that already carries the prefix is kept.
  std::string ns(std::string_view name) const {
    std::string n{name};
    if (n.rfind(opts_.prefix + "-", 0) == 0)
      return n;
    return opts_.prefix + "-" + n;
  }

  /// The lab.json object of device `name`; a null json if there is none.
  const nlohmann::json& device(std::string_view name) const {
    static const nlohmann::json none;
    if (!truth_.contains("devices"))
      return none;
    for (auto& d : truth_["devices"])
      if (d.value("name", "") == name)
        return d;
    return none;
  }

  /// The lab.json object of switch `name` ("sw1", "sw2").
  const nlohmann::json& switch_info(std::string_view name) const {
    static const nlohmann::json none;
    if (!truth_.contains("switches"))
      return none;
    for (auto& s : truth_["switches"])
      if (s.value("name", "") == name)
        return s;
    return none;
  }

  /// Runs `sh -c command` inside namespace `name` ("gw", "plc-1", ...), with
  /// the net-snmp tools set up for numeric OIDs and no files outside the lab.
  command_result exec(std::string_view name, const std::string& command,
                      std::chrono::milliseconds timeout = 30s) const {
    return run("ip netns exec " + shell_quote(ns(name)) + " env MIBS= MIBDIRS=/nonexistent"
                 + " SNMP_PERSISTENT_DIR=" + shell_quote(state_dir() + "/snmp-client")
                 + " SNMPCONFPATH=" + shell_quote(state_dir() + "/snmp-client")
                 + " /bin/sh -c " + shell_quote(command),
               timeout);
  }

  /// snmpget/snmpwalk/snmpset ARGS against switch `sw` from the gateway
  /// namespace, SNMPv2c with `community`, numeric output (-On).
  command_result snmp(std::string_view tool, std::string_view sw,
                      std::string_view community, const std::string& args) const {
    auto ip = switch_info(sw).value("management_ip", std::string{"0.0.0.0"});
    return exec("gw", std::string{tool} + " -v2c -On -t 1 -r 2 -c "
                        + shell_quote(community) + " " + ip + " " + args);
  }

private:
  std::string command(const char* verb) const {
    return shell_quote(lab_script()) + " " + verb + " --prefix " + shell_quote(opts_.prefix)
           + " --devsim " + shell_quote(opts_.devsim);
  }

  options opts_;
  command_result up_;
  nlohmann::json truth_;
  /// `up` ran on a prefix that was not in use: down() may clean it.
  bool owned_ = false;
};

/// Base of lab test fixtures: requires root (fail in CI, skip elsewhere).
class lab_test : public ::testing::Test {
protected:
  void SetUp() override {
    if (geteuid() == 0)
      return;
    const char* ci = std::getenv("CI");
    std::string why = "lab tests need root: they build network namespaces "
                      "(run: sudo ctest -L lab)";
    if (ci != nullptr && *ci != '\0')
      GTEST_FAIL() << why << "; CI is set, so this is a failure, not a skip";
    else
      GTEST_SKIP() << why;
  }
};

} // namespace kagami::lab
