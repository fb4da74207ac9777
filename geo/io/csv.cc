#include "geo/io/csv.h"

// libcsv's header; the angle brackets matter, "csv.h" would find geo/io/csv.h.
#include <csv.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "geo/core/status_macros.h"

namespace carereach::io {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Collects libcsv's field and record callbacks into a CsvTable. libcsv reports no positions, so
// ParseCsv feeds it one line piece at a time and tells the builder where each record begins.
struct TableBuilder {
  std::vector<std::string> header;  // the first record
  bool have_header = false;
  std::vector<CsvRecord> records;
  std::vector<std::string> fields;  // of the record being read
  size_t width = 0;                 // fields in the header, to size each record once
  int64_t record_line = 0;          // line on which the record being read starts
  bool between_records = true;      // the parser has not begun a record yet

  static void OnField(void* data, size_t len, void* self) {
    static_cast<TableBuilder*>(self)->fields.emplace_back(static_cast<const char*>(data), len);
  }

  static void OnRecordEnd(int /*terminator*/, void* self) {
    auto* b = static_cast<TableBuilder*>(self);
    if (!b->have_header) {
      b->header = std::move(b->fields);
      b->have_header = true;
      b->width = b->header.size();
    } else {
      b->records.push_back(CsvRecord{.line = b->record_line, .fields = std::move(b->fields)});
    }
    b->fields = std::vector<std::string>();
    b->fields.reserve(b->width);
    b->between_records = true;
  }
};

// True when `piece` holds only what libcsv ignores between records (spaces, tabs, CR, LF).
bool IsBlank(std::string_view piece) {
  for (char c : piece) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

struct ParserDeleter {
  void operator()(csv_parser* p) const {
    csv_free(p);
    delete p;
  }
};

// The length of the well-formed UTF-8 sequence at the start of `text` (1..4), or 0 when it is
// not one (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF, cut short).
size_t Utf8SequenceLength(std::string_view text) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) low = 0xA0;   // overlong
    if (b0 == 0xED) high = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) low = 0x90;   // overlong
    if (b0 == 0xF4) high = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

// The offset of the first byte of `text` that is not well-formed UTF-8, or npos.
size_t FirstInvalidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t length = Utf8SequenceLength(text.substr(i));
    if (length == 0) return i;
    i += length;
  }
  return std::string_view::npos;
}

// Text fields travel in protobuf strings, which must be UTF-8: a file in another encoding (say
// Latin-1) is refused here, by file, line and column, rather than by a serializer later.
absl::Status CheckUtf8(const CsvTable& table) {
  const auto check = [&](const std::string& field, int64_t line, size_t column) -> absl::Status {
    const size_t bad = FirstInvalidUtf8(field);
    if (bad == std::string_view::npos) return absl::OkStatus();
    const std::string name =
        column < table.header.size() &&
                FirstInvalidUtf8(table.header[column]) == std::string_view::npos
            ? absl::StrCat(" (\"", table.header[column], "\")")
            : "";
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s:%d: column %d%s is not valid UTF-8 (byte 0x%02X at offset %d); save the file as "
        "UTF-8",
        table.source, line, column + 1, name, static_cast<unsigned char>(field[bad]), bad));
  };
  for (size_t c = 0; c < table.header.size(); ++c) RETURN_IF_ERROR(check(table.header[c], 1, c));
  for (const CsvRecord& record : table.records) {
    for (size_t c = 0; c < record.fields.size(); ++c) {
      RETURN_IF_ERROR(check(record.fields[c], record.line, c));
    }
  }
  return absl::OkStatus();
}

// Columns are found by name (ASCII case-insensitive): a name given twice would silently take the
// first, so it is refused. Empty names (e.g. from trailing commas) are never looked up.
absl::Status CheckHeader(const CsvTable& table) {
  for (size_t i = 0; i < table.header.size(); ++i) {
    if (table.header[i].empty()) continue;
    for (size_t j = 0; j < i; ++j) {
      if (absl::EqualsIgnoreCase(table.header[i], table.header[j])) {
        return absl::InvalidArgumentError(
            absl::StrFormat("%s:1: column \"%s\" appears twice (columns %d and %d)", table.source,
                            table.header[i], j + 1, i + 1));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

int CsvTable::Column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    // Debian's Abseil has its own string_view type, hence the explicit conversion.
    if (absl::EqualsIgnoreCase(header[i], absl::string_view(name.data(), name.size()))) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

int CsvTable::FirstColumn(std::initializer_list<std::string_view> names) const {
  for (std::string_view name : names) {
    if (int column = Column(name); column >= 0) return column;
  }
  return -1;
}

absl::StatusOr<CsvTable> ParseCsv(std::string_view text, std::string source) {
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());

  std::unique_ptr<csv_parser, ParserDeleter> parser(new csv_parser);
  if (csv_init(parser.get(), 0) != 0) {
    return absl::InternalError(absl::StrCat(source, ": cannot initialise the CSV parser"));
  }

  // Feed the text in pieces that end at a CR or LF so that, before each piece, we know the line
  // it is on and whether the parser sits between records. A record starts on the first piece
  // that is not blank after the previous record ended (libcsv skips blank lines itself).
  TableBuilder builder;
  builder.records.reserve(std::count(text.begin(), text.end(), '\n'));
  int64_t line = 1;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find_first_of("\r\n", pos);
    end = (end == std::string_view::npos) ? text.size() : end + 1;
    const std::string_view piece = text.substr(pos, end - pos);
    if (builder.between_records && !IsBlank(piece)) {
      builder.record_line = line;
      builder.between_records = false;
    }
    if (csv_parse(parser.get(), piece.data(), piece.size(), &TableBuilder::OnField,
                  &TableBuilder::OnRecordEnd, &builder) != piece.size()) {
      // Lenient mode has no parse errors; this is a field too large to buffer.
      return absl::ResourceExhaustedError(absl::StrCat(source, ":", builder.record_line, ": ",
                                                       csv_strerror(csv_error(parser.get()))));
    }
    if (piece.back() == '\n') ++line;
    pos = end;
  }
  // The default (lenient) mode accepts stray quotes inside fields, but a quoted field still open
  // at the end of the text means a lost closing quote; strict mode makes csv_fini report it.
  csv_set_opts(parser.get(), csv_get_opts(parser.get()) | CSV_STRICT | CSV_STRICT_FINI);
  if (csv_fini(parser.get(), &TableBuilder::OnField, &TableBuilder::OnRecordEnd, &builder) != 0) {
    if (csv_error(parser.get()) == CSV_EPARSE) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ":", builder.record_line, ": unterminated quoted field"));
    }
    return absl::ResourceExhaustedError(absl::StrCat(source, ":", builder.record_line, ": ",
                                                     csv_strerror(csv_error(parser.get()))));
  }

  if (!builder.have_header) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": no header row (no records)"));
  }
  CsvTable table;
  table.source = std::move(source);
  table.header = std::move(builder.header);
  for (std::string& name : table.header) absl::StripAsciiWhitespace(&name);
  table.records = std::move(builder.records);
  RETURN_IF_ERROR(CheckHeader(table));
  RETURN_IF_ERROR(CheckUtf8(table));
  return table;
}

absl::StatusOr<CsvTable> ReadCsvFile(const std::string& path) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open (", std::strerror(errno), ")"));
  }
  // A regular file is read in one call into a buffer of its size; anything else in chunks.
  std::string text;
  if (struct stat st; fstat(fileno(file.get()), &st) == 0 && S_ISREG(st.st_mode)) {
    text.resize(static_cast<size_t>(st.st_size));
    text.resize(std::fread(text.data(), 1, text.size(), file.get()));
  }
  char buffer[1 << 16];
  while (size_t n = std::fread(buffer, 1, sizeof(buffer), file.get())) text.append(buffer, n);
  if (std::ferror(file.get())) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot read (", std::strerror(errno), ")"));
  }
  return ParseCsv(text, path);
}

}  // namespace carereach::io
