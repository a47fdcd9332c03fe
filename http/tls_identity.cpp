#include "http/tls_identity.hpp"

#include <cerrno>
#include <cstring>
#include <memory>

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "http/openssl_error.hpp"

namespace kagami::http {

namespace {

template <class T, void (*Free)(T*)>
struct openssl_deleter {
  void operator()(T* p) const noexcept {
    Free(p);
  }
};

void free_bio(BIO* b) {
  BIO_free_all(b);
}

using bio_ptr = std::unique_ptr<BIO, openssl_deleter<BIO, free_bio>>;
using x509_ptr = std::unique_ptr<X509, openssl_deleter<X509, X509_free>>;
using pkey_ptr
  = std::unique_ptr<EVP_PKEY, openssl_deleter<EVP_PKEY, EVP_PKEY_free>>;
using bn_ptr = std::unique_ptr<BIGNUM, openssl_deleter<BIGNUM, BN_free>>;
using names_ptr = std::unique_ptr<GENERAL_NAMES,
                                  openssl_deleter<GENERAL_NAMES,
                                                  GENERAL_NAMES_free>>;

constexpr const char* common_name = "kagami gateway";
constexpr long validity_seconds = 825L * 24 * 60 * 60;


caf::error storage_error(const std::string& file, const std::string& what) {
  return make_error(ec::storage_failure, file + ": " + what);
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

caf::expected<x509_ptr> load_certificate(const std::string& file) {
  ERR_clear_error();
  bio_ptr in{BIO_new_file(file.c_str(), "r")};
  if (!in)
    return storage_error(file, "cannot open: " + openssl_error_text());
  x509_ptr cert{PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr)};
  if (!cert)
    return storage_error(file, "not a PEM certificate: " + openssl_error_text());
  return cert;
}

caf::expected<pkey_ptr> load_key(const std::string& file) {
  ERR_clear_error();
  bio_ptr in{BIO_new_file(file.c_str(), "r")};
  if (!in)
    return storage_error(file, "cannot open: " + openssl_error_text());
  // A null password callback with an empty password: an encrypted key fails
  // instead of prompting on the terminal.
  static char empty[] = "";
  pkey_ptr key{PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, empty)};
  if (!key)
    return storage_error(file, "not a PEM private key: " + openssl_error_text());
  return key;
}

std::string fingerprint_of(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1)
    return {};
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    if (i > 0)
      out += ':';
    out += digits[md[i] >> 4];
    out += digits[md[i] & 0xf];
  }
  return out;
}

bool is_ip_literal(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1
         || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

/// LDH labels of 1..63 characters, not starting or ending with '-', at most
/// 253 characters; "*." may precede them.
bool is_dns_name(std::string_view s) {
  if (s.substr(0, 2) == "*.")
    s.remove_prefix(2);
  if (s.empty() || s.size() > 253)
    return false;
  size_t label = 0;
  char prev = '.';
  for (char c : s) {
    if (c == '.') {
      if (label == 0 || prev == '-')
        return false;
      label = 0;
    } else {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || c == '-';
      if (!ok || (label == 0 && c == '-') || ++label > 63)
        return false;
    }
    prev = c;
  }
  return prev != '.' && prev != '-';
}

caf::expected<names_ptr>
make_alt_names(const std::vector<std::string>& entries) {
  names_ptr names{sk_GENERAL_NAME_new_null()};
  if (!names)
    return make_error(ec::internal, "out of memory");
  for (const auto& e : entries) {
    GENERAL_NAME* gen = nullptr;
    if (is_ip_literal(e)) {
      ASN1_OCTET_STRING* ip = a2i_IPADDRESS(e.c_str());
      if (ip == nullptr)
        return make_error(ec::config_invalid,
                          "invalid IP subject alternative name '" + e + "'");
      gen = GENERAL_NAME_new();
      GENERAL_NAME_set0_value(gen, GEN_IPADD, ip);
    } else if (is_dns_name(e)) {
      ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
      ASN1_STRING_set(dns, e.data(), static_cast<int>(e.size()));
      gen = GENERAL_NAME_new();
      GENERAL_NAME_set0_value(gen, GEN_DNS, dns);
    } else {
      return make_error(ec::config_invalid,
                        "invalid subject alternative name '" + e
                          + "': neither an IP literal nor a DNS name");
    }
    sk_GENERAL_NAME_push(names.get(), gen);
  }
  return names;
}

bool add_extension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value);
  if (ext == nullptr)
    return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

caf::error set_random_serial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    return make_error(ec::internal, "RAND_bytes: " + openssl_error_text());
  bytes[0] &= 0x7f; // positive in DER
  bytes[0] |= 0x40; // and exactly 128 bits long, never zero
  bn_ptr bn{BN_bin2bn(bytes, sizeof bytes, nullptr)};
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert))
               == nullptr)
    return make_error(ec::internal, "serial: " + openssl_error_text());
  return caf::none;
}

struct generated_pair {
  std::string cert_pem;
  std::string key_pem;
};

std::string drain(BIO* b) {
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  return n > 0 ? std::string{data, static_cast<size_t>(n)} : std::string{};
}

caf::expected<generated_pair>
generate(const std::vector<std::string>& alt_names) {
  ERR_clear_error();
  auto names = make_alt_names(alt_names);
  if (!names)
    return names.error();
  auto fail = [](const char* step) {
    return make_error(ec::internal, std::string{"certificate generation: "}
                                      + step + ": " + openssl_error_text());
  };
  pkey_ptr key{EVP_EC_gen("P-256")};
  if (!key)
    return fail("EC key");
  x509_ptr cert{X509_new()};
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1)
    return fail("X509_new");
  if (auto err = set_random_serial(cert.get()))
    return err;
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) == nullptr
      || X509_gmtime_adj(X509_getm_notAfter(cert.get()), validity_seconds)
           == nullptr)
    return fail("validity");
  if (X509_set_pubkey(cert.get(), key.get()) != 1)
    return fail("public key");
  X509_NAME* subject = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(
        subject, "CN", MBSTRING_UTF8,
        reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0)
        != 1
      || X509_set_issuer_name(cert.get(), subject) != 1)
    return fail("subject");
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  if (!add_extension(cert.get(), &ctx, NID_basic_constraints,
                     "critical,CA:FALSE")
      || !add_extension(cert.get(), &ctx, NID_key_usage,
                        "critical,digitalSignature")
      || !add_extension(cert.get(), &ctx, NID_ext_key_usage, "serverAuth")
      || !add_extension(cert.get(), &ctx, NID_subject_key_identifier, "hash"))
    return fail("extensions");
  if (!alt_names.empty()
      && X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, names->get(), 0,
                       X509V3_ADD_DEFAULT)
           != 1)
    return fail("subjectAltName");
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
    return fail("signature");
  bio_ptr cert_out{BIO_new(BIO_s_mem())};
  bio_ptr key_out{BIO_new(BIO_s_secmem())};
  if (!cert_out || !key_out
      || PEM_write_bio_X509(cert_out.get(), cert.get()) != 1
      || PEM_write_bio_PrivateKey(key_out.get(), key.get(), nullptr, nullptr,
                                  0, nullptr, nullptr)
           != 1)
    return fail("PEM encoding");
  return generated_pair{drain(cert_out.get()), drain(key_out.get())};
}

std::string errno_text() {
  return std::strerror(errno);
}

/// Writes `content` to `path` through `path`.tmp (created exclusively with
/// `mode`, fsynced) and an atomic rename. A leftover temporary file from an
/// interrupted earlier write is removed first.
caf::error write_atomically(const std::string& path, const std::string& content,
                            mode_t mode) {
  auto tmp = path + ".tmp";
  if (::unlink(tmp.c_str()) != 0 && errno != ENOENT)
    return storage_error(tmp, "cannot remove: " + errno_text());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC
                                 | O_NOFOLLOW, mode);
  if (fd < 0)
    return storage_error(tmp, "cannot create: " + errno_text());
  bool ok = ::fchmod(fd, mode) == 0; // independent of the umask
  for (size_t done = 0; ok && done < content.size();) {
    auto n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    ok = n > 0;
    if (ok)
      done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  auto reason = errno_text();
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok)
      reason = errno_text();
    ::unlink(tmp.c_str());
    return storage_error(path, "cannot write: " + reason);
  }
  return caf::none;
}

void fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

caf::expected<tls_files> load_existing(const std::string& cert_file,
                                       const std::string& key_file) {
  auto cert = load_certificate(cert_file);
  if (!cert)
    return cert.error();
  auto key = load_key(key_file);
  if (!key)
    return key.error();
  ERR_clear_error();
  if (X509_check_private_key(cert->get(), key->get()) != 1)
    return storage_error(key_file, "does not match the certificate "
                                     + cert_file);
  return tls_files{cert_file, key_file, fingerprint_of(cert->get()), false};
}

} // namespace

caf::expected<tls_files> ensure_gateway_certificate(
  const std::string& data_dir,
  const std::vector<std::string>& subject_alt_names) {
  auto dir = data_dir + "/tls";
  auto cert_file = dir + "/cert.pem";
  auto key_file = dir + "/key.pem";
  bool have_cert = exists(cert_file);
  bool have_key = exists(key_file);
  if (have_cert && have_key)
    return load_existing(cert_file, key_file);
  if (have_cert != have_key) {
    const auto& present = have_cert ? cert_file : key_file;
    const auto& missing = have_cert ? key_file : cert_file;
    return storage_error(present, "exists without " + missing
                                    + "; remove it to generate a new pair");
  }
  auto pair = generate(subject_alt_names);
  if (!pair)
    return pair.error();
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return storage_error(dir, "cannot create: " + errno_text());
  if (::chmod(dir.c_str(), 0700) != 0)
    return storage_error(dir, "cannot chmod: " + errno_text());
  auto err = write_atomically(key_file, pair->key_pem, 0600);
  OPENSSL_cleanse(pair->key_pem.data(), pair->key_pem.size());
  if (err)
    return err;
  if (auto err = write_atomically(cert_file, pair->cert_pem, 0644)) {
    ::unlink(key_file.c_str()); // never leave a key without its certificate
    return err;
  }
  fsync_dir(dir);
  auto files = load_existing(cert_file, key_file);
  if (files)
    files->generated = true;
  return files;
}

bool is_subject_alt_name(const std::string& name) {
  return is_ip_literal(name) || is_dns_name(name);
}

caf::expected<std::string> certificate_fingerprint(
  const std::string& cert_file) {
  auto cert = load_certificate(cert_file);
  if (!cert)
    return cert.error();
  return fingerprint_of(cert->get());
}

} // namespace kagami::http
