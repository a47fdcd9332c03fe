#pragma once

// kagamid in the lab's gateway namespace, as lab tests run it: the lab's site
// config (config/lab/site.json), a data directory of its own under /tmp
// (removed before the first start and on destruction), and any further
// arguments. Needs KAGAMID_BIN and KAGAMI_SOURCE_DIR from the build.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include "tests/integration/child_process.hpp"
#include "tests/lab/lab_fixture.hpp"

#ifndef KAGAMID_BIN
#error "KAGAMID_BIN must name the kagamid binary (tests/lab/CMakeLists.txt)"
#endif

namespace kagami::lab {

class lab_gateway {
public:
  /// The data directory is /tmp/kagami-<name>-<pid>.
  explicit lab_gateway(const std::string& name)
    : data_dir_("/tmp/kagami-" + name + "-" + std::to_string(getpid())) {
    run("rm -rf " + shell_quote(data_dir_));
  }

  lab_gateway(const lab_gateway&) = delete;
  lab_gateway& operator=(const lab_gateway&) = delete;

  ~lab_gateway() {
    stop();
    run("rm -rf " + shell_quote(data_dir_));
  }

  /// The lab's own site config.
  static std::string lab_site() {
    return std::string{KAGAMI_SOURCE_DIR} + "/config/lab/site.json";
  }

  /// Starts kagamid in `lab`'s gateway namespace with `extra` arguments and
  /// the site config `site`; false if it never said READY within 30 s.
  bool start(const factory_lab& lab, const std::vector<std::string>& extra = {},
             const std::string& site = lab_site()) {
    std::vector<std::string> argv{"/usr/bin/env", "ip", "netns", "exec", lab.ns("gw"),
                                  KAGAMID_BIN, "--config", site,
                                  "--data-dir", data_dir_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return process_.start(argv, std::chrono::seconds(30)).has_value();
  }

  /// SIGTERM, then its exit code (-1 when it did not stop in 10 s).
  int stop() {
    return process_.stop();
  }

  const std::string& data_dir() const {
    return data_dir_;
  }

private:
  std::string data_dir_;
  kagami::test::child_process process_;
};

} // namespace kagami::lab
