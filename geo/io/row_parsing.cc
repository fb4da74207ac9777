#include "geo/io/row_parsing.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "geo/io/decimal.h"

namespace carereach::io::internal {

absl::StatusOr<std::vector<int>> RequireColumns(const CsvTable& table,
                                                std::initializer_list<std::string_view> names) {
  std::vector<int> columns;
  std::vector<std::string> missing;
  for (std::string_view name : names) {
    const int column = table.Column(name);
    if (column < 0) missing.emplace_back(name);
    columns.push_back(column);
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(table.source, ": missing column",
                                                   missing.size() > 1 ? "s " : " ",
                                                   absl::StrJoin(missing, ", ")));
  }
  return columns;
}

absl::Status CheckFieldCount(const CsvTable& table, const CsvRecord& record) {
  const size_t have = record.fields.size();
  const size_t want = table.header.size();
  if (have < want) {
    return absl::InvalidArgumentError(absl::StrCat("missing field ", table.header[have],
                                                   " (row has ", have, " fields, header has ", want,
                                                   ")"));
  }
  if (have > want) {
    return absl::InvalidArgumentError(absl::StrCat("row has ", have, " fields, header has ", want));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ParseCode(const CsvTable& table, int column, absl::string_view value,
                                      size_t width) {
  value = absl::StripAsciiWhitespace(value);
  const std::string& name = table.header[column];
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(name, " is empty"));
  bool digits = value.size() <= width;
  for (char c : value) digits = digits && absl::ascii_isdigit(static_cast<unsigned char>(c));
  if (!digits) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": \"", value, "\" is not a code of at most ", width, " digits"));
  }
  std::string code(width - value.size(), '0');
  code.append(value.data(), value.size());
  return code;
}

absl::StatusOr<std::string> ParseText(const CsvTable& table, int column, absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  if (value.empty())
    return absl::InvalidArgumentError(absl::StrCat(table.header[column], " is empty"));
  return std::string(value);
}

absl::StatusOr<std::string> ParseStateCode(const CsvTable& table, int column,
                                           absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  if (value.size() != 2 || !absl::ascii_isalpha(value[0]) || !absl::ascii_isalpha(value[1])) {
    return absl::InvalidArgumentError(
        absl::StrCat(table.header[column], ": \"", value, "\" is not a two-letter USPS code"));
  }
  return absl::AsciiStrToUpper(value);
}

absl::StatusOr<int64_t> ParseCount(const CsvTable& table, int column, absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  const std::string& name = table.header[column];
  int64_t count = 0;
  if (!absl::SimpleAtoi(value, &count)) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": \"", value, "\" is not an integer"));
  }
  if (count < 0) return absl::InvalidArgumentError(absl::StrCat(name, ": ", value, " is negative"));
  return count;
}

absl::StatusOr<double> ParseNonNegative(const CsvTable& table, int column,
                                        absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  const std::string& name = table.header[column];
  double number = 0.0;
  if (!ParseDecimal(value, &number)) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": \"", value, "\" is not a number (decimal digits only)"));
  }
  if (number < 0) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": ", value, " is negative"));
  }
  return number;
}

absl::StatusOr<double> ParseNumber(const CsvTable& table, int column, absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  double number = 0.0;
  if (!ParseDecimal(value, &number)) {
    return absl::InvalidArgumentError(absl::StrCat(table.header[column], ": \"", value,
                                                   "\" is not a number (decimal digits only)"));
  }
  return number;
}

}  // namespace carereach::io::internal
