#pragma once
// Logging facade: spdlog stays private to the core library.
#include <functional>
#include <string>

namespace tint::log {

enum class Level { Trace = 0, Debug, Info, Warn, Error };

/// Receives every message (any thread). Used by the GUI's log dock.
using Callback = std::function<void(Level level, const std::string& logger, const std::string& text)>;

/// Sets up the default logger (console sink when `console` is true). Safe to call more than once.
void init(bool console);
/// Adds a receiver; returns an id for remove_callback().
int add_callback(Callback cb);
void remove_callback(int id);
/// Logs to `<dir>/tintbench.log` (rotating, 5 files of 5 MB); an empty dir stops file logging.
/// Throws tint::Error when the folder cannot be created.
void set_file_dir(const std::string& dir);
void set_level(Level level);

void write(Level level, const std::string& logger, const std::string& text);
inline void info(const std::string& logger, const std::string& text) { write(Level::Info, logger, text); }
inline void warn(const std::string& logger, const std::string& text) { write(Level::Warn, logger, text); }
inline void error(const std::string& logger, const std::string& text) { write(Level::Error, logger, text); }
inline void debug(const std::string& logger, const std::string& text) { write(Level::Debug, logger, text); }

}  // namespace tint::log
