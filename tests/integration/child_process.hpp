#pragma once

// Test helper: runs a program (kagamid, kagami-devsim) as a child process,
// waits for its "READY <address>" line on stdout, and stops or kills it.
// The child's stderr goes to the test's stderr. Linux only.

#include <chrono>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kagami::test {

class child_process {
public:
  child_process() = default;
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process() { kill_hard(); }

  /// Starts `argv` and waits up to `timeout` for a line "READY <x>"; returns
  /// <x>, or nullopt when the child exits or stays silent. `output` collects
  /// every stdout line read before READY.
  std::optional<std::string> start(const std::vector<std::string>& argv,
                                   std::chrono::milliseconds timeout
                                   = std::chrono::seconds(20)) {
    int fds[2];
    if (pipe(fds) != 0)
      return std::nullopt;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> args;
      for (auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string line;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0)
        continue;
      char c;
      auto n = read(out_, &c, 1);
      if (n <= 0)
        return std::nullopt;
      if (c != '\n') {
        line += c;
        continue;
      }
      output += line + "\n";
      if (line.rfind("READY ", 0) == 0)
        return line.substr(6);
      line.clear();
    }
    return std::nullopt;
  }

  /// Sends SIGTERM and waits up to `timeout`; returns the exit status, or -1.
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    if (pid_ <= 0)
      return -1;
    ::kill(pid_, SIGTERM);
    return wait_exit(timeout);
  }

  /// SIGKILL, as a crash or power loss would.
  void kill_hard() {
    if (pid_ <= 0)
      return;
    ::kill(pid_, SIGKILL);
    wait_exit(std::chrono::seconds(10));
  }

  /// Waits for the child to exit by itself; returns its exit code, or -1.
  int wait_exit(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pid_ > 0) {
      int status = 0;
      auto r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        if (out_ >= 0)
          close(out_);
        out_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      if (std::chrono::steady_clock::now() > deadline)
        return -1;
      usleep(10000);
    }
    return -1;
  }

  bool running() const { return pid_ > 0; }

  /// Sends `sig` (SIGSTOP to make a device silent, SIGCONT to wake it). For
  /// SIGSTOP, returns once the process is really stopped (state T).
  bool signal(int sig) {
    if (pid_ <= 0 || ::kill(pid_, sig) != 0)
      return false;
    if (sig != SIGSTOP)
      return true;
    for (int i = 0; i < 500; ++i) {
      std::ifstream stat{"/proc/" + std::to_string(pid_) + "/stat"};
      std::string line;
      std::getline(stat, line);
      auto close_paren = line.rfind(')');
      if (close_paren != std::string::npos && close_paren + 2 < line.size()
          && line[close_paren + 2] == 'T')
        return true;
      usleep(2000);
    }
    return false;
  }

  std::string output;

private:
  pid_t pid_ = -1;
  int out_ = -1;
};

} // namespace kagami::test
