#pragma once

// A map from string keys to values that holds at most `capacity` keys: when a
// new key would exceed it, the least recently touched key is evicted. The
// state tables of the audit analyzer are lru_tables, so that no sequence of
// events (for example 100k distinct sources) grows them without bound.

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace kagami::security::logcheck {

template <class Value>
class lru_table {
public:
  /// Requires capacity >= 1.
  explicit lru_table(size_t capacity) : capacity_(capacity) {
    // nop
  }

  // The index holds views of the keys in `order_`'s nodes, which stay put
  // when the list moves: movable, not copyable.
  lru_table(lru_table&&) = default;
  lru_table& operator=(lru_table&&) = default;
  lru_table(const lru_table&) = delete;
  lru_table& operator=(const lru_table&) = delete;

  /// The value of `key`, or nullptr. Does not count as a touch.
  Value* find(std::string_view key) {
    auto i = index_.find(key);
    return i == index_.end() ? nullptr : &i->second->second;
  }

  /// The value of `key`, default-constructed (after evicting the least
  /// recently touched key when the table is full) if missing; either way
  /// `key` becomes the most recently touched.
  Value& touch(std::string_view key) {
    if (auto i = index_.find(key); i != index_.end()) {
      order_.splice(order_.end(), order_, i->second);
      return i->second->second;
    }
    if (index_.size() >= capacity_) {
      index_.erase(std::string_view{order_.front().first});
      order_.pop_front();
      ++evictions_;
    }
    order_.emplace_back(std::string{key}, Value{});
    auto last = std::prev(order_.end());
    index_.emplace(std::string_view{last->first}, last);
    return last->second;
  }

  void erase(std::string_view key) {
    if (auto i = index_.find(key); i != index_.end()) {
      auto node = i->second;
      index_.erase(i);
      order_.erase(node);
    }
  }

  size_t size() const noexcept {
    return index_.size();
  }

  size_t capacity() const noexcept {
    return capacity_;
  }

  /// How many keys were evicted to make room since construction.
  size_t evictions() const noexcept {
    return evictions_;
  }

private:
  using entry = std::pair<std::string, Value>;
  size_t capacity_;
  size_t evictions_ = 0;
  std::list<entry> order_;
  std::unordered_map<std::string_view, typename std::list<entry>::iterator>
    index_;
};

} // namespace kagami::security::logcheck
