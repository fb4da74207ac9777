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
#include "absl/strings/string_view.h"

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
