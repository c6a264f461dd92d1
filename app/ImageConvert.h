#pragma once
// tint::ImageU8 (RGB or grey, tightly packed rows) to a QImage that owns its pixels.
#include <QImage>

#include "tint/Image.h"

inline QImage toQImage(const tint::ImageU8& img) {
    if (img.empty()) return {};
    const QImage::Format f = img.channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888;
    return QImage(img.data.data(), img.width, img.height, qsizetype(img.stride()), f).copy();
}
