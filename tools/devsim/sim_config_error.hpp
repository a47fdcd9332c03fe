#pragma once

// Why a simulator config was rejected: the file, the JSON pointer of the
// field and the reason, printed as "FILE: FIELD: REASON".

#include <string>

namespace kagami::devsim {

struct sim_config_error {
  std::string file;
  std::string field;
  std::string reason;

  std::string to_string() const {
    return file + ": " + (field.empty() ? std::string{"(root)"} : field) + ": " + reason;
  }
};

} // namespace kagami::devsim
