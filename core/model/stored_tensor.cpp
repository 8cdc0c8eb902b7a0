#include "core/model/stored_tensor.h"

#include <ATen/ATen.h>
#include <c10/util/StringUtil.h>

#include "core/common/errors.h"

namespace tdq {

void check_stored_tensor(const at::Tensor& stored, const at::Tensor& target,
                         const std::string& kind, const std::string& name,
                         const std::filesystem::path& source) {
  const std::string what = kind + " '" + name + "'";
  if (stored.sizes() != target.sizes()) {
    throw FormatError(source, what + " has shape " + c10::str(stored.sizes()) + ", expected " +
                                  c10::str(target.sizes()));
  }
  if (stored.is_floating_point() != target.is_floating_point()) {
    throw FormatError(source, what + " is stored as " +
                                  std::string(c10::toString(stored.scalar_type())) + ", expected " +
                                  c10::toString(target.scalar_type()));
  }
  if (stored.is_floating_point() && !at::isfinite(stored).all().item<bool>())
    throw FormatError(source, what + " holds NaN or Inf values");
}

}  // namespace tdq
