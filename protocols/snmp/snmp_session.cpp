#include "protocols/snmp/snmp_session.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <mutex>

#include <arpa/inet.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
// net-snmp names the GETBULK fields by macros over errstat/errindex; they
// would rename session_config::max_repetitions.
#undef non_repeaters
#undef max_repetitions

#include "actors/core/error.hpp"

namespace kagami::protocols::snmp {

namespace {

constexpr uint64_t max_sub_identifier = std::numeric_limits<uint32_t>::max();

/// The persistent directory net-snmp is given. It can never exist (a path
/// under a character device), so nothing is written anywhere: Debian's
/// net-snmp creates SNMP_PERSISTENT_DIR/cert_indexes at init_snmp even
/// with persistence disabled.
constexpr const char* no_persistent_dir = "/dev/null/kagami-snmp-state";

} // namespace

void init_snmp_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_LOAD_HOST_FILES, 1);
    netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_PERSISTENT_DIR,
                          no_persistent_dir);
    // No MIB modules and no MIB directory: OIDs stay numeric, no file is
    // read. init_snmp takes the module list from $MIBS only.
    setenv("MIBS", "", 1);
    netsnmp_set_mib_directory("");
    init_snmp("kagami");
  });
}

namespace {

struct pdu_deleter {
  void operator()(netsnmp_pdu* p) const {
    if (p != nullptr)
      snmp_free_pdu(p);
  }
};

using pdu_ptr = std::unique_ptr<netsnmp_pdu, pdu_deleter>;

std::vector<oid> to_netsnmp(const object_identifier& x) {
  return std::vector<oid>(x.begin(), x.end());
}

std::string type_hex(u_char type) {
  static constexpr char digits[] = "0123456789abcdef";
  return std::string("0x") + digits[type >> 4] + digits[type & 0xf];
}

caf::error bad_reply(std::string what) {
  return make_error(ec::device_bad_reply, std::move(what));
}

/// The OID of one received varbind, bounded by `limits`.
caf::expected<object_identifier> convert_name(const netsnmp_variable_list& v,
                                              const decode_limits& limits) {
  if (v.name == nullptr || v.name_length == 0)
    return bad_reply("a varbind without a name");
  if (v.name_length > limits.max_oid_length || v.name_length > MAX_OID_LEN)
    return bad_reply("a varbind name of " + std::to_string(v.name_length)
                     + " sub-identifiers, more than "
                     + std::to_string(std::min<size_t>(limits.max_oid_length, MAX_OID_LEN)));
  object_identifier result;
  result.reserve(v.name_length);
  for (size_t i = 0; i < v.name_length; ++i) {
    if (static_cast<uint64_t>(v.name[i]) > max_sub_identifier)
      return bad_reply("a varbind name with a sub-identifier above 2^32-1");
    result.push_back(static_cast<uint32_t>(v.name[i]));
  }
  return result;
}

/// One net-snmp variable as a varbind. Every length is checked before
/// anything is copied by it.
caf::expected<varbind> convert(const netsnmp_variable_list& v, const decode_limits& limits) {
  auto name = convert_name(v, limits);
  if (!name)
    return name.error();
  varbind result;
  result.oid = std::move(*name);
  auto where = [&] { return to_string(result.oid) + ": "; };
  auto need_scalar = [&](size_t size) -> caf::error {
    if (v.val.integer == nullptr || v.val_len != size)
      return bad_reply(where() + "value of type " + type_hex(v.type)
                       + " with a length of " + std::to_string(v.val_len));
    return {};
  };
  switch (v.type) {
    case ASN_INTEGER: {
      if (auto err = need_scalar(sizeof(long)))
        return err;
      result.value = integer_value{static_cast<int64_t>(*v.val.integer)};
      return result;
    }
    case ASN_COUNTER:
    case ASN_GAUGE: // == ASN_UNSIGNED
    case ASN_TIMETICKS:
    case ASN_UINTEGER: {
      if (auto err = need_scalar(sizeof(long)))
        return err;
      auto raw = static_cast<uint64_t>(static_cast<unsigned long>(*v.val.integer));
      if (raw > max_sub_identifier)
        return bad_reply(where() + "32-bit unsigned value " + std::to_string(raw)
                         + " out of range");
      unsigned_value x;
      x.type = v.type == ASN_COUNTER     ? unsigned_value::kind::counter32
               : v.type == ASN_TIMETICKS ? unsigned_value::kind::timeticks
               : v.type == ASN_GAUGE     ? unsigned_value::kind::gauge32
                                         : unsigned_value::kind::unsigned32;
      x.value = static_cast<uint32_t>(raw);
      result.value = x;
      return result;
    }
    case ASN_COUNTER64: {
      if (v.val.counter64 == nullptr || v.val_len != sizeof(struct counter64))
        return bad_reply(where() + "Counter64 with a length of " + std::to_string(v.val_len));
      auto high = static_cast<uint64_t>(v.val.counter64->high);
      auto low = static_cast<uint64_t>(v.val.counter64->low);
      if (high > max_sub_identifier || low > max_sub_identifier)
        return bad_reply(where() + "Counter64 halves out of range");
      result.value = counter64_value{(high << 32) | low};
      return result;
    }
    case ASN_OCTET_STR: {
      if (v.val_len > limits.max_string_length)
        return bad_reply(where() + "OctetString of " + std::to_string(v.val_len)
                         + " bytes, more than " + std::to_string(limits.max_string_length));
      if (v.val_len > 0 && v.val.string == nullptr)
        return bad_reply(where() + "OctetString without its bytes");
      octet_string_value x;
      if (v.val_len > 0)
        x.bytes.assign(v.val.string, v.val.string + v.val_len);
      result.value = std::move(x);
      return result;
    }
    case ASN_OBJECT_ID: {
      if (v.val_len % sizeof(oid) != 0)
        return bad_reply(where() + "ObjectIdentifier value of " + std::to_string(v.val_len)
                         + " bytes");
      auto count = v.val_len / sizeof(oid);
      if (count > limits.max_oid_length)
        return bad_reply(where() + "ObjectIdentifier value of " + std::to_string(count)
                         + " sub-identifiers, more than "
                         + std::to_string(limits.max_oid_length));
      if (count > 0 && v.val.objid == nullptr)
        return bad_reply(where() + "ObjectIdentifier without its sub-identifiers");
      object_id_value x;
      x.value.reserve(count);
      for (size_t i = 0; i < count; ++i) {
        if (static_cast<uint64_t>(v.val.objid[i]) > max_sub_identifier)
          return bad_reply(where() + "ObjectIdentifier value with a sub-identifier above 2^32-1");
        x.value.push_back(static_cast<uint32_t>(v.val.objid[i]));
      }
      result.value = std::move(x);
      return result;
    }
    case ASN_IPADDRESS: {
      if (v.val.string == nullptr || v.val_len != 4)
        return bad_reply(where() + "IpAddress of " + std::to_string(v.val_len) + " bytes");
      ip_address_value x;
      std::copy(v.val.string, v.val.string + 4, x.bytes.begin());
      result.value = x;
      return result;
    }
    case ASN_NULL:
      result.value = no_value{no_value::kind::null};
      return result;
    case SNMP_NOSUCHOBJECT:
      result.value = no_value{no_value::kind::no_such_object};
      return result;
    case SNMP_NOSUCHINSTANCE:
      result.value = no_value{no_value::kind::no_such_instance};
      return result;
    case SNMP_ENDOFMIBVIEW:
      result.value = no_value{no_value::kind::end_of_mib_view};
      return result;
    default:
      return bad_reply(where() + "unsupported value type " + type_hex(v.type)
                       + " (Opaque, BITS or another type the decoders do not read)");
  }
}

/// Converts every varbind of `response`, at most limits.max_varbinds.
caf::expected<std::vector<varbind>> convert_all(const netsnmp_pdu& response,
                                                const decode_limits& limits) {
  size_t count = 0;
  for (auto* v = response.variables; v != nullptr; v = v->next_variable)
    if (++count > limits.max_varbinds)
      return bad_reply("a reply of more than " + std::to_string(limits.max_varbinds)
                       + " varbinds");
  std::vector<varbind> result;
  result.reserve(count);
  for (auto* v = response.variables; v != nullptr; v = v->next_variable) {
    auto x = convert(*v, limits);
    if (!x)
      return x.error();
    result.push_back(std::move(*x));
  }
  return result;
}

bool is_end_of_mib_view(const varbind& vb) {
  auto* n = std::get_if<no_value>(&vb.value);
  return n != nullptr && n->type == no_value::kind::end_of_mib_view;
}

class snmp_session final : public snmp_client {
public:
  snmp_session(void* handle, session_config config)
    : handle_(handle), config_(std::move(config)) {
  }

  ~snmp_session() override {
    snmp_sess_close(handle_);
  }

  caf::expected<std::vector<varbind>>
  get(const std::vector<object_identifier>& oids) override {
    if (oids.empty() || oids.size() > config_.limits.max_varbinds)
      return make_error(ec::invalid_value, "GET of " + std::to_string(oids.size())
                                             + " OIDs (1.."
                                             + std::to_string(config_.limits.max_varbinds)
                                             + ")");
    auto* pdu = snmp_pdu_create(SNMP_MSG_GET);
    if (pdu == nullptr)
      return make_error(ec::unavailable, "net-snmp could not allocate a PDU");
    for (auto& x : oids) {
      auto name = to_netsnmp(x);
      snmp_add_null_var(pdu, name.data(), name.size());
    }
    auto response = exchange(pdu, "GET " + to_string(oids.front()));
    if (!response)
      return response.error();
    auto result = convert_all(**response, config_.limits);
    if (!result)
      return result.error();
    if (result->size() != oids.size())
      return bad_reply("GET of " + std::to_string(oids.size()) + " OIDs answered with "
                       + std::to_string(result->size()) + " varbinds");
    for (size_t i = 0; i < oids.size(); ++i)
      if ((*result)[i].oid != oids[i])
        return bad_reply("GET of " + to_string(oids[i]) + " answered for "
                         + to_string((*result)[i].oid));
    return result;
  }

  caf::expected<std::vector<varbind>> walk(const object_identifier& subtree) override {
    using clock = std::chrono::steady_clock;
    auto deadline = clock::now() + config_.walk_deadline;
    std::vector<varbind> result;
    object_identifier last = subtree;
    for (;;) {
      if (clock::now() >= deadline)
        return make_error(ec::device_timeout,
                          "walk of " + to_string(subtree) + " exceeded its deadline of "
                            + std::to_string(config_.walk_deadline.count()) + " ms after "
                            + std::to_string(result.size()) + " varbinds");
      auto* pdu = snmp_pdu_create(SNMP_MSG_GETBULK);
      if (pdu == nullptr)
        return make_error(ec::unavailable, "net-snmp could not allocate a PDU");
      pdu->errstat = 0;                                           // non-repeaters
      pdu->errindex = static_cast<long>(config_.max_repetitions); // max-repetitions
      auto name = to_netsnmp(last);
      snmp_add_null_var(pdu, name.data(), name.size());
      auto response = exchange(pdu, "GETBULK " + to_string(last));
      if (!response)
        return response.error();
      auto batch = convert_all(**response, config_.limits);
      if (!batch)
        return batch.error();
      if (batch->empty())
        return bad_reply("GETBULK " + to_string(last) + " answered with no varbinds");
      for (auto& vb : *batch) {
        if (is_end_of_mib_view(vb))
          return result;
        // Checked before the subtree end: an agent that answers an OID at
        // or before the one asked for is looping, wherever that OID is.
        if (!(last < vb.oid))
          return bad_reply("getnext loop at OID " + to_string(vb.oid) + ": not after "
                           + to_string(last) + " (walk of " + to_string(subtree) + ")");
        if (!starts_with(vb.oid, subtree))
          return result;
        if (result.size() >= config_.max_walk_varbinds)
          return bad_reply("walk of " + to_string(subtree) + " exceeds "
                           + std::to_string(config_.max_walk_varbinds) + " varbinds");
        last = vb.oid;
        result.push_back(std::move(vb));
      }
    }
  }

  caf::error set_integer(const object_identifier& oid_value, int64_t value) override {
    if (value < std::numeric_limits<int32_t>::min()
        || value > std::numeric_limits<int32_t>::max())
      return make_error(ec::invalid_value,
                        "INTEGER " + std::to_string(value) + " out of the 32-bit range");
    if (oid_value.empty() || oid_value.size() > MAX_OID_LEN)
      return make_error(ec::invalid_value, "SET of an OID of "
                                             + std::to_string(oid_value.size())
                                             + " sub-identifiers");
    auto* pdu = snmp_pdu_create(SNMP_MSG_SET);
    if (pdu == nullptr)
      return make_error(ec::unavailable, "net-snmp could not allocate a PDU");
    auto name = to_netsnmp(oid_value);
    long x = static_cast<long>(value);
    snmp_pdu_add_variable(pdu, name.data(), name.size(), ASN_INTEGER, &x, sizeof(x));
    auto response = exchange(pdu, "SET " + to_string(oid_value));
    if (!response)
      return response.error();
    return {};
  }

private:
  /// Sends `request` (consumed) and waits for its response. An
  /// errorStatus in the response is ec::device_error.
  caf::expected<pdu_ptr> exchange(netsnmp_pdu* request, const std::string& what) {
    netsnmp_pdu* raw = nullptr;
    auto status = snmp_sess_synch_response(handle_, request, &raw);
    pdu_ptr response{raw};
    if (status == STAT_TIMEOUT)
      return make_error(ec::device_timeout,
                        what + ": no answer from " + config_.address + " within "
                          + std::to_string(config_.timeout.count()) + " ms x "
                          + std::to_string(config_.retries + 1)
                          + " (down, unreachable or a wrong community)");
    if (status != STAT_SUCCESS) {
      int clib_errno = 0;
      int snmp_errno = 0;
      char* text = nullptr;
      snmp_sess_error(handle_, &clib_errno, &snmp_errno, &text);
      std::string detail = text != nullptr ? text : "unknown error";
      free(text);
      if (detail.size() > 200)
        detail.resize(200);
      return make_error(ec::device_timeout,
                        what + ": " + config_.address + " could not be reached: " + detail);
    }
    if (response == nullptr)
      return bad_reply(what + ": no response PDU");
    if (response->command != SNMP_MSG_RESPONSE)
      return bad_reply(what + ": a PDU of type " + std::to_string(response->command)
                       + " instead of a Response");
    if (response->errstat != SNMP_ERR_NOERROR) {
      std::string at;
      long i = 1;
      for (auto* v = response->variables; v != nullptr; v = v->next_variable, ++i)
        if (i == response->errindex) {
          if (auto name = convert_name(*v, config_.limits))
            at = " at " + to_string(*name);
          break;
        }
      return make_error(ec::device_error,
                        what + ": " + error_status_name(response->errstat) + at);
    }
    return response;
  }

  void* handle_;
  session_config config_;
};

} // namespace

caf::error session_config::validate() const {
  auto bad = [](std::string what) { return make_error(ec::config_invalid, std::move(what)); };
  if (auto t = transport_address(address); !t)
    return t.error();
  if (community.empty() || community.size() > 255)
    return bad("community: must have 1..255 bytes");
  if (timeout < std::chrono::milliseconds{1} || timeout > std::chrono::seconds{60})
    return bad("timeout: must be 1 ms .. 60 s");
  if (retries < 0 || retries > 10)
    return bad("retries: must be 0..10");
  if (max_repetitions < 1 || max_repetitions > 1000)
    return bad("max_repetitions: must be 1..1000");
  if (max_walk_varbinds < 1 || max_walk_varbinds > 1'000'000)
    return bad("max_walk_varbinds: must be 1..1000000");
  if (walk_deadline < std::chrono::milliseconds{1} || walk_deadline > std::chrono::minutes{10})
    return bad("walk_deadline: must be 1 ms .. 10 min");
  if (limits.max_varbinds < 1 || limits.max_oid_length < 2 || limits.max_string_length < 1)
    return bad("limits: max_varbinds, max_oid_length (>= 2) and max_string_length must be set");
  return {};
}

caf::expected<std::string> transport_address(const std::string& address) {
  auto bad = [&](const char* why) {
    return make_error(ec::config_invalid,
                      "address '" + address.substr(0, 64) + "': " + why
                        + " (expected IPv4[:port] or [IPv6][:port])");
  };
  std::string host;
  std::string port = "161";
  bool v6 = false;
  if (!address.empty() && address.front() == '[') {
    auto close = address.find(']');
    if (close == std::string::npos)
      return bad("no ']'");
    host = address.substr(1, close - 1);
    auto rest = address.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':')
        return bad("text after ']' is not ':port'");
      port = rest.substr(1);
    }
    v6 = true;
  } else {
    auto colon = address.find(':');
    host = address.substr(0, colon);
    if (colon != std::string::npos)
      port = address.substr(colon + 1);
  }
  unsigned char buf[16];
  if (host.empty() || inet_pton(v6 ? AF_INET6 : AF_INET, host.c_str(), buf) != 1)
    return bad(v6 ? "not an IPv6 address" : "not an IPv4 address");
  if (port.empty() || port.size() > 5
      || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return bad("port is not a number");
  auto number = std::stoul(port);
  if (number < 1 || number > 65535)
    return bad("port out of 1..65535");
  if (v6)
    return "udp6:[" + host + "]:" + std::to_string(number);
  return "udp:" + host + ":" + std::to_string(number);
}

std::string error_status_name(long status) {
  static constexpr const char* names[] = {
    "noError",     "tooBig",          "noSuchName",          "badValue",
    "readOnly",    "genErr",          "noAccess",            "wrongType",
    "wrongLength", "wrongEncoding",   "wrongValue",          "noCreation",
    "inconsistentValue", "resourceUnavailable", "commitFailed", "undoFailed",
    "authorizationError", "notWritable", "inconsistentName"};
  if (status >= 0 && static_cast<size_t>(status) < std::size(names))
    return names[status];
  return "errorStatus " + std::to_string(status);
}

caf::expected<std::unique_ptr<snmp_client>> open_snmp_session(const session_config& config) {
  if (auto err = config.validate())
    return err;
  auto peer = transport_address(config.address);
  if (!peer)
    return peer.error();
  init_snmp_library();
  netsnmp_session session;
  snmp_sess_init(&session);
  session.version = SNMP_VERSION_2c;
  session.peername = peer->data();
  std::string community = config.community;
  session.community = reinterpret_cast<u_char*>(community.data());
  session.community_len = community.size();
  session.timeout = static_cast<long>(config.timeout.count()) * 1000;
  session.retries = config.retries;
  // snmp_sess_open copies the peer name and the community.
  void* handle = snmp_sess_open(&session);
  if (handle == nullptr) {
    int clib_errno = 0;
    int snmp_errno = 0;
    char* text = nullptr;
    snmp_error(&session, &clib_errno, &snmp_errno, &text);
    std::string detail = text != nullptr ? text : "unknown error";
    free(text);
    return make_error(ec::unavailable,
                      "cannot open an SNMP session to " + config.address + ": " + detail);
  }
  return std::unique_ptr<snmp_client>{new snmp_session(handle, config)};
}

} // namespace kagami::protocols::snmp
