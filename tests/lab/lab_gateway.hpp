#pragma once

// kagamid in the lab's gateway namespace, as lab tests run it: the lab's site
// config (config/lab/site.json), a data directory of its own under /tmp
// (removed before the first start and on destruction), and any further
// arguments. Needs KAGAMID_BIN and KAGAMI_SOURCE_DIR from the build.

#include <chrono>
#include <fstream>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/integration/child_process.hpp"
#include "tests/lab/lab_fixture.hpp"

#ifndef KAGAMID_BIN
#error "KAGAMID_BIN must name the kagamid binary (tests/lab/CMakeLists.txt)"
#endif

namespace kagami::lab {

/// The lab site config with edits, for one test: it lives in a copy of
/// config/ whose other files link to the real ones (so its relative paths
/// resolve as in the lab site), removed on destruction.
class lab_site_variant {
public:
  lab_site_variant(const std::string& name, const std::function<void(nlohmann::json&)>& edit)
    : root_("/tmp/kagami-site-" + name + "-" + std::to_string(getpid())) {
    auto config = std::string{KAGAMI_SOURCE_DIR} + "/config";
    ok_ = run("rm -rf " + shell_quote(root_) + " && mkdir -p " + shell_quote(root_ + "/lab")
              + " && ln -s " + shell_quote(config + "/models") + " " + shell_quote(root_ + "/models")
              + " && ln -s " + shell_quote(config + "/security") + " "
              + shell_quote(root_ + "/security") + " && ln -s "
              + shell_quote(config + "/lab/vendor-db.json") + " "
              + shell_quote(root_ + "/lab/vendor-db.json"))
            .exit_code
          == 0;
    auto site = nlohmann::json::parse(std::ifstream{std::string{KAGAMI_SOURCE_DIR}
                                                    + "/config/lab/site.json"});
    edit(site);
    std::ofstream{path()} << site.dump(2);
  }
  ~lab_site_variant() {
    run("rm -rf " + shell_quote(root_));
  }
  lab_site_variant(const lab_site_variant&) = delete;
  lab_site_variant& operator=(const lab_site_variant&) = delete;

  /// False when the copy could not be made.
  bool ok() const {
    return ok_;
  }
  std::string path() const {
    return root_ + "/lab/site.json";
  }

private:
  std::string root_;
  bool ok_ = false;
};

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
