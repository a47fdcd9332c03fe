#pragma once

// One configured security check: a named instance of a check type (acl,
// signatures, schema, expected_use, ...) that judges requests.

#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/security/chain/check_request.hpp"
#include "actors/security/chain/verdict.hpp"

namespace kagami::security {

/// The interface every check type implements.
///
/// Threading: an instance is owned by one check_chains, and every call
/// (decide, observe, inspect) comes from one thread at a time: the frontend
/// runs its chains on one strand. Implementations keep mutable state (rate
/// limit buckets, a Hyperscan scratch, counters) without locking.
///
/// Errors: decide() and observe() never throw on any request; a check that
/// cannot judge a request denies it (fail closed). check_chains::run still
/// catches an exception and turns it into a 403.
class security_check {
public:
  virtual ~security_check() = default;

  /// Judges `req`. Returns verdict::allow() or a denial with status 400,
  /// 403 or 429 (and retry_after with 429). The `check` field may be left
  /// empty: check_chains::run fills in the instance name.
  virtual verdict decide(const check_request& req) = 0;

  /// Called after the device answered `req` successfully, with the JSON
  /// value that was read (readproperty; an object of all properties for
  /// affordance "*") or written (writeproperty). Lets a check learn the
  /// device's current state. Default: nothing.
  virtual void observe(const check_request& req, std::string_view value_json);

  /// Called when a request that decide() saw was refused later in the
  /// chain, or failed or was not carried out after the chain allowed it:
  /// lets a check release what it reserved for `req` (matched by
  /// req.request_id). Default: nothing.
  virtual void forget(const check_request& req);

  /// Counters and settings for the operator console, as a JSON object.
  /// Default: an empty object.
  virtual nlohmann::json inspect() const;
};

} // namespace kagami::security
