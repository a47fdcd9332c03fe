#pragma once

// The POSIX pieces of a UDP/IPv4 endpoint served by its own poll thread, as
// the SSDP endpoints use them: the UPnP discovery source (upnp_discovery)
// and the devsim UPnP simulator. An endpoint owns its descriptors and an
// eventfd that wakes its poll loop (to stop it or to make it act at once).
//
// Thread safety: the functions hold no state; signal_wake may run on any
// thread while the poll thread waits on the eventfd. None throws.

#include <netinet/in.h>

#include <cstdint>
#include <string>

namespace kagami::protocols::upnp {

/// "CALL: <strerror(errno)>" for the system call `call` that just failed.
std::string errno_text(const char* call);

/// The socket address IP:PORT. `ip` must be a dotted-quad IPv4 literal (the
/// callers check it with canonical_ipv4); anything else gives 0.0.0.0.
sockaddr_in make_addr(const std::string& ip, uint16_t port);

/// Closes `fd` unless it is already -1, then sets it to -1. Calling it again
/// is harmless.
void close_fd(int& fd);

/// Wakes the thread polling the eventfd `fd` (adds one to its counter). A
/// failure is ignored: an eventfd refuses a write only when its counter is
/// near overflow, and then the thread is woken already.
void signal_wake(int fd);

/// Consumes the wake-ups pending on the non-blocking eventfd `fd`, so the
/// next poll waits again.
void clear_wake(int fd);

} // namespace kagami::protocols::upnp
