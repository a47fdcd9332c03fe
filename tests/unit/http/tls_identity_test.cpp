// The gateway certificate in a temporary data dir: generation (checked with
// OpenSSL's parser), persistence, file modes, and refusing corrupt,
// mismatched or half-present files instead of overwriting them.

#include "http/tls_identity.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace kagami::http {
namespace {

namespace fs = std::filesystem;

class data_dir {
public:
  data_dir() {
    std::string tmpl
      = (fs::temp_directory_path() / "kagami-tls-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~data_dir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string str() const {
    return path_;
  }
  std::string file(const std::string& name) const {
    return path_ + "/tls/" + name;
  }

private:
  std::string path_;
};

mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

std::string read_all(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

void write_all(const std::string& path, const std::string& text) {
  std::ofstream out{path, std::ios::binary | std::ios::trunc};
  out << text;
}

struct x509_free_fn {
  void operator()(X509* x) const {
    X509_free(x);
  }
};

std::unique_ptr<X509, x509_free_fn> parse_cert(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr)
    return nullptr;
  X509* x = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  return std::unique_ptr<X509, x509_free_fn>{x};
}

TEST(tls_identity, generates_a_self_signed_server_certificate) {
  data_dir dir;
  auto files = ensure_gateway_certificate(
    dir.str(), {"gw.factory.local", "10.0.0.1", "::1"});
  ASSERT_TRUE(files) << to_string(files.error());
  EXPECT_TRUE(files->generated);
  EXPECT_EQ(files->cert_file, dir.file("cert.pem"));
  EXPECT_EQ(files->key_file, dir.file("key.pem"));
  EXPECT_EQ(mode_of(dir.str() + "/tls"), 0700u);
  EXPECT_EQ(mode_of(files->key_file), 0600u);
  EXPECT_EQ(mode_of(files->cert_file), 0644u);
  EXPECT_FALSE(fs::exists(files->key_file + ".tmp"));

  auto cert = parse_cert(files->cert_file);
  ASSERT_TRUE(cert);
  EXPECT_EQ(X509_get_version(cert.get()), X509_VERSION_3);
  char cn[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()),
                            NID_commonName, cn, sizeof cn);
  EXPECT_STREQ(cn, "kagami gateway");
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(cert.get()),
                          X509_get_issuer_name(cert.get())),
            0);
  // Self-signed with its own key, EC P-256.
  EVP_PKEY* pub = X509_get0_pubkey(cert.get());
  ASSERT_NE(pub, nullptr);
  EXPECT_EQ(X509_verify(cert.get(), pub), 1);
  EXPECT_TRUE(EVP_PKEY_is_a(pub, "EC"));
  EXPECT_EQ(EVP_PKEY_get_bits(pub), 256);
  // 825 days.
  int days = 0, secs = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(cert.get()),
                           X509_get0_notAfter(cert.get())),
            1);
  EXPECT_EQ(days, 825);
  EXPECT_EQ(secs, 0);
  // A positive 128-bit serial.
  BIGNUM* serial
    = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert.get()), nullptr);
  EXPECT_EQ(BN_num_bits(serial), 127);
  EXPECT_FALSE(BN_is_negative(serial));
  BN_free(serial);
  // Extensions: not a CA, signatures only, server auth.
  EXPECT_EQ(X509_check_ca(cert.get()), 0);
  EXPECT_TRUE(X509_get_extension_flags(cert.get()) & EXFLAG_KUSAGE);
  EXPECT_EQ(X509_get_key_usage(cert.get()), unsigned{KU_DIGITAL_SIGNATURE});
  EXPECT_EQ(X509_get_extended_key_usage(cert.get()), unsigned{XKU_SSL_SERVER});
  EXPECT_EQ(X509_check_host(cert.get(), "gw.factory.local", 0, 0, nullptr),
            1);
  EXPECT_EQ(X509_check_host(cert.get(), "other.local", 0, 0, nullptr), 0);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "10.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "::1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "10.0.0.2", 0), 0);

  auto fp = certificate_fingerprint(files->cert_file);
  ASSERT_TRUE(fp);
  EXPECT_EQ(*fp, files->sha256_fingerprint);
  EXPECT_EQ(fp->size(), 32u * 3 - 1);
}

TEST(tls_identity, second_call_loads_the_same_certificate) {
  data_dir dir;
  auto first = ensure_gateway_certificate(dir.str(), {"localhost"});
  ASSERT_TRUE(first);
  auto key_text = read_all(first->key_file);
  auto second = ensure_gateway_certificate(dir.str(), {"other.name"});
  ASSERT_TRUE(second) << to_string(second.error());
  EXPECT_FALSE(second->generated);
  EXPECT_EQ(second->sha256_fingerprint, first->sha256_fingerprint);
  EXPECT_EQ(read_all(second->key_file), key_text);
}

TEST(tls_identity, two_data_dirs_get_different_keys_and_serials) {
  data_dir a, b;
  auto fa = ensure_gateway_certificate(a.str(), {});
  auto fb = ensure_gateway_certificate(b.str(), {});
  ASSERT_TRUE(fa && fb);
  EXPECT_NE(fa->sha256_fingerprint, fb->sha256_fingerprint);
  EXPECT_NE(read_all(fa->key_file), read_all(fb->key_file));
}

TEST(tls_identity, corrupt_certificate_is_an_error_naming_the_file) {
  data_dir dir;
  ASSERT_TRUE(ensure_gateway_certificate(dir.str(), {}));
  write_all(dir.file("cert.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n");
  auto r = ensure_gateway_certificate(dir.str(), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), ec::storage_failure);
  EXPECT_NE(detail_of(r.error()).find(dir.file("cert.pem")), std::string::npos)
    << detail_of(r.error());
  // Not overwritten.
  EXPECT_EQ(read_all(dir.file("cert.pem")),
            "-----BEGIN CERTIFICATE-----\nAAAA\n");
}

TEST(tls_identity, corrupt_key_is_an_error_naming_the_file) {
  data_dir dir;
  ASSERT_TRUE(ensure_gateway_certificate(dir.str(), {}));
  write_all(dir.file("key.pem"), "garbage");
  auto r = ensure_gateway_certificate(dir.str(), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), ec::storage_failure);
  EXPECT_NE(detail_of(r.error()).find(dir.file("key.pem")), std::string::npos)
    << detail_of(r.error());
  EXPECT_EQ(read_all(dir.file("key.pem")), "garbage");
}

TEST(tls_identity, key_of_another_certificate_is_an_error) {
  data_dir a, b;
  ASSERT_TRUE(ensure_gateway_certificate(a.str(), {}));
  ASSERT_TRUE(ensure_gateway_certificate(b.str(), {}));
  write_all(a.file("key.pem"), read_all(b.file("key.pem")));
  auto r = ensure_gateway_certificate(a.str(), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), ec::storage_failure);
  EXPECT_NE(detail_of(r.error()).find("does not match"), std::string::npos)
    << detail_of(r.error());
}

TEST(tls_identity, one_file_without_the_other_is_an_error) {
  data_dir dir;
  ASSERT_TRUE(ensure_gateway_certificate(dir.str(), {}));
  auto cert_text = read_all(dir.file("cert.pem"));
  fs::remove(dir.file("key.pem"));
  auto r = ensure_gateway_certificate(dir.str(), {});
  ASSERT_FALSE(r);
  EXPECT_NE(detail_of(r.error()).find(dir.file("key.pem")), std::string::npos);
  EXPECT_EQ(read_all(dir.file("cert.pem")), cert_text);
}

TEST(tls_identity, invalid_alt_name_is_a_config_error) {
  data_dir dir;
  const std::vector<std::string> bad_names = {
    "", "a b", "-x.local", "x..local", "x,IP:1.2.3.4", "10.0.0.1/24",
    std::string(64, 'a') + ".local"};
  for (const auto& bad : bad_names) {
    auto r = ensure_gateway_certificate(dir.str(), {bad});
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(code_of(r.error()), ec::config_invalid) << bad;
  }
  EXPECT_FALSE(fs::exists(dir.file("key.pem")));
}

TEST(tls_identity, subject_alt_name_table) {
  struct row {
    std::string name;
    bool ok;
  };
  for (auto& [name, ok] : std::initializer_list<row>{
         {"localhost", true},
         {"gw.factory.local", true},
         {"*.factory.local", true},
         {"a-b.c", true},
         {"10.0.0.1", true},
         {"fe80::1", true},
         {"", false},
         {"*", false},
         {"a.*.b", false},
         {"a-.b", false},
         {"a.b.", false},
         {"a_b", false},
         {"a\nb", false},
         {"1.2.3.4.5.6.7.8.9.10.x" + std::string(250, 'a'), false},
       })
    EXPECT_EQ(is_subject_alt_name(name), ok) << name;
}

TEST(tls_identity, fingerprint_of_a_missing_file_is_an_error) {
  auto r = certificate_fingerprint("/nonexistent/cert.pem");
  ASSERT_FALSE(r);
  EXPECT_NE(detail_of(r.error()).find("/nonexistent/cert.pem"),
            std::string::npos);
}

} // namespace
} // namespace kagami::http
