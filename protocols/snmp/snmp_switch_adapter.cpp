#include "protocols/snmp/snmp_switch_adapter.hpp"

#include <thread>
#include <utility>

#include "actors/core/error.hpp"
#include "protocols/snmp/switch_reading.hpp"

namespace kagami::protocols::snmp {

namespace {

using clock = std::chrono::steady_clock;

const object_identifier if_index_column = switch_oids::column(switch_oids::if_entry, 1);
const object_identifier if_admin_status_column = switch_oids::column(switch_oids::if_entry, 7);
const object_identifier if_oper_status_column = switch_oids::column(switch_oids::if_entry, 8);

constexpr std::chrono::milliseconds verify_interval{25};

const char* const interface_column_names[] = {
  "ifDescr",      "ifPhysAddress", "ifAdminStatus",   "ifOperStatus",    "ifName",
  "ifHCInOctets", "ifHCInUcastPkts", "ifHCOutOctets", "ifHCOutUcastPkts"};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

object_identifier with_index(object_identifier oid, uint32_t index) {
  oid.push_back(index);
  return oid;
}

/// Walks `subtree` and appends it to `out`; a failure, or a reading whose
/// deadline has passed, is a reason naming `table` instead.
void walk_into(snmp_client& client, const object_identifier& subtree, const std::string& table,
               std::vector<varbind>& out, std::vector<std::string>& degraded,
               clock::time_point deadline) {
  auto name = table + " (" + to_string(subtree) + ")";
  if (clock::now() >= deadline) {
    degraded.push_back(name + " not read: the reading's deadline passed");
    return;
  }
  auto walked = client.walk(subtree);
  if (!walked) {
    degraded.push_back(name + " not read: " + detail_of(walked.error()));
    return;
  }
  out.insert(out.end(), std::make_move_iterator(walked->begin()),
             std::make_move_iterator(walked->end()));
}

/// The decimal ifIndex of a cut target, or ec::invalid_value.
caf::expected<uint32_t> parse_if_index(const std::string& target) {
  auto bad = [&] {
    return make_error(ec::invalid_value, "port_down target '" + target.substr(0, 32)
                                           + "' is not an ifIndex (1..2147483647)");
  };
  if (target.empty() || target.size() > 10 || target.front() == '0')
    return bad();
  uint64_t value = 0;
  for (char c : target) {
    if (c < '0' || c > '9')
      return bad();
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > 2147483647u)
    return bad();
  return static_cast<uint32_t>(value);
}

std::optional<int64_t> integer_of(const varbind& vb) {
  if (auto* i = std::get_if<integer_value>(&vb.value))
    return i->value;
  return std::nullopt;
}

std::string status_text(std::optional<int64_t> status) {
  if (!status)
    return "unknown";
  switch (*status) {
    case 1: return "1 (up)";
    case 2: return "2 (down)";
    case 3: return "3 (testing)";
    default: return std::to_string(*status);
  }
}

} // namespace

caf::error snmp_switch_config::validate() const {
  auto prefix = "snmp switch " + (element_id.empty() ? std::string{"?"} : element_id) + ": ";
  if (element_id.empty())
    return make_error(ec::config_invalid, prefix + "element_id: must not be empty");
  if (read_community.empty())
    return make_error(ec::config_invalid, prefix + "read_community: must not be empty");
  if (write_community && write_community->empty())
    return make_error(ec::config_invalid,
                      prefix + "write_community: must not be empty when present");
  if (read_deadline < std::chrono::milliseconds{1} || read_deadline > std::chrono::minutes{10})
    return make_error(ec::config_invalid, prefix + "read_deadline: must be 1 ms .. 10 min");
  if (verify_timeout < std::chrono::milliseconds{0} || verify_timeout > std::chrono::minutes{1})
    return make_error(ec::config_invalid, prefix + "verify_timeout: must be 0 .. 60 s");
  if (auto err = read_session().validate())
    return make_error(ec::config_invalid, prefix + detail_of(err));
  if (write_community)
    if (auto err = write_session().validate())
      return make_error(ec::config_invalid, prefix + "write_community: " + detail_of(err));
  return {};
}

session_config snmp_switch_config::read_session() const {
  session_config result;
  result.address = management_address;
  result.community = read_community;
  result.timeout = timeout;
  result.retries = retries;
  result.max_repetitions = max_repetitions;
  result.max_walk_varbinds = max_walk_varbinds;
  result.walk_deadline = walk_deadline;
  result.limits = limits;
  return result;
}

session_config snmp_switch_config::write_session() const {
  auto result = read_session();
  result.community = write_community.value_or("");
  return result;
}

caf::expected<std::unique_ptr<snmp_switch_adapter>>
snmp_switch_adapter::make(snmp_switch_config config, snmp_session_factory factory) {
  if (auto err = config.validate())
    return err;
  if (!factory)
    factory = open_snmp_session;
  return std::unique_ptr<snmp_switch_adapter>{
    new snmp_switch_adapter(std::move(config), std::move(factory))};
}

snmp_switch_adapter::snmp_switch_adapter(snmp_switch_config config,
                                         snmp_session_factory factory)
  : config_(std::move(config)), factory_(std::move(factory)) {
}

caf::expected<snmp_client*> snmp_switch_adapter::reader() {
  if (reader_ == nullptr) {
    auto opened = factory_(config_.read_session());
    if (!opened)
      return opened.error();
    reader_ = std::move(*opened);
  }
  return reader_.get();
}

caf::expected<snmp_client*> snmp_switch_adapter::writer() {
  if (!config_.write_community)
    return make_error(ec::not_writable,
                      "snmp switch " + config_.element_id + " has no write community");
  if (writer_ == nullptr) {
    auto opened = factory_(config_.write_session());
    if (!opened)
      return opened.error();
    writer_ = std::move(*opened);
  }
  return writer_.get();
}

caf::error snmp_switch_adapter::walk_interfaces(snmp_client& client, std::vector<varbind>& out,
                                                std::vector<std::string>& degraded,
                                                clock::time_point deadline) {
  auto columns = switch_oids::interface_columns();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i == 0) {
      // The agent's own IF-MIB: no answer here means no answer at all.
      auto walked = client.walk(columns[i]);
      if (!walked) {
        if (code_of(walked.error()) == ec::device_timeout)
          return make_error(ec::device_timeout, "snmp switch " + config_.element_id + ": "
                                                  + detail_of(walked.error()));
        degraded.push_back(std::string{interface_column_names[i]} + " ("
                           + to_string(columns[i]) + ") not read: "
                           + detail_of(walked.error()));
        continue;
      }
      out = std::move(*walked);
      continue;
    }
    walk_into(client, columns[i], interface_column_names[i], out, degraded, deadline);
  }
  return {};
}

caf::expected<network::element_reading> snmp_switch_adapter::read_neighbours() {
  using namespace switch_oids;
  auto observed_at = now_ms();
  auto deadline = clock::now() + config_.read_deadline;
  auto client = reader();
  if (!client)
    return client.error();
  auto& c = **client;
  switch_walks walks;
  if (auto err = walk_interfaces(c, walks.interfaces, walks.degraded, deadline))
    return err;
  if (auto chassis = c.get({lldp_local_chassis_subtype, lldp_local_chassis_id, bridge_address}))
    walks.chassis = std::move(*chassis);
  else
    walks.degraded.push_back("chassis id (lldpLocChassisId, dot1dBaseBridgeAddress) not read: "
                             + detail_of(chassis.error()));
  walk_into(c, bridge_port_if_index, "dot1dBasePortIfIndex", walks.bridge_ports,
            walks.degraded, deadline);
  walk_into(c, column(fdb_entry, 2), "dot1dTpFdbPort", walks.fdb, walks.degraded, deadline);
  walk_into(c, column(fdb_entry, 3), "dot1dTpFdbStatus", walks.fdb, walks.degraded, deadline);
  walk_into(c, lldp_local_port_entry, "lldpLocPortTable", walks.lldp_local_ports,
            walks.degraded, deadline);
  walk_into(c, lldp_remote_entry, "lldpRemTable", walks.lldp_remote, walks.degraded, deadline);
  walk_into(c, lldp_remote_address_entry, "lldpRemManAddrTable", walks.lldp_remote,
            walks.degraded, deadline);
  walk_into(c, lldp_remote_org_entry, "lldpRemOrgDefInfoTable", walks.lldp_remote,
            walks.degraded, deadline);
  topology::element reporter;
  reporter.id = config_.element_id;
  reporter.kind = topology::element_kind::switch_element;
  reporter.management_address = config_.management_address;
  return to_element_reading(reporter, walks, observed_at, config_.limits);
}

caf::expected<network::counter_reading> snmp_switch_adapter::read_counters() {
  auto observed_at = now_ms();
  auto deadline = clock::now() + config_.read_deadline;
  auto client = reader();
  if (!client)
    return client.error();
  std::vector<varbind> interfaces;
  std::vector<std::string> degraded;
  if (auto err = walk_interfaces(**client, interfaces, degraded, deadline))
    return err;
  return to_counter_reading(interfaces, std::move(degraded), observed_at, config_.limits);
}

std::vector<network::cut_action> snmp_switch_adapter::capabilities() const {
  if (config_.write_community)
    return {network::cut_action::port_down};
  return {};
}

caf::expected<network::cut_outcome>
snmp_switch_adapter::cut(const network::cut_order& order) {
  return set_admin_status(order, 2);
}

caf::expected<network::cut_outcome>
snmp_switch_adapter::restore(const network::cut_order& order) {
  return set_admin_status(order, 1);
}

caf::expected<network::cut_outcome>
snmp_switch_adapter::set_admin_status(const network::cut_order& order, int64_t wanted) {
  if (order.action != network::cut_action::port_down)
    return make_error(ec::not_writable, "snmp switch " + config_.element_id
                                          + " offers only port_down, not "
                                          + network::to_string(order.action));
  auto if_index = parse_if_index(order.target);
  if (!if_index)
    return if_index.error();
  auto write = writer();
  if (!write)
    return write.error();
  auto read = reader();
  if (!read)
    return read.error();
  // The target must be an interface the agent lists.
  auto known = (*read)->get({with_index(if_index_column, *if_index)});
  if (!known)
    return known.error();
  if (std::holds_alternative<no_value>(known->front().value))
    return make_error(ec::invalid_value, "ifIndex " + order.target
                                           + " is not an interface of snmp switch "
                                           + config_.element_id);
  auto admin_oid = with_index(if_admin_status_column, *if_index);
  auto oper_oid = with_index(if_oper_status_column, *if_index);
  if (auto err = (*write)->set_integer(admin_oid, wanted))
    return err;
  network::cut_outcome outcome;
  outcome.applied = true;
  outcome.acknowledged_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  auto verify_until = clock::now() + config_.verify_timeout;
  for (;;) {
    auto status = (*read)->get({admin_oid, oper_oid});
    if (!status) {
      outcome.detail = "ifAdminStatus set to " + status_text(wanted)
                       + ", read-back failed: " + detail_of(status.error());
    } else {
      auto admin = integer_of((*status)[0]);
      auto oper = integer_of((*status)[1]);
      // A port taken down must stop forwarding too: its oper status must
      // leave up(1). Bringing one up needs only the admin status (the
      // link may have no carrier).
      outcome.verified = admin == wanted && (wanted != 2 || oper != 1);
      outcome.detail = "ifIndex " + order.target + ": ifAdminStatus " + status_text(admin)
                       + ", ifOperStatus " + status_text(oper);
    }
    if (outcome.verified || clock::now() + verify_interval > verify_until)
      break;
    std::this_thread::sleep_for(verify_interval);
  }
  return outcome;
}

} // namespace kagami::protocols::snmp
