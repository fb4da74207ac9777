// Linked into every test binary (tests/CMakeLists.txt): OpenSSL without its exit handler, as the
// CLI and the server run (proto/openssl_lifetime.h says why), set before main so it precedes the
// first TLS channel or port a test makes.
#include "proto/openssl_lifetime.h"

namespace {

const bool kOpenSslKeptUntilExit = carereach::KeepOpenSslUntilExit();

}  // namespace
