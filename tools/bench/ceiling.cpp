// kagami-bench-ceiling: the same hardened HTTP server kagamid uses, with a
// trivial handler that answers every request at once. The throughput ceiling
// for the benchmarks. Prints "READY http://127.0.0.1:PORT"; stops on SIGTERM.

#include <csignal>
#include <cstdio>
#include <iostream>

#include "http/server.hpp"

int main() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  kagami::http::server_options opts;
  opts.host = "127.0.0.1";
  opts.port = 0;
  kagami::http::server srv{opts, [](kagami::http::request&&,
                                    std::shared_ptr<kagami::http::responder> r) {
                             kagami::http::response resp;
                             resp.body = "1";
                             r->reply(std::move(resp));
                           }};
  auto port = srv.start();
  if (auto err = std::get_if<std::string>(&port)) {
    std::cerr << "kagami-bench-ceiling: " << *err << "\n";
    return 1;
  }
  std::cout << "READY http://127.0.0.1:" << std::get<uint16_t>(port) << std::endl;
  int sig;
  sigwait(&set, &sig);
  srv.stop();
  return 0;
}
