#include "tools/kagamid/gateway.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include <caf/all.hpp>

#include "actors/core/directory.hpp"
#include "actors/core/error.hpp"
#include "actors/supervisors/gateway_supervisor.hpp"
#include "http/problem.hpp"
#include "http/server.hpp"
#include "http/td_builder.hpp"
#include "http/wot_frontend.hpp"
#include "protocols/device_adapter.hpp"
#include "storage/device_registry.hpp"
#include "storage/rocksdb_store.hpp"

namespace kagami {

namespace {

void say(const std::string& line) {
  std::cerr << "kagamid: " << line << std::endl;
}

/// Splits "HOST:PORT"; the config validator already checked the syntax.
std::pair<std::string, uint16_t> split_listen(const std::string& listen) {
  auto pos = listen.rfind(':');
  return {listen.substr(0, pos),
          static_cast<uint16_t>(std::stoul(listen.substr(pos + 1)))};
}

/// Saves the configured devices into the registry and returns every device
/// the registry holds, so devices admitted earlier come back after a restart.
caf::expected<std::vector<config::device_config>>
sync_registry(storage::device_registry& registry, const config::site_config& site) {
  for (auto& dev : site.devices)
    if (auto err = registry.save(dev))
      return err;
  return registry.load_all();
}

void wait_for_stop_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  say(std::string{"stopping on "} + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
}

} // namespace

int run_gateway(config::site_config site) {
  auto store = storage::rocksdb_store::open(site.data_dir);
  if (!store) {
    say("cannot open the data directory: " + detail_of(store.error()));
    return 1;
  }
  storage::device_registry registry{**store};
  auto devices = sync_registry(registry, site);
  if (!devices) {
    say("device registry: " + detail_of(devices.error()));
    return 1;
  }

  caf::actor_system_config sys_cfg;
  sys_cfg.add_error_category(ec_category, [](uint8_t code, caf::atom_value,
                                             const caf::message& ctx) {
    auto text = std::string{"kagami::"} + to_string(static_cast<ec>(code));
    if (ctx.match_elements<std::string>())
      text += ": " + ctx.get_as<std::string>(0);
    return text;
  });
  sys_cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system sys{sys_cfg};

  // The frontend learns the base URL only after the port is bound, so the
  // server starts first and answers 503 until the frontend exists.
  auto frontend_slot = std::make_shared<std::atomic<bool>>(false);
  auto frontend = std::make_shared<wot_frontend_actor>();
  auto [host, port] = split_listen(site.listen);
  http::server_options http_opts;
  http_opts.host = host;
  http_opts.port = port;
  http_opts.header_limit = site.http.header_limit;
  http_opts.body_limit = site.http.body_limit;
  http_opts.max_connections = site.http.max_connections;
  http_opts.read_timeout = std::chrono::milliseconds(site.timeouts.http_read_ms);
  http::server server{http_opts, [frontend_slot, frontend](http::request&& req,
                                                           std::shared_ptr<http::responder> resp) {
    if (!frontend_slot->load(std::memory_order_acquire)) {
      resp->reply(http::problem_of(make_error(ec::unavailable, "starting up"),
                                   req.path));
      return;
    }
    auto x = std::make_shared<http_exchange>();
    x->request = std::move(req);
    x->responder = std::move(resp);
    caf::anon_send(*frontend, http_atom::value, std::move(x));
  }};
  auto bound = server.start();
  if (auto err = std::get_if<std::string>(&bound)) {
    say("cannot listen on " + site.listen + ": " + *err);
    return 1;
  }
  auto bound_port = std::get<uint16_t>(bound);
  auto base_url = site.public_base_url.empty()
                    ? "http://" + host + ":" + std::to_string(bound_port)
                    : site.public_base_url;

  td_options td_opts;
  td_opts.base_url = base_url;
  td_opts.site_name = site.site_name;
  wot_frontend_config fe_cfg;
  fe_cfg.base_url = base_url;
  fe_cfg.request_timeout = std::chrono::milliseconds(site.timeouts.request_ms);
  fe_cfg.directory_td = build_thing_directory_description(base_url).dump();
  *frontend = spawn_wot_frontend(sys, fe_cfg);
  frontend_slot->store(true, std::memory_order_release);

  auto directory = spawn_directory(sys);
  auto adapters = std::make_shared<protocols::adapter_registry>();
  protocols::register_builtin_adapters(*adapters);
  auto shared_site = std::make_shared<const config::site_config>(site);
  gateway_supervisor_config sup_cfg;
  sup_cfg.site = shared_site;
  sup_cfg.devices = std::move(*devices);
  sup_cfg.adapters = adapters;
  sup_cfg.thing_description = [td_opts](const config::device_config& dev,
                                        const config::device_model& model) {
    return build_thing_description(dev, model, td_opts).dump();
  };
  auto things = sup_cfg.devices.size();
  auto supervisor = sys.spawn(gateway_supervisor, std::move(sup_cfg), directory,
                              caf::actor_cast<thing_listener_actor>(*frontend));

  // The supervisor announces every thing to the frontend while it starts.
  // Once it answers a request, those announcements sit in the frontend's
  // mailbox ahead of any HTTP request sent after READY.
  {
    caf::scoped_actor self{sys};
    bool answered = false;
    self->request(supervisor, std::chrono::seconds(10), inspect_atom::value)
      .receive([&](const std::string&) { answered = true; },
               [&](const caf::error& err) { say("supervisor: " + sys.render(err)); });
    if (!answered)
      return 1;
  }
  say("site '" + site.site_name + "': " + std::to_string(things)
      + " things, data in " + site.data_dir);
  say("serving WoT at " + base_url + "/things (Thing Directory: " + base_url
      + "/.well-known/wot)");
  std::cout << "READY " << base_url << std::endl;

  wait_for_stop_signal();

  // Bounded shutdown: CAF 0.17 can hang on detached actors (FACTS.md).
  std::thread watchdog{[] {
    std::this_thread::sleep_for(std::chrono::seconds(5));
    std::cerr << "kagamid: shutdown took longer than 5 s, exiting" << std::endl;
    std::_Exit(3);
  }};
  watchdog.detach();
  server.stop();
  caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(*frontend, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(directory, caf::exit_reason::user_shutdown);
  *frontend = nullptr;
  return 0;
}

} // namespace kagami
