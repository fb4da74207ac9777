#ifndef CAREREACH_TESTS_TLS_TEST_UTIL_H_
#define CAREREACH_TESTS_TLS_TEST_UTIL_H_

// Real X.509 material for tests, made by the openssl command-line tool in a temporary folder:
// a CA, and server or client certificates it signs (EC P-256, valid two days).

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace carereach::testing_util {

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Runs a shell command quietly; true on exit status 0.
inline bool Shell(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

struct TlsFiles {
  std::string cert;  // PEM certificate path
  std::string key;   // PEM private key path
};

// A self-signed CA "<dir>/<name>.pem" with key "<dir>/<name>.key".
inline TlsFiles MakeCa(const std::string& dir, const std::string& name) {
  std::filesystem::create_directories(dir);
  TlsFiles ca{dir + "/" + name + ".pem", dir + "/" + name + ".key"};
  Shell(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
      "-subj /CN=" +
      name + " -keyout " + ca.key + " -out " + ca.cert);
  return ca;
}

// A certificate "<dir>/<name>.pem" signed by `ca`, with subjectAltName `sans` (OpenSSL syntax,
// e.g. "DNS:localhost,IP:127.0.0.1" or "URI:spiffe://a/b").
inline TlsFiles MakeCert(const std::string& dir, const TlsFiles& ca, const std::string& name,
                         const std::string& sans) {
  TlsFiles out{dir + "/" + name + ".pem", dir + "/" + name + ".key"};
  const std::string csr = dir + "/" + name + ".csr", ext = dir + "/" + name + ".ext";
  WriteText(ext, "subjectAltName=" + sans + "\n");
  Shell("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=" + name +
        " -keyout " + out.key + " -out " + csr);
  Shell("openssl x509 -req -days 2 -in " + csr + " -CA " + ca.cert + " -CAkey " + ca.key +
        " -CAcreateserial -extfile " + ext + " -out " + out.cert);
  return out;
}

}  // namespace carereach::testing_util

#endif  // CAREREACH_TESTS_TLS_TEST_UTIL_H_
