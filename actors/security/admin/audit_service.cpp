#include "actors/security/admin/audit_service.hpp"

#include <caf/all.hpp>

#include "storage/audit_verify.hpp"

namespace kagami::security {

namespace {

audit_service_actor::behavior_type audit_service(audit_service_actor::pointer,
                                                 storage::kv_store* store) {
  return {
    [store](query_atom, const storage::audit_filter& f) -> caf::result<std::string> {
      auto records = storage::audit_query(*store, f);
      if (!records)
        return std::move(records.error());
      return storage::audit_records_json(*records);
    },
    [store](verify_atom) -> caf::result<std::string> {
      auto report = storage::audit_verify(*store);
      if (!report)
        return std::move(report.error());
      return storage::audit_report_json(*report);
    },
  };
}

} // namespace

audit_service_actor spawn_audit_service(caf::actor_system& sys, storage::kv_store& store) {
  return sys.spawn<caf::detached>(audit_service, &store);
}

} // namespace kagami::security
