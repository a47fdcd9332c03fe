// Malformed HTTP against the whole gateway (kagamid with devices): each gets
// the right status or a close, and kagamid keeps serving its things.

#include "tests/integration/gateway_fixture.hpp"
#include "tests/integration/malformed_requests.hpp"

using namespace kagami::test;

TEST_F(gateway_fixture, refuses_every_smuggling_pattern_and_keeps_serving) {
  for (const auto& c : smuggling_cases()) {
    auto conn = raw_connection::connect(port);
    ASSERT_TRUE(conn.ok());
    conn.send(c.bytes);
    auto r = conn.read_response();
    ASSERT_TRUE(r) << c.label;
    EXPECT_EQ(r->status, c.status) << c.label;
    EXPECT_TRUE(conn.peer_closed()) << c.label << ": connection left open";
  }
  EXPECT_EQ(get("/things/plc-1/properties/mode").status, 200u);
}

TEST_F(gateway_fixture, oversize_head_and_body_get_431_and_413) {
  std::string big_header = "GET /things HTTP/1.1\r\nHost: x\r\nX-Pad: "
                           + std::string(16 * 1024, 'a') + "\r\n\r\n";
  auto r = kagami::test::exchange(port, big_header);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431u);
  std::string big_body(128 * 1024, '1');
  auto b = kagami::test::exchange(port, "PUT /things/plc-1/properties/setpoint HTTP/1.1\r\nHost: x\r\n"
                          "Content-Type: application/json\r\nContent-Length: "
                            + std::to_string(big_body.size()) + "\r\n\r\n" + big_body);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, 413u);
  modbus_probe probe{plc_port};
  EXPECT_EQ(probe.holding(5), 555) << "an oversize body reached the device";
  EXPECT_EQ(get("/things").status, 200u);
}

TEST_F(gateway_fixture, garbage_and_half_open_connections_leave_it_serving) {
  // A TLS ClientHello on the plain port, then a line end: 400 and close.
  auto garbage = raw_connection::connect(port);
  garbage.send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15));
  auto r = garbage.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400u);
  EXPECT_TRUE(garbage.peer_closed());
  // Writes whose body is cut short by a half-close: the server closes them
  // and nothing reaches the device.
  std::vector<raw_connection> half_open;
  for (int i = 0; i < 20; ++i) {
    auto c = raw_connection::connect(port);
    ASSERT_TRUE(c.send("PUT /things/plc-1/properties/setpoint HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/json\r\nContent-Length: 10\r\n\r\n4"));
    ASSERT_TRUE(c.shutdown_write());
    half_open.push_back(std::move(c));
  }
  for (auto& c : half_open)
    EXPECT_TRUE(c.peer_closed());
  EXPECT_EQ(get("/things/plc-1/properties/mode").status, 200u);
  modbus_probe probe{plc_port};
  EXPECT_EQ(probe.holding(5), 555) << "a truncated body reached the device";
}
