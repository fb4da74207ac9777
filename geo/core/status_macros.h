#ifndef CAREREACH_GEO_CORE_STATUS_MACROS_H_
#define CAREREACH_GEO_CORE_STATUS_MACROS_H_

// The two status-plumbing macros used everywhere in carereach (the installed Abseil ships
// none):
//
//   RETURN_IF_ERROR(expr);            // expr is an absl::Status; returns it unless ok
//   ASSIGN_OR_RETURN(lhs, expr);      // expr is an absl::StatusOr<T>; returns its status
//                                     // unless ok, else moves the value into lhs
//
// `lhs` may declare a variable (`ASSIGN_OR_RETURN(auto rows, ReadRows(path));`) or name an
// existing one. Both work in any function whose return type is constructible from an
// absl::Status (absl::Status, absl::StatusOr<U>). gRPC handlers map once at their edge (see
// server/rpc/status.h), so they do not use these directly.

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define RETURN_IF_ERROR(expr)                                                 \
  do {                                                                        \
    if (::absl::Status carereach_status_ = (expr); !carereach_status_.ok()) { \
      return carereach_status_;                                               \
    }                                                                         \
  } while (false)

#define CAREREACH_STATUS_CONCAT_INNER_(a, b) a##b
#define CAREREACH_STATUS_CONCAT_(a, b) CAREREACH_STATUS_CONCAT_INNER_(a, b)

#define ASSIGN_OR_RETURN(lhs, expr)                                                              \
  CAREREACH_ASSIGN_OR_RETURN_IMPL_(CAREREACH_STATUS_CONCAT_(carereach_statusor_, __LINE__), lhs, \
                                   expr)

#define CAREREACH_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                     \
  if (!statusor.ok()) return std::move(statusor).status();    \
  lhs = *std::move(statusor)

#endif  // CAREREACH_GEO_CORE_STATUS_MACROS_H_
