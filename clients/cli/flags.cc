#include "clients/cli/flags.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "geo/core/status_macros.h"
#include "geo/io/decimal.h"

namespace carereach::cli {
namespace {

bool IsGroup(absl::string_view word) {
  return word == "network" || word == "report" || word == "analyze" || word == "map";
}

// The command named by the first one or two positional arguments; `words` gets how many.
absl::StatusOr<const CommandSpec*> FindCommand(const std::vector<CommandSpec>& commands,
                                               const std::vector<std::string>& positionals,
                                               size_t* words) {
  const std::string& first = positionals[0];
  if (!IsGroup(first)) {
    for (const CommandSpec& spec : commands) {
      if (spec.group.empty() && spec.name == first) {
        *words = 1;
        return &spec;
      }
    }
    return UsageError(absl::StrCat("unknown command '", first, "'"));
  }
  std::vector<absl::string_view> subcommands;
  for (const CommandSpec& spec : commands) {
    if (spec.group != first) continue;
    if (positionals.size() > 1 && spec.name == positionals[1]) {
      *words = 2;
      return &spec;
    }
    subcommands.push_back(spec.name);
  }
  if (positionals.size() < 2) {
    return UsageError(absl::StrCat("'carereach ", first,
                                   "' needs a subcommand: ", absl::StrJoin(subcommands, ", ")));
  }
  return UsageError(absl::StrCat("unknown command '", first, " ", positionals[1], "' (", first,
                                 " subcommands: ", absl::StrJoin(subcommands, ", "), ")"));
}

// The command an argument list names, for telling apart flags of one name before the
// positional arguments are known: the first argument that names a command (and for a group,
// the next that names one of its subcommands). Null when there is none.
const CommandSpec* GuessCommand(const std::vector<CommandSpec>& commands,
                                const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (!IsGroup(args[i])) {
      for (const CommandSpec& spec : commands) {
        if (spec.group.empty() && spec.name == args[i]) return &spec;
      }
      continue;
    }
    for (size_t j = i + 1; j < args.size(); ++j) {
      for (const CommandSpec& spec : commands) {
        if (spec.group == args[i] && spec.name == args[j]) return &spec;
      }
    }
    return nullptr;
  }
  return nullptr;
}

// A flag occurrence on the command line, value already attached.
struct FlagUse {
  const Flag* flag;
  bool applies;  // a global flag or one of the command's
  std::string value;
};

struct Tokens {
  bool help = false;
  std::vector<FlagUse> flags;
  std::vector<std::string> positionals;
};

// Splits the arguments into flags (with their values) and positional arguments. A name is
// looked up among the global flags, then those of `command`, then those of every command (the
// first declared), which decides whether it takes a value.
class Tokenizer {
 public:
  Tokenizer(const FlagSet& globals, const std::vector<CommandSpec>& commands)
      : globals_(globals), commands_(commands) {}

  absl::StatusOr<Tokens> Run(const std::vector<std::string>& args,
                             const CommandSpec* command) const {
    Tokens tokens;
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      if (arg == "--help" || arg == "-h") {
        tokens.help = true;
      } else if (arg.size() > 1 && arg[0] == '-') {
        ASSIGN_OR_RETURN(FlagUse use, Flag(args, i, command));
        tokens.flags.push_back(std::move(use));
      } else {
        tokens.positionals.push_back(arg);
      }
    }
    return tokens;
  }

 private:
  // The flag at args[i]; advances i past its value when that is the next argument.
  absl::StatusOr<FlagUse> Flag(const std::vector<std::string>& args, size_t& i,
                               const CommandSpec* command) const {
    const std::string& arg = args[i];
    absl::string_view body = arg;
    if (!absl::ConsumePrefix(&body, "--") || body.empty()) {
      return UsageError(absl::StrCat("unknown flag ", arg));
    }
    std::optional<std::string> value;
    if (size_t eq = body.find('='); eq != absl::string_view::npos) {
      value = std::string(body.substr(eq + 1));
      body = body.substr(0, eq);
    }
    FlagUse use{globals_.Find(body), true, ""};
    if (use.flag == nullptr && command != nullptr) use.flag = command->flags.Find(body);
    for (size_t c = 0; use.flag == nullptr && c < commands_.size(); ++c) {
      use.flag = commands_[c].flags.Find(body);
      use.applies = false;
    }
    if (use.flag == nullptr) return UsageError(absl::StrCat("unknown flag --", body));
    if (use.flag->takes_value() && !value) {
      // "--region --facilities x" is a missing value, not a region named "--facilities".
      if (i + 1 >= args.size() || absl::StartsWith(args[i + 1], "--")) {
        return UsageError(absl::StrCat("--", body, " needs a value"));
      }
      value = args[++i];
    } else if (!use.flag->takes_value() && value) {
      return UsageError(absl::StrCat("--", body, " takes no value"));
    }
    use.value = value.value_or("");
    return use;
  }

  const FlagSet& globals_;
  const std::vector<CommandSpec>& commands_;
};

// The defaults the environment gives the global flags (before any flag).
absl::Status ApplyEnvironment(const FlagSet& globals, const Environment& env, Invocation& inv) {
  for (const Flag& flag : globals.flags()) {
    if (flag.env_field == nullptr || (env.*flag.env_field).empty()) continue;
    RETURN_IF_ERROR(flag.set(inv, absl::StrCat("$", flag.env_var), env.*flag.env_field));
  }
  // $CAREREACH_TOKEN is the token itself (no flag): it wins over a file of it.
  inv.global.token = std::string(absl::StripAsciiWhitespace(env.token));
  if (!inv.global.token.empty()) inv.global.token_file.clear();
  return absl::OkStatus();
}

// Checks the number of positional arguments after the command words and stores them.
absl::Status ApplyPositionals(const CommandSpec& spec, const std::vector<std::string>& args,
                              Invocation& inv) {
  const std::string command = spec.FullName();
  const std::string names = absl::StrJoin(spec.positionals, " ");
  if (args.size() > spec.positionals.size()) {
    return UsageError(absl::StrCat("unexpected argument '", args[spec.positionals.size()], "'"));
  }
  if (args.size() < spec.positionals.size()) {
    return UsageError(absl::StrCat("'carereach ", command, "' needs ", names, " (carereach ",
                                   command, " ", names, ")"));
  }
  if (spec.set_positionals == nullptr) return absl::OkStatus();
  return spec.set_positionals(inv, args);
}

// Applies the flags in command-line order (those marked applied_first first), once each was
// checked to apply to `spec`.
absl::Status ApplyFlags(const CommandSpec& spec, std::vector<FlagUse> flags, Invocation& inv) {
  for (const FlagUse& use : flags) {
    if (!use.applies) {
      return UsageError(absl::StrCat("--", use.flag->name, " does not apply to 'carereach ",
                                     spec.FullName(), "'"));
    }
  }
  std::stable_partition(flags.begin(), flags.end(),
                        [](const FlagUse& use) { return use.flag->applied_first; });
  for (const FlagUse& use : flags) {
    RETURN_IF_ERROR(use.flag->set(inv, absl::StrCat("--", use.flag->name), use.value));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Usage text

constexpr size_t kHelpColumn = 27;
constexpr size_t kWidth = 100;

// `words` wrapped to kWidth, every line indented by `indent` columns except the first, which
// continues `line`.
void AppendWrapped(std::string& out, std::string line, absl::string_view text, size_t indent) {
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (line.size() > indent && line.size() + 1 + word.size() > kWidth) {
      absl::StrAppend(&out, line, "\n");
      line = std::string(indent, ' ');
    }
    if (!line.empty() && line.back() != ' ') line += ' ';
    absl::StrAppend(&line, word);
  }
  absl::StrAppend(&out, line, "\n");
}

// "  --name VALUE           help", the help on its own line when the label is too wide.
void AppendFlagLine(std::string& out, absl::string_view label, absl::string_view help) {
  std::string line = absl::StrCat("  ", label);
  if (line.size() + 2 > kHelpColumn) {
    absl::StrAppend(&out, line, "\n");
    line.clear();
  }
  line.resize(kHelpColumn, ' ');
  AppendWrapped(out, line, help, kHelpColumn);
}

std::string FlagLabel(const Flag& flag) {
  return flag.takes_value() ? absl::StrCat("--", flag.name, " ", flag.value_name)
                            : absl::StrCat("--", flag.name);
}

std::string FlagHelp(const Flag& flag) {
  if (flag.env_var.empty()) return flag.help;
  return absl::StrCat(flag.help, " (default $", flag.env_var, ")");
}

// One command's flags; a group another command printed already is named, not repeated.
void AppendCommandFlags(std::string& out, const CommandSpec& spec,
                        std::map<std::string, std::string>& group_owner) {
  std::map<std::string, std::vector<std::string>> repeated;  // group -> its flags here
  std::vector<std::string> order;
  for (const Flag& flag : spec.flags.flags()) {
    auto owner = group_owner.find(flag.group);
    if (flag.group.empty() || owner == group_owner.end() || owner->second == spec.FullName()) {
      AppendFlagLine(out, FlagLabel(flag), flag.help);
      if (!flag.group.empty()) group_owner.emplace(flag.group, spec.FullName());
      continue;
    }
    if (repeated[flag.group].empty()) order.push_back(flag.group);
    repeated[flag.group].push_back(absl::StrCat("--", flag.name));
  }
  for (const std::string& group : order) {
    std::string line;
    AppendWrapped(line, "  ", absl::StrJoin(repeated[group], ", "), 2);
    out += line;
    AppendWrapped(out, std::string(kHelpColumn, ' '),
                  absl::StrCat(group, ", as in ", group_owner[group]), kHelpColumn);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// FlagSet

Flag& FlagSet::Add(std::string name, std::string value_name, std::string help, FlagSetter set) {
  Flag& flag = flags_.emplace_back();
  flag.name = std::move(name);
  flag.value_name = std::move(value_name);
  flag.help = std::move(help);
  flag.set = std::move(set);
  return flag;
}

Flag& FlagSet::Text(std::string name, std::string value_name, std::string help,
                    Field<std::string> field) {
  return Add(std::move(name), std::move(value_name), std::move(help),
             [field](Invocation& inv, absl::string_view origin, const std::string& value) {
               RETURN_IF_ERROR(CheckNotBlank(origin, value));
               field(inv) = value;
               return absl::OkStatus();
             });
}

Flag& FlagSet::Number(std::string name, std::string value_name, std::string help,
                      Field<std::optional<double>> field) {
  return Add(std::move(name), std::move(value_name), std::move(help),
             [field](Invocation& inv, absl::string_view origin, const std::string& value) {
               ASSIGN_OR_RETURN(field(inv), ParseNumber(origin, value));
               return absl::OkStatus();
             });
}

Flag& FlagSet::Numbers(std::string name, std::string value_name, std::string help,
                       Field<std::vector<double>> field) {
  return Add(std::move(name), std::move(value_name), std::move(help),
             [field](Invocation& inv, absl::string_view origin, const std::string& value) {
               ASSIGN_OR_RETURN(std::vector<double> numbers, ParseNumberList(origin, value));
               field(inv).insert(field(inv).end(), numbers.begin(), numbers.end());
               return absl::OkStatus();
             });
}

Flag& FlagSet::Fips(std::string name, std::string value_name, std::string help,
                    Field<std::vector<std::string>> field) {
  return Add(std::move(name), std::move(value_name), std::move(help),
             [field](Invocation& inv, absl::string_view origin, const std::string& value) {
               ASSIGN_OR_RETURN(std::vector<std::string> items, ParseItems(origin, value));
               for (std::string& item : items) {
                 RETURN_IF_ERROR(CheckFips(origin, item));
                 field(inv).push_back(std::move(item));
               }
               return absl::OkStatus();
             });
}

Flag& FlagSet::Codes(std::string name, std::string value_name, std::string help,
                     Field<std::vector<std::string>> field) {
  return Add(std::move(name), std::move(value_name), std::move(help),
             [field](Invocation& inv, absl::string_view origin, const std::string& value) {
               ASSIGN_OR_RETURN(std::vector<std::string> items, ParseItems(origin, value));
               for (const std::string& item : items) {
                 field(inv).push_back(NormalizeSpecialtyCode(item));
               }
               return absl::OkStatus();
             });
}

Flag& FlagSet::Where(std::string name, std::string value_name, std::string help,
                     Field<std::vector<WhereClause>> field) {
  return Add(std::move(name), std::move(value_name), std::move(help),
             [field](Invocation& inv, absl::string_view origin, const std::string& value) {
               ASSIGN_OR_RETURN(WhereClause clause, ParseWhere(origin, value));
               field(inv).push_back(std::move(clause));
               return absl::OkStatus();
             });
}

Flag& FlagSet::Switch(std::string name, std::string help, Field<bool> field) {
  return Add(std::move(name), "", std::move(help),
             [field](Invocation& inv, absl::string_view, const std::string&) {
               field(inv) = true;
               return absl::OkStatus();
             });
}

void FlagSet::SetGroup(size_t first, const std::string& group) {
  for (size_t i = first; i < flags_.size(); ++i) flags_[i].group = group;
}

const Flag* FlagSet::Find(absl::string_view name) const {
  for (const Flag& flag : flags_) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

std::string CommandSpec::FullName() const {
  if (group.empty()) return name;
  return absl::StrCat(group, " ", name);
}

const CommandSpec* FindSpec(Command command) {
  for (const CommandSpec& spec : AllCommands()) {
    if (spec.command == command) return &spec;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Parsing

absl::StatusOr<Invocation> ParseCommandLine(
    const std::vector<std::string>& args, const Environment& env, const FlagSet& globals,
    const std::vector<CommandSpec>& commands,
    const std::function<absl::Status(const Invocation&, const std::vector<std::string>&)>&
        global_validate) {
  Invocation inv;
  RETURN_IF_ERROR(ApplyEnvironment(globals, env, inv));

  // Flags of one name ("--counties") are told apart by the command, which is known only once
  // the positional arguments are: guess it, and tokenize again if the guess was wrong.
  const Tokenizer tokenizer(globals, commands);
  const CommandSpec* guess = GuessCommand(commands, args);
  ASSIGN_OR_RETURN(Tokens tokens, tokenizer.Run(args, guess));
  if (tokens.help || (!tokens.positionals.empty() && tokens.positionals[0] == "help")) {
    inv.command = Command::kHelp;
    return inv;
  }
  if (tokens.positionals.empty()) return UsageError("no command given");
  size_t words = 0;
  ASSIGN_OR_RETURN(const CommandSpec* spec, FindCommand(commands, tokens.positionals, &words));
  if (spec != guess) {
    ASSIGN_OR_RETURN(tokens, tokenizer.Run(args, spec));
    ASSIGN_OR_RETURN(spec, FindCommand(commands, tokens.positionals, &words));
  }
  inv.command = spec->command;
  RETURN_IF_ERROR(ApplyPositionals(
      *spec,
      {tokens.positionals.begin() + static_cast<std::ptrdiff_t>(words), tokens.positionals.end()},
      inv));
  RETURN_IF_ERROR(ApplyFlags(*spec, tokens.flags, inv));
  std::vector<std::string> given;
  for (const FlagUse& use : tokens.flags) given.push_back(use.flag->name);
  RETURN_IF_ERROR(global_validate(inv, given));
  if (spec->validate != nullptr) RETURN_IF_ERROR(spec->validate(inv));
  return inv;
}

std::string UsageFor(absl::string_view intro, const FlagSet& globals,
                     const std::vector<CommandSpec>& commands, absl::string_view outro) {
  std::string out = absl::StrCat(intro, "\nUsage:\n  carereach help | --help\n");
  for (const CommandSpec& spec : commands) {
    AppendWrapped(out, absl::StrCat("  carereach ", spec.FullName()), spec.synopsis, 22);
  }
  absl::StrAppend(&out, "\nGlobal flags (any command):\n");
  for (const Flag& flag : globals.flags()) AppendFlagLine(out, FlagLabel(flag), FlagHelp(flag));
  std::map<std::string, std::string> group_owner;
  for (const CommandSpec& spec : commands) {
    absl::StrAppend(&out, "\n");
    AppendWrapped(out, absl::StrCat(spec.FullName(), ":"), spec.summary, 0);
    AppendCommandFlags(out, spec, group_owner);
  }
  absl::StrAppend(&out, "\n", outro);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Value parsers

absl::Status UsageError(absl::string_view message) { return absl::InvalidArgumentError(message); }

absl::Status UsageErrorIf(bool wrong, absl::string_view message) {
  return wrong ? UsageError(message) : absl::OkStatus();
}

absl::StatusOr<double> ParseNumber(absl::string_view origin, absl::string_view text) {
  double value = 0;
  absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  if (!io::ParseDecimal(trimmed, &value)) {
    return UsageError(absl::StrCat(origin, ": '", text, "' is not a number"));
  }
  return value;
}

absl::StatusOr<int> ParseWholeNumber(absl::string_view what, absl::string_view text, int min,
                                     int max) {
  int value = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &value) || value < min || value > max) {
    return UsageError(
        absl::StrCat(what, ": '", text, "' is not a whole number in [", min, ", ", max, "]"));
  }
  return value;
}

absl::StatusOr<WhereClause> ParseWhere(absl::string_view origin, absl::string_view text) {
  // The first '=' or '~' separates the column from the value, so values may hold either.
  const size_t op = text.find_first_of("=~");
  if (op == absl::string_view::npos || absl::StripAsciiWhitespace(text.substr(0, op)).empty()) {
    return UsageError(absl::StrCat(origin, ": '", text, "' is not COLUMN=VALUE or COLUMN~TEXT"));
  }
  WhereClause clause{std::string(absl::StripAsciiWhitespace(text.substr(0, op))),
                     std::string(absl::StripAsciiWhitespace(text.substr(op + 1))), text[op] == '~'};
  if (!clause.contains) return clause;
  // An empty alternative would match every row.
  for (absl::string_view alternative : absl::StrSplit(clause.value, '|')) {
    if (absl::StripAsciiWhitespace(alternative).empty()) {
      return UsageError(
          absl::StrCat(origin, ": '", text, "': TEXT (or one of its '|' alternatives) is empty"));
    }
  }
  return clause;
}

absl::StatusOr<std::vector<std::string>> ParseItems(absl::string_view origin,
                                                    absl::string_view text) {
  std::vector<std::string> items;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (item.empty()) return UsageError(absl::StrCat(origin, ": empty item in '", text, "'"));
    items.emplace_back(item);
  }
  return items;
}

absl::Status CheckFips(absl::string_view origin, absl::string_view item) {
  if (item.size() != 5 || !std::all_of(item.begin(), item.end(), absl::ascii_isdigit)) {
    return UsageError(absl::StrCat(origin, ": '", item, "' is not a 5-digit county FIPS code"));
  }
  return absl::OkStatus();
}

absl::Status CheckNotBlank(absl::string_view origin, absl::string_view value) {
  if (absl::StripAsciiWhitespace(value).empty()) {
    return UsageError(absl::StrCat(origin, ": value is empty"));
  }
  return absl::OkStatus();
}

}  // namespace carereach::cli
