#pragma once

// Test helper: runs a shell command line (kagami-audit, openssl, curl, a
// kagamid that must fail) and captures its exit code and output.

#include <cstdio>
#include <string>

#include <sys/wait.h>

namespace kagami::test {

struct command_result {
  int exit_code = -1;
  /// stdout and stderr, interleaved.
  std::string output;
};

/// Runs `cmd` with /bin/sh, stdin from /dev/null, stderr into stdout, and
/// waits for it. The caller quotes arguments (tests pass temp paths and
/// constants). exit_code is -1 when the shell could not start or the command
/// died from a signal.
inline command_result run_shell(const std::string& cmd) {
  command_result r;
  FILE* p = ::popen(("exec 2>&1 </dev/null; " + cmd).c_str(), "r");
  if (p == nullptr)
    return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
    r.output.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

} // namespace kagami::test
