#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include <ATen/Tensor.h>

namespace tdq {

// A safetensors file: 8-byte little-endian header length, a JSON header naming every tensor's
// dtype, shape and byte range, then the data. https://github.com/huggingface/safetensors
struct SafetensorsFile {
  std::map<std::string, at::Tensor> tensors;    // CPU, contiguous, owning their memory
  std::map<std::string, std::string> metadata;  // the "__metadata__" object
};

// Strict: header bounds, JSON, known dtypes, shapes x dtype size == byte ranges, ranges inside the
// data and neither overlapping nor leaving holes or trailing bytes. Violations are FormatErrors
// that name `source`, the tensor and what is wrong; `source` is used only in messages.
SafetensorsFile parse_safetensors(std::string_view bytes, const std::filesystem::path& source);
// IoError when the file cannot be read.
SafetensorsFile read_safetensors(const std::filesystem::path& file);

// Tensors in key order, data contiguous, header padded with spaces to a multiple of 8 bytes.
// Any device, layout or stride is accepted; ConfigError for dtypes safetensors cannot hold.
std::string serialize_safetensors(const std::map<std::string, at::Tensor>& tensors,
                                  const std::map<std::string, std::string>& metadata = {});
// Atomic: temp file, then rename (write_file_atomic).
void write_safetensors(const std::filesystem::path& file,
                       const std::map<std::string, at::Tensor>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

// Name spaces inside one file ("model.", "ema.", "adam."): add a prefix (detached tensors), or keep
// the entries with the prefix and drop it.
std::map<std::string, at::Tensor> with_prefix(const std::string& prefix,
                                              const std::map<std::string, at::Tensor>& tensors);
std::map<std::string, at::Tensor> strip_prefix(const std::string& prefix,
                                               const std::map<std::string, at::Tensor>& tensors);

}  // namespace tdq
