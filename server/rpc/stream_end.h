#ifndef CAREREACH_SERVER_RPC_STREAM_END_H_
#define CAREREACH_SERVER_RPC_STREAM_END_H_

// Telling the end of a client stream from a message gRPC could not parse.

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace carereach::rpc {

// gRPC 1.51's synchronous Read() answers false both at the end of a client stream and for a
// message it cannot parse, and the handler cannot ask which. After the end, a further Read() is
// false again; after an unparseable message it returns the message that followed. So once a
// handler's read loop stops, it calls this: a message there means message `messages_read` (the
// count read so far, header included, is the index of the unparseable one) was not a valid
// message, INVALID_ARGUMENT, and nothing read may be used (no partial import). An unparseable
// *last* message still looks like the end of the stream (docs/API.md, "Streams"); clients built
// from the protos never send one. `scratch` is overwritten.
template <typename Reader, typename Message>
absl::Status CheckStreamEnded(Reader& reader, Message& scratch, int64_t messages_read) {
  if (!reader.Read(&scratch)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("message %d of the stream: the bytes received are not a valid %s message; "
                      "nothing of this call was kept",
                      messages_read, Message::descriptor()->full_name()));
}

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_STREAM_END_H_
