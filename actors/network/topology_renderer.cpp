// The Graphviz renderer of the topology: DOT in, SVG out, through libgvc in
// one detached actor (libgvc keeps global state: one layout at a time).

#include <memory>

#include <caf/all.hpp>
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "actors/core/error.hpp"
#include "actors/network/topology_supervisor.hpp"

namespace kagami::network {

namespace {

/// DOT documents larger than this are refused (the views produce ~1 KB per
/// device).
constexpr std::size_t max_dot_bytes = 16 * 1024 * 1024;

struct renderer_state {
  static inline const char* name = "topology_renderer";
  GVC_t* gvc = nullptr;
  ~renderer_state() {
    if (gvc != nullptr)
      gvFreeContext(gvc);
  }
};

caf::expected<std::string> render_svg(GVC_t* gvc, const std::string& dot) {
  if (dot.size() > max_dot_bytes)
    return make_error(ec::invalid_value, "DOT document too large to render");
  std::unique_ptr<Agraph_t, int (*)(Agraph_t*)> g{agmemread(dot.c_str()), agclose};
  if (!g)
    return make_error(ec::invalid_value, "Graphviz cannot read the DOT document");
  if (gvLayout(gvc, g.get(), "dot") != 0)
    return make_error(ec::internal, "Graphviz layout failed");
  char* data = nullptr;
  unsigned int length = 0;
  auto rc = gvRenderData(gvc, g.get(), "svg", &data, &length);
  std::string svg;
  if (rc == 0 && data != nullptr)
    svg.assign(data, length);
  if (data != nullptr)
    gvFreeRenderData(data);
  gvFreeLayout(gvc, g.get());
  if (rc != 0)
    return make_error(ec::internal, "Graphviz SVG rendering failed");
  return svg;
}

using renderer_pointer = topology_renderer_actor::stateful_pointer<renderer_state>;

topology_renderer_actor::behavior_type topology_renderer(renderer_pointer self) {
  agseterr(AGMAX); // errors come back as values, not on stderr
  self->state.gvc = gvContext();
  return {
    [self](render_atom, const std::string& dot) -> caf::result<std::string> {
      if (self->state.gvc == nullptr)
        return make_error(ec::unavailable, "Graphviz is not available");
      auto svg = render_svg(self->state.gvc, dot);
      if (!svg)
        return std::move(svg.error());
      return std::move(*svg);
    },
  };
}

} // namespace

topology_renderer_actor spawn_topology_renderer(caf::actor_system& sys) {
  return sys.spawn<caf::detached>(topology_renderer);
}

} // namespace kagami::network
