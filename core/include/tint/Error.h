#pragma once
// Errors raised by the core library. User-facing wording is chosen in ui/; the text here names
// the file, key or value at fault so that the message is useful on its own (CLI, logs).
#include <stdexcept>
#include <string>

namespace tint {

/// A failure with context (file, key, shapes). Thrown by every core function on bad input.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& what) : std::runtime_error(what) {}
};

/// Thrown by JobContext::throw_if_cancelled(); not an error.
class Cancelled : public std::exception {
public:
    const char* what() const noexcept override { return "cancelled"; }
};

}  // namespace tint
