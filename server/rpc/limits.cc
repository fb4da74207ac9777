#include "server/rpc/limits.h"

#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace carereach::rpc {
namespace {

using google::protobuf::FieldDescriptor;

std::string Join(std::string_view path, std::string_view name) {
  return path.empty() ? std::string(name)
                      : absl::StrCat(absl::string_view(path.data(), path.size()), ".",
                                     absl::string_view(name.data(), name.size()));
}

}  // namespace

size_t MaxStringBytes(std::string_view name) {
  const absl::string_view n(name.data(), name.size());
  if (n == "id" || absl::EndsWith(n, "_id") || absl::EndsWith(n, "_ids") ||
      n == "critical_members" || n == "label") {
    return kMaxIdBytes;
  }
  if (absl::EndsWith(n, "fips") || n == "state" || absl::EndsWith(n, "code") ||
      absl::EndsWith(n, "codes") || n == "standards_set") {
    return kMaxCodeBytes;
  }
  if (n == "name" || absl::EndsWith(n, "title")) return kMaxNameBytes;
  if (n == "note" || n == "description") return kMaxTextBytes;
  return kMaxOtherBytes;
}

absl::Status CheckStringBytes(std::string_view value, size_t max_bytes, std::string_view path) {
  if (value.size() <= max_bytes) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("%s: %d bytes, at most %d", path, value.size(), max_bytes));
}

namespace {

// The first string over its limit, its path relative to the message searched. Paths are built
// only for it: building one per field and element (as this once did) cost a 7,634-facility
// request about 4 ms.
struct Violation {
  std::string path;
  size_t bytes = 0;
  size_t max_bytes = 0;
};

std::optional<Violation> FindViolation(const google::protobuf::Message& message) {
  const google::protobuf::Descriptor* d = message.GetDescriptor();
  const google::protobuf::Reflection* r = message.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const bool is_string = f->cpp_type() == FieldDescriptor::CPPTYPE_STRING;
    const bool is_message = f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (!is_string && !is_message) continue;
    const size_t max_bytes = is_string ? MaxStringBytes(f->name()) : 0;
    if (f->is_repeated()) {
      const int n = r->FieldSize(message, f);
      for (int j = 0; j < n; ++j) {
        if (is_string) {
          std::string scratch;
          const std::string& v = r->GetRepeatedStringReference(message, f, j, &scratch);
          if (v.size() > max_bytes) {
            return Violation{absl::StrFormat("%s[%d]", f->name(), j), v.size(), max_bytes};
          }
        } else if (std::optional<Violation> inner =
                       FindViolation(r->GetRepeatedMessage(message, f, j))) {
          inner->path = absl::StrFormat("%s[%d].%s", f->name(), j, inner->path);
          return inner;
        }
      }
    } else if (is_string) {
      std::string scratch;
      const std::string& v = r->GetStringReference(message, f, &scratch);
      if (v.size() > max_bytes) return Violation{f->name(), v.size(), max_bytes};
    } else if (r->HasField(message, f)) {
      if (std::optional<Violation> inner = FindViolation(r->GetMessage(message, f))) {
        inner->path = absl::StrCat(f->name(), ".", inner->path);
        return inner;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

absl::Status CheckStringLimits(const google::protobuf::Message& message, std::string_view path) {
  const std::optional<Violation> v = FindViolation(message);
  if (!v) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("%s: %d bytes, at most %d", Join(path, v->path), v->bytes, v->max_bytes));
}

}  // namespace carereach::rpc
