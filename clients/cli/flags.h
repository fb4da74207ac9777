#ifndef CAREREACH_CLIENTS_CLI_FLAGS_H_
#define CAREREACH_CLIENTS_CLI_FLAGS_H_

// A small declarative command-line binding of our own (not Debian's CLI11 nor Abseil flags):
// the CLI's exact error wording, exit code 2 for usage errors, per-command meanings of one flag
// name (--counties) and environment defaults ($CAREREACH_*) are pinned by its tests, and those
// libraries would change them.
//
// Each command is a CommandSpec: its words, positional arguments, a FlagSet that binds every
// flag (`--name value` or `--name=value`) to a typed field of the Invocation through a parser,
// a validator and the function that runs it. Flags shared by several commands are added by the
// group functions of shared_flags.h; the usage text is generated from the specs (UsageFor).
// Plain values; thread-compatible.

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/cli/args.h"

namespace carereach::cli {

// Stores a flag's value; `origin` names where it came from in errors ("--minutes",
// "$CAREREACH_TENANT").
using FlagSetter =
    std::function<absl::Status(Invocation&, absl::string_view origin, const std::string& value)>;

// Where a flag's value goes: a field of the Invocation.
template <typename T>
using Field = std::function<T&(Invocation&)>;

// The Field of one member of the options an Invocation holds: Of(&Invocation::coverage).
template <typename T>
Field<T> Of(T Invocation::*member) {
  return [member](Invocation& inv) -> T& { return inv.*member; };
}
// The Field of a member of a Field: At(Of(&Invocation::coverage), &CoverageOptions::region).
template <typename P, typename T>
Field<T> At(Field<P> parent, T P::*member) {
  return
      [parent = std::move(parent), member](Invocation& inv) -> T& { return parent(inv).*member; };
}

struct Flag {
  std::string name;        // without the leading "--"
  std::string value_name;  // "R", "FILE.csv"; empty for a switch
  std::string help;        // one paragraph, wrapped by the usage text
  FlagSetter set;
  // A shared group's title ("drive options"): the usage text prints the group's flags in full
  // for the first command that has them and names them for the others.
  std::string group;
  // The environment variable that supplies the default (global flags only), and its field.
  std::string env_var;
  std::string Environment::*env_field = nullptr;
  // Applied before the other flags, whatever their order on the command line.
  bool applied_first = false;

  bool takes_value() const { return !value_name.empty(); }
};

// The flags of one command (or the global ones), in the order the usage text lists them.
class FlagSet {
 public:
  Flag& Add(std::string name, std::string value_name, std::string help, FlagSetter set);
  // A non-blank text.
  Flag& Text(std::string name, std::string value_name, std::string help, Field<std::string> field);
  // A number (finite).
  Flag& Number(std::string name, std::string value_name, std::string help,
               Field<std::optional<double>> field);
  // Comma-separated numbers, appended (the flag repeats).
  Flag& Numbers(std::string name, std::string value_name, std::string help,
                Field<std::vector<double>> field);
  // Comma-separated 5-digit county FIPS codes, appended.
  Flag& Fips(std::string name, std::string value_name, std::string help,
             Field<std::vector<std::string>> field);
  // Comma-separated specialty codes, normalized ("40" -> "040"), appended.
  Flag& Codes(std::string name, std::string value_name, std::string help,
              Field<std::vector<std::string>> field);
  // One COLUMN=VALUE or COLUMN~TEXT filter, appended.
  Flag& Where(std::string name, std::string value_name, std::string help,
              Field<std::vector<WhereClause>> field);
  // A flag without a value: sets the field to true.
  Flag& Switch(std::string name, std::string help, Field<bool> field);

  // Puts the flags added since there were `first` into the shared group `group` (Flag::group).
  void SetGroup(size_t first, const std::string& group);
  size_t size() const { return flags_.size(); }

  // The flag named `name`, or null.
  const Flag* Find(absl::string_view name) const;
  const std::vector<Flag>& flags() const { return flags_; }

 private:
  std::vector<Flag> flags_;
};

struct CommandSpec {
  Command command = Command::kHelp;
  // "network", "report", "analyze" or "map" for two-word commands; empty otherwise.
  std::string group;
  std::string name;
  // The names of the positional arguments after the command words ("ID", "FROM", "TO").
  std::vector<std::string> positionals;
  // The usage line after "carereach <command> ", and the paragraph that introduces the flags.
  std::string synopsis;
  std::string summary;
  FlagSet flags;
  // Stores the positional arguments (their number already checked); null when there are none.
  std::function<absl::Status(Invocation&, const std::vector<std::string>&)> set_positionals;
  // Checks the whole command line once every flag is applied; null when there is nothing to
  // check.
  std::function<absl::Status(const Invocation&)> validate;
  // Runs the command (commands.h: errors are returned, not printed).
  std::function<absl::Status(const Invocation&, std::ostream& out, std::ostream& err)> run;

  // "regions", "network create".
  std::string FullName() const;
};

// The global flags and every command, as declared by the families (shared_flags.h and the
// *_args.cc files), in the order of the usage text.
const FlagSet& GlobalFlags();
const std::vector<CommandSpec>& AllCommands();
// The spec of `command`; null for kHelp.
const CommandSpec* FindSpec(Command command);

// Parses `args` against `globals` and `commands` (see ParseArgs in args.h for the rules), after
// applying the environment defaults the global flags name. `global_validate` checks the global
// options; its second argument lists the flags given on the command line.
absl::StatusOr<Invocation> ParseCommandLine(
    const std::vector<std::string>& args, const Environment& env, const FlagSet& globals,
    const std::vector<CommandSpec>& commands,
    const std::function<absl::Status(const Invocation&, const std::vector<std::string>&)>&
        global_validate);

// The usage text of `globals` and `commands`, framed by `intro` and `outro`.
std::string UsageFor(absl::string_view intro, const FlagSet& globals,
                     const std::vector<CommandSpec>& commands, absl::string_view outro);

// Value parsers; `origin` names the flag in errors ("--minutes: 'ten' is not a number").
absl::Status UsageError(absl::string_view message);
// UsageError(message) when `wrong`, else OK.
absl::Status UsageErrorIf(bool wrong, absl::string_view message);
absl::StatusOr<double> ParseNumber(absl::string_view origin, absl::string_view text);
// A whole number in [min, max]; `what` names it in errors ("--picks", "network diff: FROM").
absl::StatusOr<int> ParseWholeNumber(absl::string_view what, absl::string_view text, int min,
                                     int max);
absl::StatusOr<WhereClause> ParseWhere(absl::string_view origin, absl::string_view text);
// Comma-separated items, trimmed; an empty item is an error.
absl::StatusOr<std::vector<std::string>> ParseItems(absl::string_view origin,
                                                    absl::string_view text);
// OK for a 5-digit county FIPS code.
absl::Status CheckFips(absl::string_view origin, absl::string_view item);
// OK unless `value` is blank ("--region: value is empty").
absl::Status CheckNotBlank(absl::string_view origin, absl::string_view value);

}  // namespace carereach::cli

#endif  // CAREREACH_CLIENTS_CLI_FLAGS_H_
