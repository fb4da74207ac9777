// RunCli and ReadEnvironment (commands.h): parse, load the credential files, run the command
// through its declaration (flags.h), print the error.
#include <cstdlib>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "clients/cli/args.h"
#include "clients/cli/channel.h"
#include "clients/cli/commands.h"
#include "clients/cli/flags.h"
#include "clients/cli/rpc_client.h"

namespace carereach::cli {

Environment ReadEnvironment() {
  auto get = [](const char* name) {
    const char* value = std::getenv(name);
    return std::string(value != nullptr ? value : "");
  };
  Environment env;
  env.server = get("CAREREACH_SERVER");
  env.region_map = get("CAREREACH_REGION_MAP");
  env.tenant = get("CAREREACH_TENANT");
  env.tls_ca = get("CAREREACH_TLS_CA");
  env.tls_cert = get("CAREREACH_TLS_CERT");
  env.tls_key = get("CAREREACH_TLS_KEY");
  env.tls_server_name = get("CAREREACH_TLS_SERVER_NAME");
  env.token = get("CAREREACH_TOKEN");
  env.token_file = get("CAREREACH_TOKEN_FILE");
  return env;
}

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
           bool err_is_terminal) {
  absl::StatusOr<Invocation> invocation = ParseArgs(args, ReadEnvironment());
  // The TLS files and the token are read before any command runs: a file that cannot be used
  // is a usage error, like a bad flag.
  if (invocation.ok() && invocation->command != Command::kHelp) {
    if (absl::Status s = LoadCredentialFiles(invocation->global); !s.ok()) invocation = s;
  }
  // So is a region map or a --server value gRPC cannot take.
  if (invocation.ok() && invocation->command != Command::kHelp) {
    GlobalOptions& global = invocation->global;
    absl::Status s = ApplyRegionMap(global, InvocationRegion(*invocation));
    if (s.ok())
      s = ParseServerTarget(global.server, global.UsesTls(), global.tls_server_name).status();
    if (!s.ok()) invocation = s;
  }
  if (!invocation.ok()) {
    err << "error: " << OneLine(invocation.status().message()) << "\n"
        << "run 'carereach help' for usage\n";
    return kExitUsage;
  }
  const CommandSpec* spec = FindSpec(invocation->command);
  if (spec == nullptr) {
    out << UsageText();
    return kExitOk;
  }
  if (err_is_terminal) invocation->global.progress_out = &err;
  invocation->global.command_name =
      spec->group.empty() ? spec->name : absl::StrCat(spec->group, " ", spec->name);
  const absl::Status status = spec->run(*invocation, out, err);
  out.flush();
  if (!status.ok()) {
    err << "error: " << OneLine(status.message()) << "\n";
    return kExitError;
  }
  return kExitOk;
}

}  // namespace carereach::cli
