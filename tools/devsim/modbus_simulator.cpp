#include "tools/devsim/modbus_simulator.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include <modbus/modbus.h>

#include "actors/core/error.hpp"
#include "protocols/modbus/register_codec.hpp"

namespace kagami::devsim {

using config::modbus_table;
using clock = std::chrono::steady_clock;
namespace codec = protocols::modbus;

namespace {

struct mapping_deleter {
  void operator()(modbus_mapping_t* m) const { modbus_mapping_free(m); }
};

/// One client connection with its own libmodbus context.
struct client {
  int fd = -1;
  modbus_t* ctx = nullptr;
};

void close_client(client& c) {
  if (c.ctx != nullptr) {
    modbus_close(c.ctx); // closes c.fd
    modbus_free(c.ctx);
  } else if (c.fd >= 0) {
    ::close(c.fd);
  }
  c.ctx = nullptr;
  c.fd = -1;
}

struct dynamic_state {
  dynamic_value cfg;
  clock::time_point next;
  double direction = 1;
};

/// The table and [first, last] address range of a request, if it has one.
struct request_span {
  modbus_table table;
  uint32_t first;
  uint32_t count;
};

std::optional<request_span> span_of(const uint8_t* q, int length, int offset) {
  if (length < offset + 5)
    return std::nullopt;
  int fc = q[offset];
  uint32_t address = (q[offset + 1] << 8) | q[offset + 2];
  uint32_t count = (q[offset + 3] << 8) | q[offset + 4];
  switch (fc) {
    case MODBUS_FC_READ_COILS: return request_span{modbus_table::coil, address, count};
    case MODBUS_FC_READ_DISCRETE_INPUTS:
      return request_span{modbus_table::discrete_input, address, count};
    case MODBUS_FC_READ_HOLDING_REGISTERS:
      return request_span{modbus_table::holding_register, address, count};
    case MODBUS_FC_READ_INPUT_REGISTERS:
      return request_span{modbus_table::input_register, address, count};
    case MODBUS_FC_WRITE_SINGLE_COIL: return request_span{modbus_table::coil, address, 1};
    case MODBUS_FC_WRITE_SINGLE_REGISTER:
      return request_span{modbus_table::holding_register, address, 1};
    case MODBUS_FC_WRITE_MULTIPLE_COILS: return request_span{modbus_table::coil, address, count};
    case MODBUS_FC_WRITE_MULTIPLE_REGISTERS:
      return request_span{modbus_table::holding_register, address, count};
    default: return std::nullopt;
  }
}

} // namespace

struct modbus_simulator::impl {
  std::string host;
  uint16_t port = 0;
  int listen_fd = -1;
  int wake_fd = -1;
  std::thread thread;
  std::atomic<bool> stopped{false};

  mutable std::mutex mtx; // guards everything below
  std::unique_ptr<modbus_mapping_t, mapping_deleter> map;
  std::vector<fault_range> faults;
  std::vector<dynamic_state> dynamics;
  bool paused = false;
  uint64_t served = 0;
  size_t open = 0;

  ~impl() {
    if (listen_fd >= 0)
      ::close(listen_fd);
    if (wake_fd >= 0)
      ::close(wake_fd);
  }

  // -- table access (callers hold mtx) ---------------------------------------

  uint16_t* registers(modbus_table t, uint32_t address, uint32_t count) const {
    if (t == modbus_table::holding_register
        && address + count <= static_cast<uint32_t>(map->nb_registers))
      return map->tab_registers + address;
    if (t == modbus_table::input_register
        && address + count <= static_cast<uint32_t>(map->nb_input_registers))
      return map->tab_input_registers + address;
    return nullptr;
  }

  uint8_t* bit(modbus_table t, uint32_t address) const {
    if (t == modbus_table::coil && address < static_cast<uint32_t>(map->nb_bits))
      return map->tab_bits + address;
    if (t == modbus_table::discrete_input
        && address < static_cast<uint32_t>(map->nb_input_bits))
      return map->tab_input_bits + address;
    return nullptr;
  }

  std::optional<double> value(const config::modbus_binding& b) const {
    if (codec::is_bit_table(b.table)) {
      auto* p = bit(b.table, b.address);
      return p ? std::optional<double>{*p ? 1.0 : 0.0} : std::nullopt;
    }
    auto n = codec::register_span(b.datatype);
    auto* p = registers(b.table, b.address, static_cast<uint32_t>(n));
    if (p == nullptr)
      return std::nullopt;
    auto v = codec::decode(b, std::span<const uint16_t>{p, n});
    return v ? std::optional<double>{*v} : std::nullopt;
  }

  bool store(const config::modbus_binding& b, double v) {
    if (codec::is_bit_table(b.table)) {
      auto* p = bit(b.table, b.address);
      if (p == nullptr)
        return false;
      *p = v != 0.0 ? 1 : 0;
      return true;
    }
    auto words = codec::encode(b, v);
    if (!words)
      return false;
    auto* p = registers(b.table, b.address, static_cast<uint32_t>(words->size));
    if (p == nullptr)
      return false;
    std::copy(words->words.begin(), words->words.begin() + words->size, p);
    return true;
  }

  // -- the server thread -----------------------------------------------------

  void run() {
    std::vector<client> clients;
    std::vector<pollfd> fds;
    uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
    while (!stopped.load()) {
      fds.clear();
      fds.push_back({wake_fd, POLLIN, 0});
      fds.push_back({listen_fd, POLLIN, 0});
      for (auto& c : clients)
        fds.push_back({c.fd, POLLIN, 0});
      int rc = ::poll(fds.data(), fds.size(), poll_timeout_ms());
      if (rc < 0 && errno != EINTR)
        break;
      if (fds[0].revents != 0)
        break;
      if (rc > 0) {
        for (size_t i = 0; i < clients.size(); ++i)
          if (fds[i + 2].revents != 0 && !serve(clients[i], query))
            close_client(clients[i]);
        std::erase_if(clients, [](const client& c) { return c.fd < 0; });
        if (fds[1].revents & POLLIN)
          accept_one(clients);
        std::lock_guard<std::mutex> guard{mtx};
        open = clients.size();
      }
      tick();
    }
    for (auto& c : clients)
      close_client(c);
    std::lock_guard<std::mutex> guard{mtx};
    open = 0;
  }

  void accept_one(std::vector<client>& clients) {
    // The accepted socket is blocking: libmodbus waits with select().
    int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0)
      return;
    if (clients.size() >= max_clients) {
      ::close(fd);
      return;
    }
    timeval send_timeout{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof(send_timeout));
    // The context only frames requests and replies on this socket; its own
    // address is never used.
    client c;
    c.fd = fd;
    c.ctx = modbus_new_tcp("127.0.0.1", 502);
    if (c.ctx == nullptr) {
      ::close(fd);
      return;
    }
    modbus_set_socket(c.ctx, fd);
    // A client that stalls mid-request holds up the others for at most this.
    modbus_set_byte_timeout(c.ctx, 0, 200000);
    clients.push_back(c);
  }

  /// Reads one request from a readable client and answers it. False when the
  /// connection must close (EOF, garbage, send failure).
  bool serve(client& c, uint8_t* query) {
    int length = modbus_receive(c.ctx, query);
    if (length < 0)
      return false;
    if (length == 0)
      return true;
    std::lock_guard<std::mutex> guard{mtx};
    ++served;
    auto offset = modbus_get_header_length(c.ctx);
    if (auto span = span_of(query, length, offset)) {
      for (const auto& f : faults) {
        if (f.table != span->table || span->count == 0)
          continue;
        auto last = span->first + span->count - 1;
        if (last < f.address || span->first >= f.address + f.count)
          continue;
        switch (f.kind) {
          case fault_kind::no_reply:
            return true;
          case fault_kind::illegal_data_address:
            return modbus_reply_exception(c.ctx, query,
                                          MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS) >= 0;
          case fault_kind::device_failure:
            return modbus_reply_exception(c.ctx, query,
                                          MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE) >= 0;
          case fault_kind::busy:
            return modbus_reply_exception(c.ctx, query,
                                          MODBUS_EXCEPTION_SLAVE_OR_SERVER_BUSY) >= 0;
        }
      }
    }
    return modbus_reply(c.ctx, query, length, map.get()) >= 0;
  }

  int poll_timeout_ms() {
    std::lock_guard<std::mutex> guard{mtx};
    if (dynamics.empty() || paused)
      return 1000;
    auto next = dynamics.front().next;
    for (const auto& d : dynamics)
      next = std::min(next, d.next);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next - clock::now());
    return static_cast<int>(std::clamp<int64_t>(left.count() + 1, 0, 1000));
  }

  void tick() {
    std::lock_guard<std::mutex> guard{mtx};
    if (paused)
      return;
    auto now = clock::now();
    for (auto& d : dynamics) {
      if (now < d.next)
        continue;
      d.next = now + std::chrono::milliseconds(d.cfg.every_ms);
      advance(d);
    }
  }

  void advance(dynamic_state& d) {
    config::modbus_binding b;
    b.table = d.cfg.table;
    b.address = d.cfg.address;
    b.datatype = d.cfg.type;
    b.order = d.cfg.order;
    auto current = value(b);
    if (!current)
      return;
    double v = *current;
    switch (d.cfg.kind) {
      case dynamic_kind::toggle:
        v = v != 0.0 ? 0.0 : 1.0;
        break;
      case dynamic_kind::counter:
        v += d.cfg.step;
        if (v > d.cfg.max || v < d.cfg.min)
          v = d.cfg.min;
        break;
      case dynamic_kind::ramp:
        v += d.direction * d.cfg.step;
        if (v >= d.cfg.max) {
          v = d.cfg.max;
          d.direction = -1;
        } else if (v <= d.cfg.min) {
          v = d.cfg.min;
          d.direction = 1;
        }
        break;
    }
    store(b, v);
  }
};

modbus_simulator::modbus_simulator(std::unique_ptr<impl> p) : impl_(std::move(p)) {
}

modbus_simulator::~modbus_simulator() {
  stop();
}

caf::expected<std::unique_ptr<modbus_simulator>>
modbus_simulator::start(const modbus_sim_config& cfg, const std::string& host,
                        uint16_t port) {
  auto p = std::make_unique<impl>();
  // Size 0 tables stay empty: every request to them is ILLEGAL DATA ADDRESS.
  using config::modbus_table;
  p->map.reset(modbus_mapping_new(
    static_cast<int>(cfg.sizes[table_index(modbus_table::coil)]),
    static_cast<int>(cfg.sizes[table_index(modbus_table::discrete_input)]),
    static_cast<int>(cfg.sizes[table_index(modbus_table::holding_register)]),
    static_cast<int>(cfg.sizes[table_index(modbus_table::input_register)])));
  if (!p->map)
    return make_error(ec::unavailable, "cannot allocate the register map");
  for (const auto& b : cfg.blocks) {
    for (size_t i = 0; i < b.values.size(); ++i) {
      auto address = static_cast<uint32_t>(b.address + i);
      if (codec::is_bit_table(b.table)) {
        if (auto* x = p->bit(b.table, address))
          *x = b.values[i] != 0 ? 1 : 0;
      } else if (auto* x = p->registers(b.table, address, 1)) {
        *x = b.values[i];
      }
    }
  }
  p->faults = cfg.faults;
  auto now = clock::now();
  for (const auto& d : cfg.dynamics)
    p->dynamics.push_back({d, now + std::chrono::milliseconds(d.every_ms), 1});
  // Listen.
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  auto service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
    return make_error(ec::unavailable,
                      "cannot resolve listen host '" + host + "': " + gai_strerror(rc));
  std::string why = "no address";
  for (auto* ai = found; ai != nullptr && p->listen_fd < 0; ai = ai->ai_next) {
    // Non-blocking, so that accept() after poll() cannot block on a
    // connection that was reset in between.
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                      ai->ai_protocol);
    if (fd < 0)
      continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, 64) == 0) {
      p->listen_fd = fd;
    } else {
      why = std::strerror(errno);
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  if (p->listen_fd < 0)
    return make_error(ec::unavailable, "cannot listen on " + host + ":" + service
                                         + ": " + why);
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  ::getsockname(p->listen_fd, reinterpret_cast<sockaddr*>(&bound), &len);
  if (bound.ss_family == AF_INET)
    p->port = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  else
    p->port = ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  p->host = host;
  p->wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (p->wake_fd < 0)
    return make_error(ec::unavailable, "cannot create an eventfd");
  auto* raw = p.get();
  p->thread = std::thread([raw] { raw->run(); });
  return std::unique_ptr<modbus_simulator>{new modbus_simulator(std::move(p))};
}

void modbus_simulator::stop() {
  if (!impl_ || impl_->stopped.exchange(true))
    return;
  uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(impl_->wake_fd, &one, sizeof(one));
  if (impl_->thread.joinable())
    impl_->thread.join();
  ::close(impl_->listen_fd);
  impl_->listen_fd = -1;
}

const std::string& modbus_simulator::host() const {
  return impl_->host;
}

uint16_t modbus_simulator::port() const {
  return impl_->port;
}

std::string modbus_simulator::device_address() const {
  if (impl_->host.find(':') != std::string::npos)
    return "[" + impl_->host + "]:" + std::to_string(impl_->port);
  return impl_->host + ":" + std::to_string(impl_->port);
}

std::optional<uint16_t> modbus_simulator::get_register(modbus_table t,
                                                       uint16_t address) const {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  auto* p = impl_->registers(t, address, 1);
  return p ? std::optional<uint16_t>{*p} : std::nullopt;
}

bool modbus_simulator::set_register(modbus_table t, uint16_t address, uint16_t value) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  auto* p = impl_->registers(t, address, 1);
  if (p == nullptr)
    return false;
  *p = value;
  return true;
}

std::optional<bool> modbus_simulator::get_bit(modbus_table t, uint16_t address) const {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  auto* p = impl_->bit(t, address);
  return p ? std::optional<bool>{*p != 0} : std::nullopt;
}

bool modbus_simulator::set_bit(modbus_table t, uint16_t address, bool value) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  auto* p = impl_->bit(t, address);
  if (p == nullptr)
    return false;
  *p = value ? 1 : 0;
  return true;
}

std::optional<double> modbus_simulator::get_value(const config::modbus_binding& b) const {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  return impl_->value(b);
}

bool modbus_simulator::set_value(const config::modbus_binding& b, double value) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  return impl_->store(b, value);
}

void modbus_simulator::add_fault(const fault_range& f) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  impl_->faults.push_back(f);
}

void modbus_simulator::clear_faults() {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  impl_->faults.clear();
}

void modbus_simulator::pause_dynamics(bool paused) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  impl_->paused = paused;
}

uint64_t modbus_simulator::requests() const {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  return impl_->served;
}

size_t modbus_simulator::connections() const {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  return impl_->open;
}

} // namespace kagami::devsim
