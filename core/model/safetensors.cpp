#include "core/model/safetensors.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <vector>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/common/json_number.h"

namespace tdq {

namespace {

// Tensor bytes are copied as they lie in memory, and safetensors data is little-endian.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors I/O copies raw little-endian bytes");

using Json = nlohmann::json;

struct DtypeName {
  const char* name;
  at::ScalarType type;
};

constexpr DtypeName kDtypes[] = {{"F64", at::kDouble},    {"F32", at::kFloat}, {"F16", at::kHalf},
                                 {"BF16", at::kBFloat16}, {"I64", at::kLong},  {"I32", at::kInt},
                                 {"I16", at::kShort},     {"I8", at::kChar},   {"U8", at::kByte},
                                 {"BOOL", at::kBool}};

const DtypeName* find_dtype(const std::string& name) {
  for (const auto& d : kDtypes) {
    if (name == d.name) return &d;
  }
  return nullptr;
}

const char* dtype_name(at::ScalarType type) {
  for (const auto& d : kDtypes) {
    if (type == d.type) return d.name;
  }
  return nullptr;
}

// The reference implementation's bound: anything larger is a corrupt length field, and trusting
// it would mean allocating and parsing garbage.
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;
constexpr const char* kMetadataKey = "__metadata__";

struct Entry {
  std::string name;
  at::ScalarType type = at::kFloat;
  std::vector<std::int64_t> shape;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

std::uint64_t read_u64_le(const char* p) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(p[i]);
  return value;
}

void append_u64_le(std::string& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::string range_text(std::uint64_t begin, std::uint64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + ")";
}

Json parse_header(std::string_view text, const std::filesystem::path& source) {
  // nlohmann keeps the last of duplicate keys without a word; a tensor listed twice would then
  // silently lose one of its definitions, so duplicates are an error.
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  const Json::parser_callback_t track_keys = [&](int /*depth*/, Json::parse_event_t event,
                                                 Json& parsed) {
    if (event == Json::parse_event_t::object_start) {
      open_objects.emplace_back();
    } else if (event == Json::parse_event_t::object_end) {
      if (!open_objects.empty()) open_objects.pop_back();
    } else if (event == Json::parse_event_t::key && !open_objects.empty()) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (!open_objects.back().insert(key).second && duplicate.empty()) duplicate = key;
    }
    return true;
  };
  Json header;
  try {
    header = Json::parse(text.begin(), text.end(), track_keys);
  } catch (const Json::parse_error& e) {
    throw FormatError(source, std::string("header is not valid JSON: ") + e.what(),
                      8 + static_cast<std::int64_t>(e.byte));
  } catch (const Json::exception& e) {  // e.g. a number too large for a double (out_of_range 406)
    throw FormatError(source, std::string("header is not valid JSON: ") + e.what(), 8);
  }
  if (!duplicate.empty()) throw FormatError(source, "header has duplicate key '" + duplicate + "'");
  if (!header.is_object()) {
    throw FormatError(source, std::string("header is not a JSON object but ") + header.type_name(),
                      8);
  }
  return header;
}

std::map<std::string, std::string> parse_metadata(const Json& value,
                                                  const std::filesystem::path& source) {
  if (!value.is_object()) {
    throw FormatError(
        source, std::string("__metadata__ is not an object of strings but ") + value.type_name());
  }
  std::map<std::string, std::string> metadata;
  for (const auto& [key, text] : value.items()) {
    if (!text.is_string()) {
      throw FormatError(source,
                        "__metadata__ value '" + key + "' is not a string but " + text.type_name());
    }
    metadata[key] = text.get<std::string>();
  }
  return metadata;
}

Entry parse_entry(const std::string& name, const Json& value, const std::filesystem::path& source) {
  const auto error = [&](const std::string& what) {
    return FormatError(source, "tensor '" + name + "': " + what);
  };
  if (!value.is_object()) {
    throw error(std::string("entry is not an object but ") + value.type_name());
  }
  for (const char* key : {"dtype", "shape", "data_offsets"}) {
    if (!value.contains(key)) throw error(std::string("entry is missing \"") + key + "\"");
  }
  Entry entry;
  entry.name = name;

  const Json& dtype = value.at("dtype");
  if (!dtype.is_string())
    throw error(std::string("dtype is not a string but ") + dtype.type_name());
  const DtypeName* known = find_dtype(dtype.get_ref<const std::string&>());
  if (!known) throw error("unknown dtype " + dtype.dump());
  entry.type = known->type;

  const Json& shape = value.at("shape");
  if (!shape.is_array()) throw error(std::string("shape is not an array but ") + shape.type_name());
  // Product of the non-zero dims, so that a zero-size tensor cannot hide an absurd shape that
  // would overflow element counts downstream.
  std::uint64_t nonzero_count = 1;
  bool has_zero = false;
  for (const Json& dim : shape) {
    // nlohmann stores non-negative integers as unsigned and negative ones as signed; 2.0 is a
    // float and rejected like any other non-integer.
    if (dim.is_number_integer() && !dim.is_number_unsigned()) {
      throw error("shape has a negative dimension " + dim.dump());
    }
    if (!dim.is_number_unsigned()) throw error("shape has a non-integer dimension " + dim.dump());
    const auto size = json_as<std::uint64_t>(dim);
    if (size > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      throw error("shape dimension " + dim.dump() + " is too large");
    }
    entry.shape.push_back(static_cast<std::int64_t>(size));
    has_zero |= size == 0;
    if (size != 0 &&
        (__builtin_mul_overflow(nonzero_count, size, &nonzero_count) ||
         nonzero_count > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))) {
      throw error("shape " + shape.dump() + " is too large");
    }
  }

  const Json& offsets = value.at("data_offsets");
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned()) {
    throw error("data_offsets must be 2 non-negative integers [begin, end], got " + offsets.dump());
  }
  entry.begin = json_as<std::uint64_t>(offsets[0]);
  entry.end = json_as<std::uint64_t>(offsets[1]);
  if (entry.end < entry.begin) {
    throw error("data_offsets " + offsets.dump() + " are not ordered (end < begin)");
  }

  std::uint64_t expected = 0;
  if (!has_zero && __builtin_mul_overflow(nonzero_count, c10::elementSize(entry.type), &expected)) {
    throw error("shape " + shape.dump() + " is too large");
  }
  if (entry.end - entry.begin != expected) {
    throw error("shape " + shape.dump() + " of " + known->name + " needs " +
                std::to_string(expected) + " bytes but data_offsets " + offsets.dump() + " span " +
                std::to_string(entry.end - entry.begin));
  }
  return entry;
}

}  // namespace

SafetensorsFile parse_safetensors(std::string_view bytes, const std::filesystem::path& source) {
  if (bytes.size() < 8) {
    throw FormatError(source, "file too short for a safetensors header length (" +
                                  std::to_string(bytes.size()) + " bytes, need 8)");
  }
  const std::uint64_t header_size = read_u64_le(bytes.data());
  if (header_size > kMaxHeaderBytes) {
    throw FormatError(source,
                      "header length " + std::to_string(header_size) + " is absurdly large (over " +
                          std::to_string(kMaxHeaderBytes) + " bytes)",
                      0);
  }
  if (header_size > bytes.size() - 8) {
    throw FormatError(source,
                      "header length " + std::to_string(header_size) +
                          " is larger than the file (" + std::to_string(bytes.size()) + " bytes)",
                      0);
  }
  const Json header = parse_header(bytes.substr(8, header_size), source);

  SafetensorsFile file;
  std::vector<Entry> entries;
  for (const auto& [name, value] : header.items()) {
    if (name == kMetadataKey) {
      file.metadata = parse_metadata(value, source);
    } else {
      entries.push_back(parse_entry(name, value, source));
    }
  }

  const std::uint64_t data_start = 8 + header_size;
  const std::uint64_t data_size = bytes.size() - data_start;
  for (const Entry& entry : entries) {
    if (entry.end > data_size) {
      throw FormatError(source, "tensor '" + entry.name + "': data_offsets " +
                                    range_text(entry.begin, entry.end) +
                                    " are outside the data buffer (" + std::to_string(data_size) +
                                    " bytes)");
    }
  }
  // Zero-size tensors sort before a tensor starting at the same offset, so they never count as
  // overlapping it.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  std::uint64_t covered = 0;
  std::string previous;
  for (const Entry& entry : entries) {
    if (entry.begin < covered) {
      throw FormatError(source, "tensor '" + entry.name + "' at " +
                                    range_text(entry.begin, entry.end) + " overlaps tensor '" +
                                    previous + "'");
    }
    if (entry.begin > covered) {
      throw FormatError(source,
                        "hole: data bytes " + range_text(covered, entry.begin) +
                            " before tensor '" + entry.name + "' belong to no tensor",
                        static_cast<std::int64_t>(data_start + covered));
    }
    covered = entry.end;
    previous = entry.name;

    at::Tensor tensor = at::empty(entry.shape, at::TensorOptions().dtype(entry.type));
    const char* src = bytes.data() + data_start + entry.begin;
    const std::size_t size = entry.end - entry.begin;
    if (entry.type == at::kBool) {
      // Any byte other than 0 or 1 in a bool tensor is undefined behaviour once read as bool.
      const auto bad = std::find_if(src, src + size, [](char c) { return c != 0 && c != 1; });
      if (bad != src + size) {
        throw FormatError(source, "tensor '" + entry.name + "': BOOL byte is neither 0 nor 1",
                          static_cast<std::int64_t>(data_start + entry.begin) + (bad - src));
      }
    }
    if (size > 0) std::memcpy(tensor.data_ptr(), src, size);
    file.tensors.emplace(entry.name, std::move(tensor));
  }
  if (covered != data_size) {
    throw FormatError(source,
                      std::to_string(data_size - covered) +
                          " trailing bytes after the last tensor belong to no tensor",
                      static_cast<std::int64_t>(data_start + covered));
  }
  return file;
}

SafetensorsFile read_safetensors(const std::filesystem::path& file) {
  return parse_safetensors(read_file_bytes(file), file);
}

std::string serialize_safetensors(const std::map<std::string, at::Tensor>& tensors,
                                  const std::map<std::string, std::string>& metadata) {
  Json header = Json::object();
  if (!metadata.empty()) header[kMetadataKey] = metadata;
  std::vector<at::Tensor> data;
  data.reserve(tensors.size());
  std::uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    if (name == kMetadataKey)
      throw ConfigError("safetensors: a tensor cannot be named __metadata__");
    if (!tensor.defined()) throw ConfigError("safetensors: tensor '" + name + "' is undefined");
    const char* dtype = dtype_name(tensor.scalar_type());
    if (!dtype) {
      throw ConfigError("safetensors: tensor '" + name + "' has dtype " +
                        std::string(c10::toString(tensor.scalar_type())) +
                        ", which safetensors cannot store");
    }
    at::Tensor cpu = tensor.detach();
    if (cpu.layout() != at::kStrided) cpu = cpu.to_dense();
    // resolve_neg: a lazily negated view shares the un-negated bytes.
    cpu = cpu.to(at::kCPU).resolve_neg().contiguous();
    const auto size = static_cast<std::uint64_t>(cpu.nbytes());
    header[name] = {{"dtype", dtype},
                    {"shape", cpu.sizes().vec()},
                    {"data_offsets", Json::array({offset, offset + size})}};
    offset += size;
    data.push_back(std::move(cpu));
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const Json::type_error& e) {
    throw ConfigError(std::string("safetensors: cannot write header (names must be UTF-8): ") +
                      e.what());
  }
  // As the reference implementation does: the data then starts 8-byte aligned, so readers can
  // map tensors in place.
  text.append((8 - text.size() % 8) % 8, ' ');

  std::string out;
  out.reserve(8 + text.size() + offset);
  append_u64_le(out, text.size());
  out += text;
  for (const at::Tensor& t : data) out.append(static_cast<const char*>(t.data_ptr()), t.nbytes());
  return out;
}

void write_safetensors(const std::filesystem::path& file,
                       const std::map<std::string, at::Tensor>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  write_file_atomic(file, serialize_safetensors(tensors, metadata));
}

std::map<std::string, at::Tensor> with_prefix(const std::string& prefix,
                                              const std::map<std::string, at::Tensor>& tensors) {
  std::map<std::string, at::Tensor> out;
  for (const auto& [name, t] : tensors) out[prefix + name] = t.detach();
  return out;
}

std::map<std::string, at::Tensor> strip_prefix(const std::string& prefix,
                                               const std::map<std::string, at::Tensor>& tensors) {
  std::map<std::string, at::Tensor> out;
  for (const auto& [name, t] : tensors) {
    if (name.rfind(prefix, 0) == 0) out[name.substr(prefix.size())] = t;
  }
  return out;
}

}  // namespace tdq
