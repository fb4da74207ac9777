#include "geo/io/csv.h"

#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace carereach::io {
namespace {

using ::carereach::testing_util::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Matches a CsvRecord starting on `line` with exactly `fields`.
auto Record(int64_t line, std::vector<std::string> fields) {
  return AllOf(Field("line", &CsvRecord::line, line),
               Field("fields", &CsvRecord::fields, ElementsAreArray(fields)));
}

TEST(ParseCsvTest, SplitsHeaderFromRecordsAndNumbersLinesFromOne) {
  absl::StatusOr<CsvTable> table = ParseCsv("a,b\n1,2\n3,4\n", "mem.csv");

  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->source, "mem.csv");
  EXPECT_THAT(table->header, ElementsAre("a", "b"));
  EXPECT_THAT(table->records, ElementsAre(Record(2, {"1", "2"}), Record(3, {"3", "4"})));
}

// A file saved as Latin-1 ("Café" with a lone byte 0xE9) is refused by file, line and column,
// not passed on to fail later as INTERNAL without either (protobuf strings must be UTF-8).
TEST(ParseCsvTest, TextThatIsNotUtf8IsInvalidArgumentWithFileLineAndColumn) {
  EXPECT_THAT(ParseCsv("id,name\n1,Queen's\n2,Caf\xE9 Clinic\n", "latin1.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "latin1.csv:3: column 2 (\"name\") is not valid UTF-8 (byte 0xE9 at "
                       "offset 3); save the file as UTF-8"));
  EXPECT_THAT(ParseCsv("id,na\xEFme\n1,x\n", "h.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("h.csv:1: column 2 is not valid UTF-8 (byte 0xEF at offset 2)")));
  // Overlong forms, surrogates and sequences cut short are not UTF-8 either.
  for (const char* bad : {"\xC0\xAF", "\xED\xA0\x80", "\xE2\x82", "\xF4\x90\x80\x80", "\x80"}) {
    EXPECT_THAT(ParseCsv(std::string("a\n") + bad + "\n", "b.csv"),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("b.csv:2: column 1")))
        << bad;
  }
  // Real UTF-8 of every length is fine.
  absl::StatusOr<CsvTable> good =
      ParseCsv("a,b\nWahiaw\xC4\x81,\xE2\x82\xAC \xF0\x9F\x8F\xA5\n", "u.csv");
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_THAT(good->records,
              ElementsAre(Record(2, {"Wahiaw\xC4\x81", "\xE2\x82\xAC \xF0\x9F\x8F\xA5"})));
}

TEST(ParseCsvTest, AColumnNamedTwiceIsInvalidArgumentNamingIt) {
  EXPECT_THAT(ParseCsv("id,lat,lon, LAT\n1,2,3,4\n", "dup.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "dup.csv:1: column \"LAT\" appears twice (columns 2 and 4)"));
  // Empty names (trailing commas) are never looked up, so they may repeat.
  absl::StatusOr<CsvTable> table = ParseCsv("id,,\n1,,\n", "empty.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->Column("id"), 0);
}

TEST(ParseCsvTest, StripsUtf8ByteOrderMark) {
  absl::StatusOr<CsvTable> table = ParseCsv("\xEF\xBB\xBFSTATEFP,COUNTYFP\n01,001\n", "bom.csv");

  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->header[0], "STATEFP");
  EXPECT_EQ(table->Column("STATEFP"), 0);
  EXPECT_THAT(table->records, ElementsAre(Record(2, {"01", "001"})));
}

TEST(ParseCsvTest, TrimsSpacesAroundHeaderNames) {
  absl::StatusOr<CsvTable> table = ParseCsv(" fips , \"state \" ,name\n1,MI,Wayne\n", "x.csv");

  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(table->header, ElementsAre("fips", "state", "name"));
}

TEST(ParseCsvTest, QuotedFieldsKeepCommasDoubledQuotesAndNewlines) {
  absl::StatusOr<CsvTable> table = ParseCsv(
      "name,note\n"
      "\"Doe, Jane\",\"said \"\"hi\"\"\"\n"
      "\"Multi\n"
      "line\",x\n"
      "after,y\n",
      "q.csv");

  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(table->records,
              ElementsAre(Record(2, {"Doe, Jane", "said \"hi\""}), Record(3, {"Multi\nline", "x"}),
                          Record(5, {"after", "y"})));
}

TEST(ParseCsvTest, AcceptsCrLfLineEnds) {
  absl::StatusOr<CsvTable> table = ParseCsv("a,b\r\n1,2\r\n\"x\r\ny\",3\r\n4,5\r\n", "crlf.csv");

  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(table->header, ElementsAre("a", "b"));
  EXPECT_THAT(table->records, ElementsAre(Record(2, {"1", "2"}), Record(3, {"x\r\ny", "3"}),
                                          Record(5, {"4", "5"})));
}

TEST(ParseCsvTest, SkipsBlankLinesButCountsThem) {
  absl::StatusOr<CsvTable> table = ParseCsv("\n\na,b\n\n1,2\n  \n\n3,4\n\n", "blank.csv");

  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(table->header, ElementsAre("a", "b"));
  EXPECT_THAT(table->records, ElementsAre(Record(5, {"1", "2"}), Record(8, {"3", "4"})));
}

TEST(ParseCsvTest, ReadsLastRecordWithoutTrailingNewline) {
  absl::StatusOr<CsvTable> table = ParseCsv("a,b\n1,2\n3,\"4\"", "tail.csv");

  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(table->records, ElementsAre(Record(2, {"1", "2"}), Record(3, {"3", "4"})));
}

TEST(ParseCsvTest, ReturnsRecordsWhoseWidthDiffersFromTheHeader) {
  absl::StatusOr<CsvTable> table = ParseCsv("a,b,c\n1\n1,2,3,4\n,,\n", "ragged.csv");

  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(table->records, ElementsAre(Record(2, {"1"}), Record(3, {"1", "2", "3", "4"}),
                                          Record(4, {"", "", ""})));
}

TEST(ParseCsvTest, RejectsUnterminatedQuoteWithTheLineWhereItsRecordStarts) {
  absl::StatusOr<CsvTable> table = ParseCsv("a,b\n1,2\n3,\"open\n5,6\n", "bad.csv");

  EXPECT_THAT(table,
              StatusIs(absl::StatusCode::kInvalidArgument, "bad.csv:3: unterminated quoted field"));
}

TEST(ParseCsvTest, AcceptsStrayQuoteInsideUnquotedField) {
  // Lenient mode: a quote that does not open a field is kept as text.
  absl::StatusOr<CsvTable> table = ParseCsv("a,b\n5'11\",x\n", "inch.csv");

  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(table->records, ElementsAre(Record(2, {"5'11\"", "x"})));
}

TEST(ParseCsvTest, RejectsTextWithoutHeaderRow) {
  EXPECT_THAT(ParseCsv("", "empty.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("empty.csv:"), HasSubstr("no header row"))));
  EXPECT_THAT(ParseCsv("\xEF\xBB\xBF\r\n\n", "bom_only.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no header row")));
}

TEST(CsvTableTest, ColumnIgnoresAsciiCase) {
  CsvTable table{.source = "t", .header = {"STATEFP", "Population", "lat"}, .records = {}};

  EXPECT_EQ(table.Column("statefp"), 0);
  EXPECT_EQ(table.Column("POPULATION"), 1);
  EXPECT_EQ(table.Column("Lat"), 2);
  EXPECT_EQ(table.Column("lon"), -1);
  EXPECT_EQ(table.Column(""), -1);
}

TEST(CsvTableTest, FirstColumnPrefersEarlierNames) {
  CsvTable table{.source = "t", .header = {"lat", "latitude", "lon"}, .records = {}};

  EXPECT_EQ(table.FirstColumn({"latitude", "lat"}), 1);
  EXPECT_EQ(table.FirstColumn({"lat", "latitude"}), 0);
  EXPECT_EQ(table.FirstColumn({"longitude", "LON"}), 2);
  EXPECT_EQ(table.FirstColumn({"x", "y"}), -1);
  EXPECT_EQ(table.FirstColumn({}), -1);
}

TEST(ReadCsvFileTest, ReadsCheckedInCensusExtractWithByteOrderMark) {
  const std::string path = std::string(CAREREACH_SOURCE_DIR) + "/tests/fixtures/tracts_bom.csv";

  absl::StatusOr<CsvTable> table = ReadCsvFile(path);

  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->source, path);
  EXPECT_THAT(table->header,
              ElementsAre("STATEFP", "COUNTYFP", "TRACTCE", "POPULATION", "LATITUDE", "LONGITUDE"));
  ASSERT_EQ(table->records.size(), 5u);
  EXPECT_THAT(table->records.front(),
              Record(2, {"01", "001", "020100", "1775", "+32.476823", "-086.486599"}));
  EXPECT_EQ(table->records.back().line, 6);
}

TEST(ReadCsvFileTest, NamesThePathInParseErrors) {
  const std::string path = testing::TempDir() + "/csv_test_unterminated.csv";
  std::ofstream(path, std::ios::binary) << "a\n\"never closed\n";

  EXPECT_THAT(ReadCsvFile(path),
              StatusIs(absl::StatusCode::kInvalidArgument, path + ":2: unterminated quoted field"));
}

TEST(ReadCsvFileTest, MissingFileIsNotFound) {
  const std::string path = testing::TempDir() + "/csv_test_no_such_file.csv";

  EXPECT_THAT(ReadCsvFile(path),
              StatusIs(absl::StatusCode::kNotFound, StartsWith(path + ": cannot open")));
}

}  // namespace
}  // namespace carereach::io
