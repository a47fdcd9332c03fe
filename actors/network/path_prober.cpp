#include "actors/network/path_prober.hpp"

#include <caf/all.hpp>

namespace kagami::network {

namespace {

path_prober_actor::behavior_type path_prober(path_prober_actor::pointer, path_prober_io io) {
  return {
    [io](probe_atom, const std::vector<std::string>& destinations) {
      probe_results out;
      for (const auto& d : destinations)
        out.paths.push_back(io.probe(d));
      if (io.neighbour_table)
        out.mac_by_ip = io.neighbour_table();
      return out;
    },
  };
}

} // namespace

path_prober_actor spawn_path_prober(caf::actor_system& sys, path_prober_io io) {
  return sys.spawn<caf::detached>(path_prober, std::move(io));
}

} // namespace kagami::network
