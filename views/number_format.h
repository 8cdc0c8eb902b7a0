#pragma once
// How the views write numbers, so that a figure reads the same in every view and in reports.
#include <QString>

#include <cmath>

namespace tdq::views {

// A fraction as a percentage with one decimal ("12.5%"); "-" when not known (NaN).
inline QString percent(double fraction) {
  return std::isnan(fraction) ? QStringLiteral("-")
                              : QString::number(100.0 * fraction, 'f', 1) + QLatin1Char('%');
}

}  // namespace tdq::views
