#ifndef CAREREACH_SERVER_RPC_STATUS_H_
#define CAREREACH_SERVER_RPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace carereach::rpc {

// The one place where an absl::Status becomes a grpc::Status: an explicit switch over the
// canonical codes (never a cast), message kept as is.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The reverse, for the codes a handler or the auth gate answered with (audit records).
absl::StatusCode FromGrpcCode(grpc::StatusCode code);

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_STATUS_H_
