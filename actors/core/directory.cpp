#include "actors/core/directory.hpp"

#include <map>
#include <string>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"

namespace kagami {

namespace {

struct directory_entry {
  std::string type;
  std::string key;
  caf::actor handle;
};

struct directory_state {
  static inline const char* name = "directory";
  /// Live entries by actor id.
  std::map<caf::actor_id, directory_entry> entries;
  /// Restart counts by (type, key); they outlive the restarted actor.
  std::map<std::pair<std::string, std::string>, size_t> restarts;
};

directory_actor::behavior_type
directory(directory_actor::stateful_pointer<directory_state> self) {
  self->set_down_handler([self](const caf::down_msg& msg) {
    self->state.entries.erase(msg.source.id());
  });
  return {
    [self](register_atom, const std::string& type, const std::string& key,
           const caf::actor& handle) {
      if (!handle)
        return;
      self->monitor(handle);
      self->state.entries[handle.id()] = directory_entry{type, key, handle};
    },
    [self](restarted_atom, const std::string& type, const std::string& key) {
      ++self->state.restarts[{type, key}];
    },
    [self](list_atom) -> std::string {
      auto out = nlohmann::json::array();
      for (auto& [id, e] : self->state.entries) {
        auto it = self->state.restarts.find({e.type, e.key});
        out.push_back({{"type", e.type},
                       {"key", e.key},
                       {"actorId", id},
                       {"restarts", it == self->state.restarts.end() ? 0 : it->second}});
      }
      return out.dump();
    },
    [self](lookup_atom, const std::string& type,
           const std::string& key) -> caf::result<caf::actor> {
      for (auto& [id, e] : self->state.entries)
        if (e.type == type && e.key == key)
          return e.handle;
      return make_error(ec::not_found, "no live " + type + " '" + key + "'");
    },
  };
}

} // namespace

directory_actor spawn_directory(caf::actor_system& sys) {
  return sys.spawn(directory);
}

} // namespace kagami
