// The embedded demo simulators match the demo device models: every property
// reads with the right JSON type, every writable property and every action
// works through the real adapters, and every event threshold is crossed by
// the simulator's dynamics.

#include "tools/devsim/demo_simulators.hpp"

#include <algorithm>
#include <variant>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "protocols/device_adapter.hpp"
#include "protocols/modbus/register_codec.hpp"

using namespace kagami;
using nlohmann::json;

namespace {

config::site_config demo_site() {
  auto loaded = config::demo_site_config();
  if (auto* err = std::get_if<config::config_error>(&loaded)) {
    ADD_FAILURE() << err->to_string();
    return {};
  }
  return std::get<config::site_config>(loaded);
}

bool has_type(const json& v, config::value_type t) {
  switch (t) {
    case config::value_type::boolean: return v.is_boolean();
    case config::value_type::integer: return v.is_number_integer();
    case config::value_type::number: return v.is_number();
    case config::value_type::string: return v.is_string();
  }
  return false;
}

json sample_input(const config::data_schema& s) {
  if (!s.enumeration.empty())
    return s.enumeration.front();
  double lo = s.minimum.value_or(0);
  double hi = s.maximum.value_or(lo + 10);
  switch (s.type) {
    case config::value_type::boolean: return true;
    case config::value_type::integer: return static_cast<int64_t>((lo + hi) / 2);
    case config::value_type::string: return "x";
    default: return (lo + hi) / 2;
  }
}

} // namespace

TEST(demo_simulators, embedded_configs_exist) {
  EXPECT_TRUE(devsim::demo_simulator_config("line-plc"));
  EXPECT_TRUE(devsim::demo_simulator_config("env-sensor"));
  EXPECT_FALSE(devsim::demo_simulator_config("no-such-model"));
}

TEST(demo_simulators, serve_every_affordance_of_the_demo_models) {
  auto site = demo_site();
  ASSERT_FALSE(site.devices.empty());
  auto sims = devsim::start_demo_simulators(site);
  ASSERT_TRUE(sims) << detail_of(sims.error());
  EXPECT_EQ(sims->size(), site.devices.size());
  protocols::adapter_registry registry;
  protocols::register_builtin_adapters(registry);
  protocols::adapter_options opts;
  for (const auto& dev : site.devices) {
    SCOPED_TRACE(dev.id);
    EXPECT_EQ(dev.address.find(":0"), std::string::npos) << dev.address;
    const auto* model = site.model_of(dev);
    ASSERT_NE(model, nullptr);
    auto adapter = registry.make(dev, *model, opts);
    ASSERT_TRUE(adapter) << detail_of(adapter.error());
    for (const auto& p : model->properties) {
      SCOPED_TRACE(p.name);
      auto v = (*adapter)->read(p);
      ASSERT_TRUE(v) << detail_of(v.error());
      EXPECT_TRUE(has_type(*v, p.schema.type)) << v->dump();
      if (v->is_number()) {
        if (p.schema.minimum) {
          EXPECT_GE(v->get<double>(), *p.schema.minimum);
        }
        if (p.schema.maximum) {
          EXPECT_LE(v->get<double>(), *p.schema.maximum);
        }
      }
      if (!p.schema.enumeration.empty()) {
        EXPECT_NE(std::find(p.schema.enumeration.begin(), p.schema.enumeration.end(), *v),
                  p.schema.enumeration.end());
      }
      if (!p.schema.read_only) {
        auto err = (*adapter)->write(p, *v);
        EXPECT_FALSE(err) << detail_of(err);
      }
    }
    for (const auto& a : model->actions) {
      SCOPED_TRACE(a.name);
      auto input = a.input ? sample_input(*a.input) : json{};
      auto out = (*adapter)->invoke(a, input);
      EXPECT_TRUE(out) << detail_of(out.error());
    }
  }
}

TEST(demo_simulators, dynamics_cross_every_event_threshold) {
  auto site = demo_site();
  for (const auto& dev : site.devices) {
    const auto* model = site.model_of(dev);
    ASSERT_NE(model, nullptr);
    if (model->protocol != config::device_protocol::modbus_tcp)
      continue;
    auto text = devsim::demo_simulator_config(model->id);
    ASSERT_TRUE(text);
    auto parsed = devsim::parse_modbus_sim_config(*text, model->id);
    ASSERT_TRUE(std::holds_alternative<devsim::modbus_sim_config>(parsed));
    const auto& cfg = std::get<devsim::modbus_sim_config>(parsed);
    for (const auto& e : model->events) {
      SCOPED_TRACE(e.name);
      const auto* p = model->find_property(e.property);
      ASSERT_NE(p, nullptr);
      const auto* b = std::get_if<config::modbus_binding>(&p->binding);
      ASSERT_NE(b, nullptr);
      const devsim::dynamic_value* d = nullptr;
      for (const auto& x : cfg.dynamics)
        if (x.table == b->table && x.address == b->address)
          d = &x;
      ASSERT_NE(d, nullptr) << "no dynamics drive " << e.property;
      double lo = d->min * b->scale + b->offset;
      double hi = d->max * b->scale + b->offset;
      if (lo > hi)
        std::swap(lo, hi);
      if (e.above) {
        EXPECT_LT(lo, *e.above);
        EXPECT_GT(hi, *e.above);
      }
      if (e.below) {
        EXPECT_LT(lo, *e.below);
        EXPECT_GT(hi, *e.below);
      }
    }
  }
}
