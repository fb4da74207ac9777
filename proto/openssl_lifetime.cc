#include "proto/openssl_lifetime.h"

#include <openssl/crypto.h>

namespace carereach {

bool KeepOpenSslUntilExit() { return OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr) == 1; }

}  // namespace carereach
