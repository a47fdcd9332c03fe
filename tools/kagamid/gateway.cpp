#include "tools/kagamid/gateway.hpp"

#include <arpa/inet.h>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unistd.h>

#include <caf/all.hpp>

#include "actors/core/directory.hpp"
#include "actors/core/error.hpp"
#include "actors/supervisors/gateway_supervisor.hpp"
#include "config/network_address.hpp"
#include "http/problem.hpp"
#include "http/server.hpp"
#include "http/td_builder.hpp"
#include "http/wot_frontend.hpp"
#include "protocols/ble/ble_gatt_adapter.hpp"
#include "protocols/device_adapter.hpp"
#include "storage/device_registry.hpp"
#include "storage/rocksdb_store.hpp"
#include "tools/kagamid/onboarding_setup.hpp"
#include "tools/kagamid/isolation_setup.hpp"
#include "tools/kagamid/topology_setup.hpp"
#include "tools/kagamid/security_setup.hpp"
#include "actors/security/admin/audit_service.hpp"
#include "actors/security/logcheck/log_validator.hpp"

namespace kagami {

namespace {

void say(const std::string& line) {
  std::cerr << "kagamid: " << line << std::endl;
}

/// True for an unspecified ("any") address: 0.0.0.0, ::, or any spelling of
/// them. A listener on one of those has no single address to tell apps.
bool is_wildcard(const std::string& host) {
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1)
    return v4.s_addr == htonl(INADDR_ANY);
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1)
    return IN6_IS_ADDR_UNSPECIFIED(&v6) != 0;
  return false;
}

/// The site config is the source of truth for devices: the registry takes
/// its devices, and a device removed from the config is removed from the
/// registry (said on stderr), so a decommissioned device never comes back.
/// Returns the devices to run, as the registry now holds them.
caf::expected<std::vector<config::device_config>>
sync_registry(storage::device_registry& registry, const config::site_config& site) {
  auto removed = registry.replace_all(site.devices);
  if (!removed)
    return removed.error();
  for (auto& id : *removed)
    say("device '" + id + "' is no longer in the site config: removed from the registry");
  return registry.load_all();
}

/// Why kagamid stops: a signal, or an actor it cannot run without. Shared
/// by the guard actor and run_gateway's thread.
struct stop_cause {
  /// Set before the actors are told to stop; their exits are expected then.
  std::atomic<bool> stopping{false};
  std::mutex mtx;
  std::string failure;

  /// Records the first failure and wakes run_gateway (which waits for
  /// SIGTERM; every thread blocks it, so it stays pending until then).
  void fail(std::string why) {
    {
      std::lock_guard<std::mutex> guard{mtx};
      if (!failure.empty())
        return;
      failure = std::move(why);
    }
    kill(getpid(), SIGTERM);
  }

  std::string failed() {
    std::lock_guard<std::mutex> guard{mtx};
    return failure;
  }
};

/// Monitors the actors kagamid cannot run without (the frontend, the
/// directory, the root supervisor). An exit of any of them before kagamid
/// stops is a failure: kagamid then stops with exit code 1 so that systemd
/// restarts it, rather than serve half a gateway.
caf::behavior guard(caf::event_based_actor* self,
                    std::vector<std::pair<caf::actor, std::string>> watched,
                    std::shared_ptr<stop_cause> cause) {
  auto names = std::make_shared<std::map<caf::actor_addr, std::string>>();
  for (auto& [actor, name] : watched) {
    (*names)[actor.address()] = name;
    self->monitor(actor);
  }
  self->set_down_handler([names, cause](const caf::down_msg& msg) {
    if (cause->stopping.load())
      return;
    auto it = names->find(msg.source);
    auto who = it != names->end() ? it->second : std::string{"an actor"};
    cause->fail("the " + who + " exited unexpectedly (" + to_string(msg.reason) + ")");
  });
  // Stays alive until told to exit.
  return {[](caf::ok_atom) {}};
}

/// Waits for SIGINT or SIGTERM (blocked in every thread, see main.cpp).
int wait_for_stop_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

/// CAF scheduler settings, from the site config's "scheduler" (default
/// "sharing").
///
/// The default work-stealing policy of CAF 0.17.6 lets an idle worker poll
/// 100 times, then 500 times with `work-stealing.moderate-sleep-duration`
/// (50 us, plus the kernel's timer slack) between polls, and only then wait
/// on a condition variable that an enqueue signals. A gateway that serves a
/// request every few hundred microseconds finds its workers in that middle
/// phase, so every hop through the scheduler (the virtual device) waits for
/// the end of a sleep. "sharing" workers wait on a condition variable at
/// once. Measured (BENCHMARKS.md, medians): the gateway's added read latency
/// at p50 98 -> 50 us on a quiet machine (p99 301 -> 161 us), 165 -> 125 us
/// on a loaded one; an idle gateway with an open event stream used 10-20
/// instead of 70 ms CPU per 10 s; throughput under wrk the same within the
/// noise. (An idle gateway does not wait for relaxed-sleep-duration: in
/// 0.17.6 that phase is a condition-variable wait that enqueues signal.)
/// Stealing with moderate-poll-attempts = 0 was about as fast.
void configure_scheduler(caf::actor_system_config& cfg, config::scheduler_policy p) {
  cfg.set("scheduler.policy", p == config::scheduler_policy::sharing
                                ? caf::atom("sharing")
                                : caf::atom("stealing"));
}

} // namespace

int run_gateway(config::site_config site) {
  // The listener and the base URL apps are told: wrong ones are config
  // errors (exit 2), found before anything starts.
  auto listen = config::parse_host_port(site.listen);
  if (!listen) {
    say("invalid listen address '" + site.listen + "': " + detail_of(listen.error()));
    return 2;
  }
  if (is_wildcard(listen->host) && site.public_base_url.empty()) {
    say("listen '" + site.listen
        + "' accepts connections on every address, so there is no one URL to "
          "put into Thing Descriptions: set publicBaseUrl in the site config "
          "(the URL apps use to reach this gateway, e.g. http://gw.example:8080)");
    return 2;
  }
  // The security section is checked before anything starts.
  auto security = prepare_security(site);
  if (!security) {
    say("invalid config: " + detail_of(security.error()));
    return 2;
  }
  const std::string scheme = security->tls.enabled ? "https://" : "http://";
  auto base_url_for = [&](uint16_t port) {
    return site.public_base_url.empty()
             ? scheme + config::to_string(config::host_port{listen->host, port})
             : site.public_base_url;
  };
  td_options td_opts;
  td_opts.site_name = site.site_name;
  td_opts.base_url = base_url_for(listen->port == 0 ? 80 : listen->port);
  if (auto err = validate(td_opts)) {
    say("invalid Thing Description settings: " + detail_of(err));
    return 2;
  }

  td_opts.security_definitions = security->td.definitions;
  td_opts.security = security->td.security;
  if (auto err = validate(td_opts)) {
    say("invalid Thing Description settings: " + detail_of(err));
    return 2;
  }

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
  // Every audited decision also goes to the log validator, once it runs
  // (set below, before the server's threads start).
  auto validator_slot = std::make_shared<caf::actor>();
  // Each durable batch goes to the log validator in one message.
  if (auto err = security->start(
        **store, [validator_slot](std::vector<storage::audit_event>&& batch) {
          if (*validator_slot)
            caf::anon_send(*validator_slot, audit_atom::value, std::move(batch));
        })) {
    say("cannot open the audit trail: " + detail_of(err));
    return 1;
  }
  std::string fingerprint;
  auto tls = security->server_tls(site.data_dir, listen->host, fingerprint);
  if (!tls) {
    say("TLS: " + detail_of(tls.error()));
    return code_of(tls.error()) == ec::config_invalid ? 2 : 1;
  }
  auto shared_site = std::make_shared<const config::site_config>(site);
  // The gateway's own BLE accesses, noted by the GATT adapters and the DIS
  // fetcher: a BLE link that comes up without one is a suspect (isolation).
  auto ble_activity = std::make_shared<protocols::ble::ble_activity>();
  auto onboarding = onboarding_service::prepare(shared_site, **store, ble_activity);
  if (!onboarding) {
    say("onboarding: " + detail_of(onboarding.error()));
    return 1;
  }
  for (auto& dev : (*onboarding)->restored_devices())
    devices->push_back(dev);
  auto topology = topology_service::prepare(shared_site, **store);
  if (!topology) {
    say("topology: " + detail_of(topology.error()));
    return 2;
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
  configure_scheduler(sys_cfg, site.scheduler);
  caf::actor_system sys{sys_cfg};


  // Declared before the server so that it is destroyed after it: the
  // server's handler reaches the frontend through `slot`.
  std::shared_ptr<wot_frontend> frontend;
  // The frontend learns the base URL only after the port is bound, so the
  // server starts first and answers 503 until the frontend exists.
  auto slot = std::make_shared<std::atomic<wot_frontend*>>(nullptr);
  http::server_options http_opts;
  http_opts.host = listen->host;
  http_opts.port = listen->port;
  http_opts.header_limit = site.http.header_limit;
  http_opts.body_limit = site.http.body_limit;
  http_opts.max_connections = site.http.max_connections;
  http_opts.read_timeout = std::chrono::milliseconds(site.timeouts.http_read_ms);
  http_opts.tls = *tls;
  http::server server{http_opts, [slot](http::request&& req,
                                        std::shared_ptr<http::responder> resp) {
    auto* fe = slot->load(std::memory_order_acquire);
    if (!fe) {
      resp->reply(http::problem_of(make_error(ec::unavailable, "starting up"),
                                   req.path));
      return;
    }
    fe->serve(std::move(req), std::move(resp));
  }};
  auto bound = server.start();
  if (auto err = std::get_if<std::string>(&bound)) {
    say("cannot listen on " + site.listen + ": " + *err);
    return 1;
  }
  auto base_url = base_url_for(std::get<uint16_t>(bound));
  td_opts.base_url = base_url;
  if (auto err = validate(td_opts)) {
    say("invalid Thing Description settings: " + detail_of(err));
    return 2;
  }

  // Log validation: alerts become audit records and admin SSE events.
  security::logcheck::log_validator_config lv_cfg;
  lv_cfg.analysis = security->log_validation;
  lv_cfg.audit_sink = [trail = security->audit.get()](const storage::audit_event& ev) {
    (void) trail->append(ev);
  };
  auto validator = security::logcheck::spawn_log_validator(sys, std::move(lv_cfg));
  if (!validator) {
    say("invalid config: " + detail_of(validator.error()));
    server.stop();
    return 2;
  }
  // Set before any record is appended: records come from requests, which
  // reach the stage only through the frontend that `slot` publishes below
  // (the writer thread reads the slot after taking those records under its
  // queue lock).
  *validator_slot = caf::actor_cast<caf::actor>(*validator);
  auto audit_service = security::spawn_audit_service(sys, **store);
  wot_frontend_config fe_cfg;
  fe_cfg.base_url = base_url;
  fe_cfg.request_timeout = std::chrono::milliseconds(site.timeouts.request_ms);
  fe_cfg.directory_td = build_thing_directory_description(td_opts).dump();
  // KAGAMI_BENCH_UNGUARDED exists only for the benchmark baseline
  // (tools/bench: kagami-bench-unguarded-gateway, the no-check path the
  // security chain is measured against). kagamid never defines it.
#ifndef KAGAMI_BENCH_UNGUARDED
  fe_cfg.access = security->access;
#endif
  fe_cfg.audit_service = caf::actor_cast<caf::actor>(audit_service);
  fe_cfg.alerts = *validator_slot;
  // The network elements and the topology supervisor (when configured);
  // onboarding's stored changes refresh the topology at once.
  auto directory = spawn_directory(sys);
  (*topology)->start(sys, directory);
  fe_cfg.topology = (*topology)->supervisor();
  (*onboarding)->on_records_changed(
    [t = topology->get()](const std::string& cause) { t->refresh(cause); });
  (*onboarding)->on_htip_link_information(
    [t = topology->get()](const protocols::lldp_htip::lldp_frame& frame) {
      t->hear_htip_agent(frame);
    });
  // Detection and isolation (when configured): over the topology's element
  // actors; its alerts go out with the log validator's.
  isolation_service isolation{shared_site, **store, **topology, ble_activity};
  auto isolation_failure = isolation.start(
    sys, directory, [validator = *validator_slot](const nlohmann::json& a) {
      caf::anon_send(validator, alert_atom::value, a.value("kind", std::string{"isolation"}),
                     a.value("severity", std::string{"warning"}),
                     a.value("summary", std::string{}),
                     a.contains("evidence") ? a["evidence"].dump(-1, ' ', false,
                                                                 nlohmann::json::error_handler_t::replace)
                                            : std::string{"{}"});
    });
  fe_cfg.isolation = isolation.supervisor();
  if (isolation.enabled()) {
    (*onboarding)->set_isolation(isolation.supervisor());
    (*onboarding)->on_device_link(
      [iso = &isolation](std::string mac, std::string seen_on, bool up) {
        iso->device_link(mac, seen_on, up);
      });
  }
  // The frontend runs on the server's io thread (one strand of it).
  frontend = wot_frontend::spawn(sys, server.make_strand(), fe_cfg);
  slot->store(frontend.get(), std::memory_order_release);

  auto adapters = std::make_shared<protocols::adapter_registry>();
  protocols::register_builtin_adapters(*adapters);
  // BLE sensors are read through BlueZ on the bus the discovery config names.
  protocols::ble::ble_config ble_cfg;
  ble_cfg.bus_address = site.discovery.ble.bus;
  ble_cfg.activity = ble_activity;
  protocols::ble::register_ble_adapter(*adapters, ble_cfg);
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
                              caf::actor_cast<thing_listener_actor>(frontend->actor()));
  // Every actor is listed in the directory; device pairs register themselves.
  caf::anon_send(directory, register_atom::value, std::string{"wot_frontend"},
                 std::string{"root"}, caf::actor_cast<caf::actor>(frontend->actor()));
  auto onboarding_failure = (*onboarding)->start(sys, supervisor, directory);
  std::vector<std::pair<caf::actor, std::string>> watched{
    {caf::actor_cast<caf::actor>(frontend->actor()), "WoT frontend"},
    {caf::actor_cast<caf::actor>(directory), "directory"},
    {caf::actor_cast<caf::actor>(supervisor), "root supervisor"},
    {caf::actor_cast<caf::actor>((*onboarding)->supervisor()),
     "onboarding supervisor"}};
  auto cause = std::make_shared<stop_cause>();
  auto watchdog_guard = sys.spawn(guard, std::move(watched), cause);
  caf::anon_send(directory, register_atom::value, std::string{"gateway_guard"},
                 std::string{"root"}, caf::actor_cast<caf::actor>(watchdog_guard));

  // Stops everything; `code` is returned unless an actor failed.
  auto shut_down = [&](int code) {
    cause->stopping.store(true);
    // Bounded shutdown: CAF 0.17 can hang on detached actors (FACTS.md).
    std::thread watchdog{[] {
      std::this_thread::sleep_for(std::chrono::seconds(5));
      std::cerr << "kagamid: shutdown took longer than 5 s, exiting" << std::endl;
      std::_Exit(3);
    }};
    watchdog.detach();
    // The frontend first, on its io strand, while the server still runs:
    // it closes its event streams. Then the server; then the rest.
    if (!frontend->stop(caf::exit_reason::user_shutdown, std::chrono::seconds(1)))
      say("the WoT frontend did not stop within 1 s");
    slot->store(nullptr, std::memory_order_release);
    server.stop();
    frontend->stop(); // terminates here if the strand did not get to it
    (*onboarding)->stop();
    isolation.stop();
    (*topology)->stop();
    caf::anon_send_exit(*validator_slot, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(audit_service, caf::exit_reason::user_shutdown);
    // Every queued audit record is written before kagamid exits; this joins
    // the writer thread, the only reader of validator_slot.
    security->stop();
    // The audit callback (owned by `security`, which outlives the actor
    // system) must not keep the detached validator alive: CAF would wait
    // for it for ever.
    *validator_slot = caf::actor{};
    caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(directory, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(watchdog_guard, caf::exit_reason::user_shutdown);
    auto failure = cause->failed();
    return failure.empty() ? code : 1;
  };

  if (isolation_failure) {
    say("isolation: " + detail_of(isolation_failure));
    return shut_down(1);
  }
  if (onboarding_failure) {
    say("onboarding: " + detail_of(onboarding_failure));
    return shut_down(1);
  }

  // The supervisor announces every thing to the frontend while it starts.
  // Once it answers a request, those announcements sit in the frontend's
  // queue ahead of any HTTP request sent after READY.
  {
    caf::scoped_actor self{sys};
    bool answered = false;
    self->request(supervisor, std::chrono::seconds(10), inspect_atom::value)
      .receive([&](const std::string&) { answered = true; },
               [&](const caf::error& err) { say("supervisor: " + sys.render(err)); });
    if (!answered)
      return shut_down(1);
  }
  say("site '" + site.site_name + "': " + std::to_string(things)
      + " things, data in " + site.data_dir);
  if (*tls)
    say("HTTPS certificate SHA-256 " + fingerprint);
  else
    say("plain HTTP: the site config allows it (security.tls.allowPlainHttp)");
  say("serving WoT at " + base_url + "/things (Thing Directory: " + base_url
      + "/.well-known/wot)");
  std::cout << "READY " << base_url << std::endl;

  auto sig = wait_for_stop_signal();
  if (auto failure = cause->failed(); !failure.empty())
    say("stopping: " + failure);
  else
    say(std::string{"stopping on "} + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
  return shut_down(0);
}

} // namespace kagami
