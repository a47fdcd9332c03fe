// acl_policy: the rules parser (errors name the JSON pointer), time windows,
// precedence (deny wins, deny by default), reasons, and the authorization
// matrix of issue 4: every role x thing x affordance x op of a generated site
// against an oracle that expands the rules into a set of granted tuples.

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "actors/security/authz/acl_policy.hpp"

using namespace kagami::security::authz;
using namespace std::chrono;

namespace {

// 2026-11-23 was a Monday.
system_clock::time_point utc(int day_of_nov, int hh, int mm) {
  return sys_days{year{2026} / November / day_of_nov} + hours{hh} + minutes{mm};
}

acl_policy policy_of(const std::string& text) {
  auto rules = parse_acl_rules(text);
  EXPECT_TRUE(rules) << kagami::detail_of(rules.error());
  return acl_policy{rules ? std::move(*rules) : std::vector<acl_rule>{}};
}

struct request_data {
  std::string subject = "alice";
  subject_kind kind = subject_kind::user;
  std::vector<std::string> roles{"operator"};
  std::string thing = "press-1";
  std::string model = "press";
  std::vector<std::string> tags{"line-1"};
  std::string affordance = "setpoint";
  operation op = operation::writeproperty;
  system_clock::time_point time = utc(23, 10, 0); // Monday 10:00 UTC

  access_request view() const {
    return {subject, kind, roles, thing, model, tags, affordance, op, time};
  }
};

} // namespace

// -- parser ------------------------------------------------------------------

TEST(acl_rules, parses_every_field) {
  auto rules = parse_acl_rules(R"({"rules": [
    {"subject": "role:operator", "thing": "model:press", "affordance": "setpoint",
     "op": ["readproperty", "writeproperty"], "effect": "deny",
     "window": {"days": ["mon", "fri"], "from": "22:00", "to": "02:30",
                "utc_offset": "-05:30"}},
    {"subject": "app:hmi", "thing": "*", "op": "*"},
    {"subject": "user:bob", "thing": "tag:line-1", "op": "subscribeevent"},
    {"subject": "role:x", "thing": "id:press-1", "op": "invokeaction",
     "window": {"from": "06:00", "to": "24:00"}}]})");
  ASSERT_TRUE(rules) << kagami::detail_of(rules.error());
  ASSERT_EQ(rules->size(), 4u);
  auto& r0 = (*rules)[0];
  EXPECT_EQ(r0.subject, acl_rule::subject_type::role);
  EXPECT_EQ(r0.subject_name, "operator");
  EXPECT_EQ(r0.thing, acl_rule::thing_type::model);
  EXPECT_EQ(r0.thing_value, "press");
  EXPECT_EQ(r0.affordance, "setpoint");
  EXPECT_EQ(r0.ops, 0b0011);
  EXPECT_TRUE(r0.deny);
  ASSERT_TRUE(r0.window);
  EXPECT_EQ(r0.window->days, 0b10001);
  EXPECT_EQ(r0.window->from, 22 * 60);
  EXPECT_EQ(r0.window->to, 2 * 60 + 30);
  EXPECT_EQ(r0.window->offset_minutes, -330);
  auto& r1 = (*rules)[1];
  EXPECT_EQ(r1.subject, acl_rule::subject_type::app);
  EXPECT_EQ(r1.thing, acl_rule::thing_type::any);
  EXPECT_EQ(r1.affordance, "*");
  EXPECT_EQ(r1.ops, 0b1111);
  EXPECT_FALSE(r1.deny);
  EXPECT_FALSE(r1.window);
  EXPECT_EQ((*rules)[2].thing, acl_rule::thing_type::tag);
  EXPECT_EQ((*rules)[2].ops, 0b1000);
  EXPECT_EQ((*rules)[3].thing, acl_rule::thing_type::id);
  EXPECT_EQ((*rules)[3].window->days, 0x7f);
  EXPECT_EQ((*rules)[3].window->to, 1440);
  // A bare array is a section.
  auto bare = parse_acl_rules(R"([{"subject": "app:hmi", "thing": "*", "op": "*"}])");
  ASSERT_TRUE(bare);
  EXPECT_EQ((*bare)[0], r1);
}

TEST(acl_rules, errors_name_the_json_pointer) {
  struct row {
    const char* text;
    const char* detail_prefix;
  };
  const std::string ok = R"("subject": "role:a", "thing": "*")";
  std::vector<row> rows{
    {"", "/: not valid JSON"},
    {"{", "/: not valid JSON"},
    {"42", "/: expected an array of rules"},
    {R"({"rule": []})", "/rule: unknown key"},
    {R"({})", "/: missing \"rules\""},
    {R"({"rules": {}})", "/rules: expected an array"},
    {R"({"rules": [1]})", "/rules/0: expected an object"},
    {R"({"rules": [{"thing": "*", "op": "*"}]})", "/rules/0: missing \"subject\""},
    {R"({"rules": [{"subject": "role:a", "op": "*"}]})", "/rules/0: missing \"thing\""},
    {R"({"rules": [{"subject": "role:a", "thing": "*"}]})", "/rules/0: missing \"op\""},
    {R"({"rules": [{"subject": "group:a", "thing": "*", "op": "*"}]})",
     "/rules/0/subject: expected app:NAME, user:NAME, role:NAME, got \"group:a\""},
    {R"({"rules": [{"subject": "role:", "thing": "*", "op": "*"}]})",
     "/rules/0/subject: empty name after \"role\""},
    {R"({"rules": [{"subject": "", "thing": "*", "op": "*"}]})", "/rules/0/subject: empty"},
    {R"({"rules": [{"subject": 7, "thing": "*", "op": "*"}]})",
     "/rules/0/subject: expected a string"},
    {R"({"rules": [{"subject": "role:a", "thing": "site:x", "op": "*"}]})",
     "/rules/0/thing: expected id:NAME, model:NAME, tag:NAME"},
    {R"({"rules": [{"subject": "role:a", "thing": "*", "op": "*"}, )"
     R"({"subject": "role:a", "thing": "*", "op": ["readproperty", "delete"]}]})",
     "/rules/1/op/1: unknown op \"delete\""},
    {R"({"rules": [{"subject": "role:a", "thing": "*", "op": []}]})",
     "/rules/0/op: empty op list"},
    {R"({"rules": [{"subject": "role:a", "thing": "*", "op": "*", "effect": "maybe"}]})",
     "/rules/0/effect: expected \"allow\" or \"deny\""},
    {R"({"rules": [{"subject": "role:a", "thing": "*", "op": "*", "colour": 1}]})",
     "/rules/0/colour: unknown key"},
    {R"({"rules": [{"subject": "role:a", "thing": "*", "op": "*", "affordance": ""}]})",
     "/rules/0/affordance: empty"},
    {R"({"rules": [{"subject": "role:a\u0001", "thing": "*", "op": "*"}]})",
     "/rules/0/subject: control character"},
    {R"({"rules": [{"subject": "role:a", "thing": "*", "op": "*", "window": )"
     R"({"from": "25:00", "to": "02:00"}}]})",
     "/rules/0/window/from: expected \"HH:MM\""},
    {R"({"rules": [{"subject": "role:a", "thing": "*", "op": "*", "window": )"
     R"({"from": "06:00"}}]})",
     "/rules/0/window: a window needs \"from\" and \"to\""},
    {R"({"rules": [{"subject": "role:a", "thing": "*", "op": "*", "window": )"
     R"({"from": "06:00", "to": "06:00"}}]})",
     "/rules/0/window: \"from\" and \"to\" must differ"},
    {R"({"rules": [{"subject": "role:a", "thing": "*", "op": "*", "window": )"
     R"({"from": "06:00", "to": "07:00", "days": ["mon", "funday"]}}]})",
     "/rules/0/window/days/1: expected mon, tue"},
    {R"({"rules": [{"subject": "role:a", "thing": "*", "op": "*", "window": )"
     R"({"from": "06:00", "to": "07:00", "days": ["mon", "mon"]}}]})",
     "/rules/0/window/days/1: duplicate weekday"},
    {R"({"rules": [{"subject": "role:a", "thing": "*", "op": "*", "window": )"
     R"({"from": "06:00", "to": "07:00", "utc_offset": "+24:00"}}]})",
     "/rules/0/window/utc_offset: expected"},
    {R"({"rules": [[[[[[[[[[]]]]]]]]]]})", "/: nested deeper than 8 levels"},
  };
  for (auto& r : rows) {
    auto got = parse_acl_rules(r.text);
    ASSERT_FALSE(got) << r.text;
    EXPECT_EQ(kagami::code_of(got.error()), kagami::ec::config_invalid);
    auto detail = kagami::detail_of(got.error());
    EXPECT_EQ(detail.rfind(r.detail_prefix, 0), 0u)
      << "input: " << r.text << "\ndetail: " << detail;
  }
}

TEST(acl_rules, limits) {
  acl_limits lim;
  lim.max_rules = 2;
  lim.max_name = 8;
  std::string rule = R"({"subject": "role:a", "thing": "*", "op": "*"})";
  EXPECT_TRUE(parse_acl_rules("[" + rule + "," + rule + "]", lim));
  auto three = parse_acl_rules("[" + rule + "," + rule + "," + rule + "]", lim);
  ASSERT_FALSE(three);
  EXPECT_EQ(kagami::detail_of(three.error()), "/: more than 2 rules");
  auto longname = parse_acl_rules(
    R"([{"subject": "role:abcdefgh", "thing": "*", "op": "*"}])", lim);
  ASSERT_FALSE(longname);
  EXPECT_EQ(kagami::detail_of(longname.error()),
            "/0/subject: longer than 8 bytes");
  lim.max_bytes = 10;
  EXPECT_FALSE(parse_acl_rules("[" + rule + "]", lim));
  // The pointer prefix of a config section.
  auto section = parse_acl_section(nlohmann::json::parse(R"({"rules": [1]})"), {},
                                   "/authorization");
  ASSERT_FALSE(section);
  EXPECT_EQ(kagami::detail_of(section.error()),
            "/authorization/rules/0: expected an object");
}

// -- time windows --------------------------------------------------------------

TEST(time_window, contains_table) {
  time_window weekdays{0b0011111, 6 * 60, 18 * 60, 0}; // Mon-Fri 06-18 UTC
  time_window night{0b0000001, 22 * 60, 2 * 60, 0};    // Mon 22:00-Tue 02:00
  time_window tokyo{0b0011111, 9 * 60, 17 * 60, 540};  // Mon-Fri 09-17 +09:00
  struct row {
    const time_window* w;
    system_clock::time_point t;
    bool inside;
  };
  std::vector<row> rows{
    {&weekdays, utc(23, 6, 0), true},    // Mon 06:00 (from is inclusive)
    {&weekdays, utc(23, 5, 59), false},
    {&weekdays, utc(23, 17, 59), true},
    {&weekdays, utc(23, 18, 0), false},  // to is exclusive
    {&weekdays, utc(27, 12, 0), true},   // Fri
    {&weekdays, utc(28, 12, 0), false},  // Sat
    {&weekdays, utc(29, 12, 0), false},  // Sun
    {&night, utc(23, 21, 59), false},
    {&night, utc(23, 22, 0), true},
    {&night, utc(23, 23, 59), true},
    {&night, utc(24, 0, 0), true},       // Tue 00:00 belongs to Monday's window
    {&night, utc(24, 1, 59), true},
    {&night, utc(24, 2, 0), false},
    {&night, utc(24, 22, 30), false},    // Tuesday night is not listed
    {&night, utc(23, 1, 0), false},      // Mon 01:00 belongs to Sunday's window
    {&tokyo, utc(23, 0, 0), true},       // Mon 09:00 in Tokyo
    {&tokyo, utc(22, 23, 59), false},    // Sun 23:59 UTC = Mon 08:59 Tokyo
    {&tokyo, utc(23, 7, 59), true},      // Mon 16:59 Tokyo
    {&tokyo, utc(23, 8, 0), false},
    {&tokyo, utc(28, 1, 0), false},      // Sat 10:00 Tokyo
    {&tokyo, utc(27, 23, 0), false},     // Sat 08:00 Tokyo
    {&tokyo, utc(27, 1, 0), true},       // Fri 10:00 Tokyo
  };
  for (size_t i = 0; i < rows.size(); ++i)
    EXPECT_EQ(rows[i].w->contains(rows[i].t), rows[i].inside) << "row " << i;
  // Before the epoch, too (floor division).
  time_window thursday{0b0001000, 0, 60, 0};
  EXPECT_TRUE(thursday.contains(system_clock::time_point{} - days{7} + minutes{30}));
  EXPECT_FALSE(thursday.contains(system_clock::time_point{} - days{1} + minutes{30}));
}

TEST(time_window, to_string_table) {
  EXPECT_EQ(to_string(time_window{0b0011111, 360, 1080, 0}), "Mon-Fri 06:00-18:00 UTC");
  EXPECT_EQ(to_string(time_window{0x7f, 1320, 120, 540}), "daily 22:00-02:00 UTC+09:00");
  EXPECT_EQ(to_string(time_window{0b0010101, 0, 1440, -330}),
            "Mon,Wed,Fri 00:00-24:00 UTC-05:30");
  EXPECT_EQ(to_string(time_window{0b1100000, 60, 90, 0}), "Sat,Sun 01:00-01:30 UTC");
  EXPECT_EQ(to_string(time_window{0b1110001, 60, 90, 0}), "Mon,Fri-Sun 01:00-01:30 UTC");
}

// -- decisions -----------------------------------------------------------------

TEST(acl_policy, decide_table) {
  auto policy = policy_of(R"({"rules": [
    {"subject": "role:viewer", "thing": "*", "op": ["readproperty", "subscribeevent"]},
    {"subject": "role:operator", "thing": "model:press", "affordance": "setpoint",
     "op": "writeproperty"},
    {"subject": "user:mallory", "thing": "*", "op": "*", "effect": "deny"},
    {"subject": "role:maintainer", "thing": "tag:line-1", "op": "writeproperty",
     "window": {"days": ["mon","tue","wed","thu","fri"], "from": "06:00", "to": "18:00"}},
    {"subject": "app:hmi", "thing": "id:press-1", "affordance": "start",
     "op": "invokeaction"},
    {"subject": "role:operator", "thing": "id:press-2", "op": "writeproperty",
     "effect": "deny"}
  ]})");
  struct row {
    const char* name;
    request_data req;
    bool allowed;
    std::optional<size_t> rule;
    std::string reason;
  };
  auto base = request_data{};
  auto with = [&](auto f) {
    auto r = base;
    f(r);
    return r;
  };
  std::vector<row> rows{
    {"operator writes setpoint of a press", base, true, 1, "rule 1 allows it"},
    {"operator writes another affordance",
     with([](auto& r) { r.affordance = "speed"; }), false, std::nullopt,
     "no rule allows user alice (role operator) to writeproperty speed of press-1"},
    {"operator on another model",
     with([](auto& r) { r.model = "oven"; r.thing = "oven-1"; }), false, std::nullopt,
     "no rule allows user alice (role operator) to writeproperty setpoint of oven-1"},
    {"explicit deny beats the model allow",
     with([](auto& r) { r.thing = "press-2"; }), false, 5,
     "rule 5 denies role operator to writeproperty setpoint of press-2"},
    {"viewer reads anything",
     with([](auto& r) { r.roles = {"viewer"}; r.op = operation::readproperty; }),
     true, 0, "rule 0 allows it"},
    {"viewer cannot write",
     with([](auto& r) { r.roles = {"viewer"}; }), false, std::nullopt,
     "no rule allows user alice (role viewer) to writeproperty setpoint of press-1"},
    {"no roles at all",
     with([](auto& r) { r.roles = {}; }), false, std::nullopt,
     "no rule allows user alice to writeproperty setpoint of press-1"},
    {"two roles, the second allows",
     with([](auto& r) { r.roles = {"viewer", "operator"}; }), true, 1, "rule 1 allows it"},
    {"mallory is denied despite the operator role",
     with([](auto& r) { r.subject = "mallory"; }), false, 2,
     "rule 2 denies user mallory to writeproperty setpoint of press-1"},
    {"an app named mallory is not the user mallory",
     with([](auto& r) { r.subject = "mallory"; r.kind = subject_kind::app; }), true, 1,
     "rule 1 allows it"},
    {"maintainer writes inside the window",
     with([](auto& r) { r.roles = {"maintainer"}; r.affordance = "speed"; }), true, 3,
     "rule 3 allows it"},
    {"maintainer writes outside the window",
     with([](auto& r) {
       r.roles = {"maintainer"};
       r.affordance = "speed";
       r.time = utc(28, 10, 0);
     }),
     false, std::nullopt,
     "rule 3 allows writeproperty speed of press-1 only Mon-Fri 06:00-18:00 UTC"},
    {"maintainer without the tag",
     with([](auto& r) { r.roles = {"maintainer"}; r.tags = {"line-2"}; }), false,
     std::nullopt,
     "no rule allows user alice (role maintainer) to writeproperty setpoint of press-1"},
    {"hmi app starts press-1",
     with([](auto& r) {
       r.subject = "hmi"; r.kind = subject_kind::app; r.roles = {};
       r.affordance = "start"; r.op = operation::invokeaction;
     }),
     true, 4, "rule 4 allows it"},
    {"a user named hmi is not the app",
     with([](auto& r) {
       r.subject = "hmi"; r.roles = {};
       r.affordance = "start"; r.op = operation::invokeaction;
     }),
     false, std::nullopt,
     "no rule allows user hmi to invokeaction start of press-1"},
  };
  for (auto& r : rows) {
    auto v = policy.decide(r.req.view());
    EXPECT_EQ(v.allowed, r.allowed) << r.name;
    EXPECT_EQ(v.rule, r.rule) << r.name;
    EXPECT_EQ(v.reason, r.reason) << r.name;
  }
}

TEST(acl_policy, empty_policy_denies_everything) {
  acl_policy none;
  request_data r;
  for (auto op : {operation::readproperty, operation::writeproperty,
                  operation::invokeaction, operation::subscribeevent}) {
    r.op = op;
    EXPECT_FALSE(none.decide(r.view()).allowed);
  }
}

// -- the authorization matrix ----------------------------------------------------
//
// A generated site (roles, things with models and tags, affordances per model)
// and a generated rule set. The oracle never looks at acl_rule or decide(): it
// keeps its own rule structs, expands them into explicit sets of granted and
// denied (role, thing, affordance, op, hour-slot) tuples, and answers a request
// by set membership; windows are evaluated with the std::chrono calendar.

namespace {

struct site_thing {
  std::string id, model;
  std::vector<std::string> tags;
};

struct oracle_rule {
  std::string role;
  std::string thing_kind; // "*", "id", "model", "tag"
  std::string thing_value;
  std::string affordance; // or "*"
  std::vector<std::string> ops;
  bool deny = false;
  bool windowed = false;
  std::vector<unsigned> iso_days; // 1 = Monday ... 7 = Sunday
  int from_h = 0, to_h = 0;       // whole hours, from_h < to_h
};

nlohmann::json to_json(const oracle_rule& r) {
  nlohmann::json j;
  j["subject"] = "role:" + r.role;
  j["thing"] = r.thing_kind == "*" ? std::string("*")
                                   : r.thing_kind + ":" + r.thing_value;
  j["affordance"] = r.affordance;
  j["op"] = r.ops;
  j["effect"] = r.deny ? "deny" : "allow";
  if (r.windowed) {
    static const char* names[] = {"", "mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    std::vector<std::string> days;
    for (auto d : r.iso_days)
      days.push_back(names[d]);
    char from[8], to[8];
    std::snprintf(from, sizeof from, "%02d:00", r.from_h);
    std::snprintf(to, sizeof to, "%02d:00", r.to_h);
    j["window"] = {{"days", days}, {"from", from}, {"to", to}};
  }
  return j;
}

using tuple_t = std::tuple<std::string, std::string, std::string, std::string>;

struct oracle {
  // Granted / denied tuples, always or only in a window (rule index).
  std::set<tuple_t> granted, denied;
  std::map<tuple_t, std::vector<const oracle_rule*>> granted_in, denied_in;

  static bool in_window(const oracle_rule& r, system_clock::time_point t) {
    auto day = floor<days>(t);
    auto wd = weekday{day}.iso_encoding();
    auto h = hh_mm_ss{t - day}.hours().count();
    return std::find(r.iso_days.begin(), r.iso_days.end(), wd) != r.iso_days.end()
           && h >= r.from_h && h < r.to_h;
  }

  bool allowed(const tuple_t& t, system_clock::time_point when) const {
    auto any_in = [&](auto& m) {
      auto it = m.find(t);
      if (it == m.end())
        return false;
      for (auto* r : it->second)
        if (in_window(*r, when))
          return true;
      return false;
    };
    if (denied.count(t) || any_in(denied_in))
      return false;
    return granted.count(t) || any_in(granted_in);
  }
};

} // namespace

TEST(acl_policy, authorization_matrix) {
  const std::vector<std::string> roles{"viewer", "operator", "engineer",
                                       "maintainer", "auditor", "guest"};
  const std::vector<std::string> models{"press", "oven", "conveyor", "robot"};
  const std::vector<std::string> tag_pool{"line-1", "line-2", "safety", "outdoor"};
  const std::vector<std::string> ops{"readproperty", "writeproperty",
                                     "invokeaction", "subscribeevent"};
  std::map<std::string, std::vector<std::string>> affordances{
    {"press", {"setpoint", "force", "start", "stop", "alarm"}},
    {"oven", {"temperature", "setpoint", "door", "overheat"}},
    {"conveyor", {"speed", "start", "stop", "jam"}},
    {"robot", {"program", "start", "stop", "position", "collision"}}};
  std::mt19937 rng(4242);
  auto pick = [&](const auto& v) { return v[rng() % v.size()]; };
  std::vector<site_thing> things;
  for (int i = 0; i < 16; ++i) {
    site_thing t;
    t.model = models[i % models.size()];
    t.id = t.model + "-" + std::to_string(i);
    for (auto& tag : tag_pool)
      if (rng() % 3 == 0)
        t.tags.push_back(tag);
    things.push_back(t);
  }
  std::vector<oracle_rule> rules;
  for (int i = 0; i < 60; ++i) {
    oracle_rule r;
    r.role = pick(roles);
    switch (rng() % 4) {
      case 0: r.thing_kind = "*"; break;
      case 1: r.thing_kind = "id"; r.thing_value = pick(things).id; break;
      case 2: r.thing_kind = "model"; r.thing_value = pick(models); break;
      default: r.thing_kind = "tag"; r.thing_value = pick(tag_pool); break;
    }
    if (rng() % 3 == 0) {
      r.affordance = "*";
    } else {
      std::string model = r.thing_kind == "model" ? r.thing_value : pick(models);
      r.affordance = pick(affordances[model]);
    }
    auto n_ops = 1 + rng() % 3;
    for (size_t k = 0; k < n_ops; ++k)
      r.ops.push_back(pick(ops));
    r.deny = rng() % 6 == 0;
    if (rng() % 4 == 0) {
      r.windowed = true;
      for (unsigned d = 1; d <= 7; ++d)
        if (rng() % 2)
          r.iso_days.push_back(d);
      if (r.iso_days.empty())
        r.iso_days.push_back(1);
      r.from_h = static_cast<int>(rng() % 12);
      r.to_h = r.from_h + 1 + static_cast<int>(rng() % 12);
    }
    rules.push_back(r);
  }
  // The file the policy reads.
  nlohmann::json doc;
  doc["rules"] = nlohmann::json::array();
  for (auto& r : rules)
    doc["rules"].push_back(to_json(r));
  auto parsed = parse_acl_rules(doc.dump());
  ASSERT_TRUE(parsed) << kagami::detail_of(parsed.error());
  acl_policy policy{std::move(*parsed)};
  // The oracle: expand every rule over the site.
  oracle o;
  for (auto& r : rules)
    for (auto& t : things) {
      bool thing_ok = r.thing_kind == "*"
                      || (r.thing_kind == "id" && t.id == r.thing_value)
                      || (r.thing_kind == "model" && t.model == r.thing_value)
                      || (r.thing_kind == "tag"
                          && std::count(t.tags.begin(), t.tags.end(), r.thing_value));
      if (!thing_ok)
        continue;
      for (auto& a : affordances[t.model]) {
        if (r.affordance != "*" && r.affordance != a)
          continue;
        for (auto& op : r.ops) {
          tuple_t key{r.role, t.id, a, op};
          if (!r.windowed)
            (r.deny ? o.denied : o.granted).insert(key);
          else
            (r.deny ? o.denied_in : o.granted_in)[key].push_back(&r);
        }
      }
    }
  // Every role x thing x affordance x op, at several times of the week.
  const std::vector<system_clock::time_point> times{
    utc(23, 3, 30), utc(24, 9, 15), utc(26, 11, 59), utc(28, 7, 0), utc(29, 22, 0)};
  size_t allowed = 0, denied = 0, window_sensitive = 0;
  for (auto& role : roles)
    for (auto& t : things)
      for (auto& a : affordances[t.model])
        for (auto& op_name : ops) {
          std::vector<bool> answers;
          for (auto when : times) {
            request_data req;
            req.subject = "u-" + role;
            req.roles = {role};
            req.thing = t.id;
            req.model = t.model;
            req.tags = t.tags;
            req.affordance = a;
            req.op = *parse_operation(op_name);
            req.time = when;
            auto expect = o.allowed({role, t.id, a, op_name}, when);
            auto v = policy.decide(req.view());
            ASSERT_EQ(v.allowed, expect)
              << role << " " << op_name << " " << a << " of " << t.id
              << ": " << v.reason;
            answers.push_back(v.allowed);
            if (v.allowed) {
              ++allowed;
              ASSERT_TRUE(v.rule);
              EXPECT_FALSE(policy.rules()[*v.rule].deny);
            } else {
              ++denied;
              EXPECT_FALSE(v.reason.empty());
              if (v.rule) {
                EXPECT_TRUE(policy.rules()[*v.rule].deny);
              }
            }
          }
          if (std::count(answers.begin(), answers.end(), true) % times.size())
            ++window_sensitive;
        }
  // The generated site exercises both outcomes and the windows.
  EXPECT_GT(allowed, 100u);
  EXPECT_GT(denied, 1000u);
  EXPECT_GT(window_sensitive, 10u);
  std::cout << "matrix: " << allowed << " allowed, " << denied
            << " denied, " << window_sensitive
            << " tuples whose verdict depends on the time\n";
}
