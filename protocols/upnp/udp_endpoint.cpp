#include "protocols/upnp/udp_endpoint.hpp"

#include <arpa/inet.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kagami::protocols::upnp {

std::string errno_text(const char* call) {
  return std::string{call} + ": " + std::strerror(errno);
}

sockaddr_in make_addr(const std::string& ip, uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  inet_pton(AF_INET, ip.c_str(), &sa.sin_addr);
  return sa;
}

void close_fd(int& fd) {
  if (fd >= 0)
    ::close(fd);
  fd = -1;
}

void signal_wake(int fd) {
  uint64_t one = 1;
  (void) ::write(fd, &one, sizeof(one));
}

void clear_wake(int fd) {
  uint64_t v;
  (void) ::read(fd, &v, sizeof(v));
}

} // namespace kagami::protocols::upnp
