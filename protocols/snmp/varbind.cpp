#include "protocols/snmp/varbind.hpp"

#include <algorithm>

#include "actors/core/error.hpp"

namespace kagami::protocols::snmp {

std::string to_string(const object_identifier& oid) {
  std::string result;
  for (size_t i = 0; i < oid.size(); ++i) {
    if (i > 0)
      result += '.';
    result += std::to_string(oid[i]);
  }
  return result;
}

std::string type_name(const snmp_value& value) {
  struct visitor {
    std::string operator()(const integer_value&) const { return "Integer"; }
    std::string operator()(const unsigned_value& x) const {
      switch (x.type) {
        case unsigned_value::kind::counter32: return "Counter32";
        case unsigned_value::kind::gauge32: return "Gauge32";
        case unsigned_value::kind::timeticks: return "Timeticks";
        default: return "Unsigned32";
      }
    }
    std::string operator()(const counter64_value&) const { return "Counter64"; }
    std::string operator()(const octet_string_value&) const { return "OctetString"; }
    std::string operator()(const object_id_value&) const { return "ObjectIdentifier"; }
    std::string operator()(const ip_address_value&) const { return "IpAddress"; }
    std::string operator()(const no_value& x) const {
      switch (x.type) {
        case no_value::kind::no_such_object: return "noSuchObject";
        case no_value::kind::no_such_instance: return "noSuchInstance";
        case no_value::kind::end_of_mib_view: return "endOfMibView";
        default: return "Null";
      }
    }
  };
  return std::visit(visitor{}, value);
}

bool starts_with(const object_identifier& oid, const object_identifier& prefix) {
  return oid.size() >= prefix.size()
         && std::equal(prefix.begin(), prefix.end(), oid.begin());
}

caf::error check_limits(const std::vector<varbind>& varbinds, const decode_limits& limits) {
  if (varbinds.size() > limits.max_varbinds)
    return make_error(ec::device_bad_reply,
                      std::to_string(varbinds.size()) + " varbinds exceed the limit of "
                        + std::to_string(limits.max_varbinds));
  for (auto& vb : varbinds) {
    if (vb.oid.size() > limits.max_oid_length)
      return make_error(ec::device_bad_reply,
                        "OID " + to_string(object_identifier(
                          vb.oid.begin(), vb.oid.begin() + std::min<size_t>(16, vb.oid.size())))
                          + "... has " + std::to_string(vb.oid.size())
                          + " sub-identifiers, more than "
                          + std::to_string(limits.max_oid_length));
    if (auto* s = std::get_if<octet_string_value>(&vb.value);
        s && s->bytes.size() > limits.max_string_length)
      return make_error(ec::device_bad_reply,
                        to_string(vb.oid) + ": OctetString of "
                          + std::to_string(s->bytes.size()) + " bytes, more than "
                          + std::to_string(limits.max_string_length));
    if (auto* o = std::get_if<object_id_value>(&vb.value);
        o && o->value.size() > limits.max_oid_length)
      return make_error(ec::device_bad_reply,
                        to_string(vb.oid) + ": ObjectIdentifier value of "
                          + std::to_string(o->value.size())
                          + " sub-identifiers, more than "
                          + std::to_string(limits.max_oid_length));
  }
  return {};
}

caf::error check_walk_order(const std::vector<varbind>& varbinds) {
  const varbind* previous = nullptr;
  for (auto& vb : varbinds) {
    if (auto* n = std::get_if<no_value>(&vb.value);
        n && n->type == no_value::kind::end_of_mib_view)
      continue;
    if (previous != nullptr && !(previous->oid < vb.oid))
      return make_error(ec::device_bad_reply,
                        "walk does not advance: " + to_string(vb.oid) + " after "
                          + to_string(previous->oid) + " (getnext loop)");
    previous = &vb;
  }
  return {};
}

} // namespace kagami::protocols::snmp
