#ifndef CAREREACH_TESTS_POSTGRES_SCRATCH_DATABASE_H_
#define CAREREACH_TESTS_POSTGRES_SCRATCH_DATABASE_H_

// A fresh database on the tests' PostgreSQL server for one test, dropped when it goes out of
// scope. The server is the throwaway one tests/postgres/postgres.sh starts as the CTest fixture
// `postgres`; its URL is read from CAREREACH_TEST_POSTGRES_URL, or from the `url` file in
// CAREREACH_TEST_POSTGRES_STATE (both set by CTest). Without either the test fails, saying how to
// run it: a store test never passes without the engine it claims to test.

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace carereach::testing_util {

// The server's URL ("postgresql://postgres@127.0.0.1:PORT/postgres"), or "" with a test failure.
inline std::string TestPostgresUrl() {
  if (const char* url = std::getenv("CAREREACH_TEST_POSTGRES_URL"); url != nullptr && *url) {
    return url;
  }
  const char* state = std::getenv("CAREREACH_TEST_POSTGRES_STATE");
  std::string url;
  if (state != nullptr) {
    std::ifstream file(absl::StrCat(state, "/url"));
    std::getline(file, url);
  }
  if (url.empty()) {
    ADD_FAILURE() << "no PostgreSQL server for this test: run it through ctest (the fixture "
                     "`postgres` starts one with tests/postgres/postgres.sh) or set "
                     "CAREREACH_TEST_POSTGRES_URL";
  }
  return url;
}

// `url` with its database name replaced by `database` (the URL has no query string).
inline std::string WithDatabase(const std::string& url, const std::string& database) {
  return url.substr(0, url.rfind('/') + 1) + database;
}

// Runs `sql` on `url`; "" when it succeeded, the server's message otherwise.
inline std::string RunSql(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* result = PQexec(conn, sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      error = PQresultErrorMessage(result);
    }
    PQclear(result);
  }
  PQfinish(conn);
  absl::StripTrailingAsciiWhitespace(&error);
  return error;
}

// The first column of the first row of `sql` as text ("" when there is none or it failed).
inline std::string QueryText(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  std::string value;
  if (PQstatus(conn) == CONNECTION_OK) {
    PGresult* result = PQexec(conn, sql.c_str());
    if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) > 0) {
      value = PQgetvalue(result, 0, 0);
    }
    PQclear(result);
  }
  PQfinish(conn);
  return value;
}

class ScratchDatabase {
 public:
  ScratchDatabase() : server_url_(TestPostgresUrl()) {
    static std::atomic<int> counter{0};
    name_ = absl::StrCat("carereach_test_", getpid(), "_", counter++);
    if (server_url_.empty()) return;
    const std::string error = RunSql(server_url_, absl::StrCat("CREATE DATABASE ", name_));
    EXPECT_EQ(error, "") << "CREATE DATABASE " << name_;
  }
  ~ScratchDatabase() {
    if (!server_url_.empty()) {
      RunSql(server_url_, absl::StrCat("DROP DATABASE IF EXISTS ", name_, " WITH (FORCE)"));
    }
  }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  std::string url() const { return WithDatabase(server_url_, name_); }
  const std::string& name() const { return name_; }

 private:
  std::string server_url_;
  std::string name_;
};

}  // namespace carereach::testing_util

#endif  // CAREREACH_TESTS_POSTGRES_SCRATCH_DATABASE_H_
