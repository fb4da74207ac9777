#include "server/rpc/limits.h"

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

absl::Status CheckStringLimits(const google::protobuf::Message& message, std::string_view path) {
  const google::protobuf::Descriptor* d = message.GetDescriptor();
  const google::protobuf::Reflection* r = message.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const bool is_string = f->cpp_type() == FieldDescriptor::CPPTYPE_STRING;
    const bool is_message = f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (!is_string && !is_message) continue;
    const std::string field_path = Join(path, f->name());
    if (f->is_repeated()) {
      const int n = r->FieldSize(message, f);
      for (int j = 0; j < n; ++j) {
        const std::string element = absl::StrFormat("%s[%d]", field_path, j);
        if (is_string) {
          std::string scratch;
          const std::string& v = r->GetRepeatedStringReference(message, f, j, &scratch);
          if (absl::Status s = CheckStringBytes(v, MaxStringBytes(f->name()), element); !s.ok()) {
            return s;
          }
        } else if (absl::Status s =
                       CheckStringLimits(r->GetRepeatedMessage(message, f, j), element);
                   !s.ok()) {
          return s;
        }
      }
    } else if (is_string) {
      std::string scratch;
      const std::string& v = r->GetStringReference(message, f, &scratch);
      if (absl::Status s = CheckStringBytes(v, MaxStringBytes(f->name()), field_path); !s.ok()) {
        return s;
      }
    } else if (r->HasField(message, f)) {
      if (absl::Status s = CheckStringLimits(r->GetMessage(message, f), field_path); !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace carereach::rpc
