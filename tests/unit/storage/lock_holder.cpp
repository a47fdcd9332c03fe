// Test helper: opens a rocksdb_store in argv[1] like a second kagamid would,
// prints "ready" (or "error: ...") on stdout, then holds the store until its
// stdin reaches EOF.

#include <cstdio>
#include <iostream>

#include "actors/core/error.hpp"
#include "storage/rocksdb_store.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  auto store = kagami::storage::rocksdb_store::open(argv[1]);
  if (!store) {
    std::cout << "error: " << kagami::detail_of(store.error()) << std::endl;
    return 1;
  }
  std::cout << "ready" << std::endl;
  char buf[64];
  while (std::fread(buf, 1, sizeof(buf), stdin) > 0) {
    // Wait for EOF.
  }
  return 0;
}
