// carereach: command-line client of the carereach server. See docs/CLI.md.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "clients/cli/commands.h"
#include "grpc/support/log.h"
#include "proto/openssl_lifetime.h"

namespace {

// gRPC logs TLS handshake failures on stderr itself ("E1203 12:00:00.0 ... Handshake failed
// with fatal error SSL_ERROR_SSL: ..."), where the CLI prints its own one-line error: those
// lines (from gRPC's TLS and security code) are dropped, others are kept.
void QuietTlsLog(gpr_log_func_args* args) {
  const char* file = args->file != nullptr ? args->file : "";
  if (absl::StrContains(file, "/tsi/") || absl::StrContains(file, "/security/")) return;
  std::fprintf(stderr, "grpc: %s:%d: %s\n", file, args->line,
               args->message != nullptr ? args->message : "");
}

}  // namespace

int main(int argc, char** argv) {
  carereach::KeepOpenSslUntilExit();
  // $GRPC_VERBOSITY (e.g. "debug") asks for gRPC's own log, unfiltered.
  if (std::getenv("GRPC_VERBOSITY") == nullptr) gpr_set_log_function(QuietTlsLog);
  std::vector<std::string> args(argv + 1, argv + argc);
  return carereach::cli::RunCli(args, std::cout, std::cerr, isatty(STDERR_FILENO) == 1);
}
