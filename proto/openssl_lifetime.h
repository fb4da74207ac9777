// Process-wide set-up for binaries that speak gRPC over TLS: the CLI and the server call it first
// thing in main, and every test binary calls it before main (tests/openssl_lifetime_init.cc).
#ifndef CAREREACH_PROTO_OPENSSL_LIFETIME_H_
#define CAREREACH_PROTO_OPENSSL_LIFETIME_H_

namespace carereach {

// OpenSSL frees its global state in an exit handler it registers when it is first initialised.
// gRPC's own threads outlive main: a client channel keeps retrying a failed connection (a new
// TLS handshake every 0.1-1 s) after the CLI has printed its error and returned. When OpenSSL's
// exit handler runs while such a thread is inside a handshake, the thread crashes (SIGSEGV in
// RAND_get_rand_method, seen in the CLI binary under load) or its per-thread random generators
// are reported as leaked. This asks OpenSSL not to register that handler
// (OPENSSL_INIT_NO_ATEXIT): its state lives until the process ends and goes back to the system
// with it. Only the first initialisation of OpenSSL in a process decides, so this must run before
// anything else uses OpenSSL (gRPC does when the first TLS channel or port is made); calling it
// again is harmless. Returns false when OpenSSL could not be initialised.
bool KeepOpenSslUntilExit();

}  // namespace carereach

#endif  // CAREREACH_PROTO_OPENSSL_LIFETIME_H_
