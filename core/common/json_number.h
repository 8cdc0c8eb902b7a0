#pragma once
// JSON values as C++ types, with integers checked. nlohmann's get<int>() converts a floating-point
// number with a plain static_cast, which is undefined behaviour when the value is out of the
// integer's range (found by fuzzing: `"w_bits": 8444...4`, too long for int64 and so parsed as a
// double). json_as refuses a fraction, a non-number or an out-of-range value with a nlohmann
// exception, which every reader already turns into one message naming the file and the field.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

namespace tdq {

namespace json_detail {
template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};

template <class Int>
bool fits(const nlohmann::json& value) {
  using Limits = std::numeric_limits<Int>;
  if (value.is_number_unsigned())
    return value.get<std::uint64_t>() <= static_cast<std::uint64_t>(Limits::max());
  if (value.is_number_integer()) {
    const auto i = value.get<std::int64_t>();
    if constexpr (Limits::is_signed)
      return i >= static_cast<std::int64_t>(Limits::min()) &&
             i <= static_cast<std::int64_t>(Limits::max());
    else
      return i >= 0 && static_cast<std::uint64_t>(i) <= static_cast<std::uint64_t>(Limits::max());
  }
  // A double: whole, and inside [min, 2^digits), both bounds exact in double.
  const double d = value.get<double>();
  const double top = std::ldexp(1.0, Limits::digits);
  const double bottom = Limits::is_signed ? -top : 0.0;
  return std::isfinite(d) && d == std::trunc(d) && d >= bottom && d < top;
}
}  // namespace json_detail

template <class T>
T json_as(const nlohmann::json& value) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if (!value.is_number()) {
      throw nlohmann::json::type_error::create(
          302, std::string("type must be number, but is ") + value.type_name(), &value);
    }
    if (!json_detail::fits<T>(value)) {
      throw nlohmann::json::out_of_range::create(
          406,
          "number " + value.dump() + " is not a whole number in the range of a " +
              std::to_string(std::numeric_limits<T>::digits +
                             (std::numeric_limits<T>::is_signed ? 1 : 0)) +
              "-bit integer",
          &value);
    }
    return value.is_number_float() ? static_cast<T>(value.get<double>()) : value.get<T>();
  } else if constexpr (json_detail::is_vector<T>::value) {
    if (!value.is_array()) {
      throw nlohmann::json::type_error::create(
          302, std::string("type must be array, but is ") + value.type_name(), &value);
    }
    T out;
    out.reserve(value.size());
    for (const auto& element : value) out.push_back(json_as<typename T::value_type>(element));
    return out;
  } else {
    return value.get<T>();
  }
}

// json_as of object[key], or `fallback` when the key is absent (nlohmann's value(), checked).
template <class T>
T json_value_or(const nlohmann::json& object, const char* key, T fallback) {
  if (!object.is_object()) {
    throw nlohmann::json::type_error::create(
        306, std::string("cannot use value() with ") + object.type_name(), &object);
  }
  const auto it = object.find(key);
  return it == object.end() ? fallback : json_as<T>(*it);
}

}  // namespace tdq
