#include "clients/cli/args.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "clients/cli/flags.h"
#include "clients/cli/shared_flags.h"
#include "geo/core/status_macros.h"

namespace carereach::cli {
namespace {

constexpr absl::string_view kUsageIntro =
    "carereach: command-line client of the carereach coverage server.\n";

constexpr absl::string_view kUsageOutro =
    "Exit status: 0 success, 1 error from the server or in the data, 2 usage error.\n"
    "See docs/CLI.md for the output formats.\n";

}  // namespace

const FlagSet& GlobalFlags() {
  static const FlagSet* const kGlobals = new FlagSet(ConnectionFlags());
  return *kGlobals;
}

const std::vector<CommandSpec>& AllCommands() {
  static const std::vector<CommandSpec>* const kCommands = [] {
    auto* commands = new std::vector<CommandSpec>;
    AddAccessCommands(*commands);
    AddAdequacyCommands(*commands);
    AddNetworkCommands(*commands);
    AddAnalysisCommands(*commands);
    AddMapCommands(*commands);
    return commands;
  }();
  return *kCommands;
}

std::string WhereText(const WhereClause& clause) {
  return absl::StrCat(clause.column, clause.contains ? "~" : "=", clause.value);
}

std::vector<std::string> ContainsAlternatives(absl::string_view text) {
  std::vector<std::string> alternatives;
  for (absl::string_view alternative : absl::StrSplit(text, '|')) {
    alternatives.push_back(absl::AsciiStrToLower(absl::StripAsciiWhitespace(alternative)));
  }
  return alternatives;
}

absl::StatusOr<NetworkRef> ParseNetworkRef(absl::string_view flag, absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  NetworkRef ref;
  const size_t at = text.find('@');
  ref.network_id = std::string(text.substr(0, at));
  if (ref.network_id.empty()) {
    return UsageError(absl::StrCat(flag, ": '", text, "' is not ID or ID@VERSION"));
  }
  if (at != absl::string_view::npos) {
    const absl::string_view version = text.substr(at + 1);
    if (!absl::SimpleAtoi(version, &ref.version) || ref.version < 1 ||
        !std::all_of(version.begin(), version.end(), absl::ascii_isdigit)) {
      return UsageError(absl::StrCat(flag, ": '", text,
                                     "': VERSION must be a whole number >= 1 (no @: the latest)"));
    }
  }
  return ref;
}

absl::Status ValidateTenant(absl::string_view what, absl::string_view tenant) {
  const bool valid = !tenant.empty() && tenant.size() <= 64 &&
                     std::all_of(tenant.begin(), tenant.end(), [](char c) {
                       return absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-';
                     });
  if (valid) return absl::OkStatus();
  return UsageError(absl::StrCat(what, ": '", tenant,
                                 "' is not 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', '-'"));
}

absl::StatusOr<std::vector<double>> ParseNumberList(absl::string_view origin,
                                                    absl::string_view text) {
  std::vector<double> numbers;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    ASSIGN_OR_RETURN(const double number, ParseNumber(origin, item));
    numbers.push_back(number);
  }
  return numbers;
}

absl::StatusOr<Invocation> ParseArgs(const std::vector<std::string>& args,
                                     absl::string_view default_server,
                                     absl::string_view default_tenant) {
  Environment env;
  env.server = std::string(default_server);
  env.tenant = std::string(default_tenant);
  return ParseArgs(args, env);
}

absl::StatusOr<Invocation> ParseArgs(const std::vector<std::string>& args, const Environment& env) {
  return ParseCommandLine(args, env, GlobalFlags(), AllCommands(),
                          [](const Invocation& inv, const std::vector<std::string>& given) {
                            return ValidateSecurity(inv.global, given);
                          });
}

std::string UsageText() { return UsageFor(kUsageIntro, GlobalFlags(), AllCommands(), kUsageOutro); }

}  // namespace carereach::cli
