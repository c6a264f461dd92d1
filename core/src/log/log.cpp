// spdlog behind the tint::log facade: console, rotating file in the project's logs/, callbacks.
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>
#include <mutex>

#include "tint/Error.h"
#include "tint/Log.h"

namespace tint::log {
namespace {

spdlog::level::level_enum to_spd(Level l) {
    switch (l) {
        case Level::Trace: return spdlog::level::trace;
        case Level::Debug: return spdlog::level::debug;
        case Level::Info: return spdlog::level::info;
        case Level::Warn: return spdlog::level::warn;
        default: return spdlog::level::err;
    }
}

Level from_spd(spdlog::level::level_enum l) {
    switch (l) {
        case spdlog::level::trace: return Level::Trace;
        case spdlog::level::debug: return Level::Debug;
        case spdlog::level::info: return Level::Info;
        case spdlog::level::warn: return Level::Warn;
        default: return Level::Error;
    }
}

class CallbackSink : public spdlog::sinks::base_sink<std::mutex> {
public:
    int add(Callback cb) {
        std::lock_guard<std::mutex> lock(mutex_);
        callbacks_[++next_] = std::move(cb);
        return next_;
    }
    void remove(int id) {
        std::lock_guard<std::mutex> lock(mutex_);
        callbacks_.erase(id);
    }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        std::string logger(msg.logger_name.data(), msg.logger_name.size());
        std::string text(msg.payload.data(), msg.payload.size());
        for (auto& [id, cb] : callbacks_) cb(from_spd(msg.level), logger, text);
    }
    void flush_() override {}

private:
    std::map<int, Callback> callbacks_;
    int next_ = 0;
};

struct State {
    std::mutex mutex;
    std::shared_ptr<spdlog::sinks::dist_sink_mt> dist = std::make_shared<spdlog::sinks::dist_sink_mt>();
    std::shared_ptr<CallbackSink> callbacks          = std::make_shared<CallbackSink>();
    std::shared_ptr<spdlog::sinks::sink> console;
    std::shared_ptr<spdlog::sinks::sink> file;
    std::map<std::string, std::shared_ptr<spdlog::logger>> loggers;
    Level level = Level::Info;
    bool inited = false;
};

State& state() {
    static State s;
    return s;
}

std::shared_ptr<spdlog::logger> logger_for(const std::string& name) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    if (!s.inited) {
        s.dist->add_sink(s.callbacks);
        s.inited = true;
    }
    auto it = s.loggers.find(name);
    if (it != s.loggers.end()) return it->second;
    auto lg = std::make_shared<spdlog::logger>(name, s.dist);
    lg->set_level(to_spd(s.level));
    lg->flush_on(spdlog::level::warn);
    s.loggers[name] = lg;
    return lg;
}

}  // namespace

void init(bool console) {
    logger_for("tint");  // creates the sinks
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    if (console && !s.console) {
        s.console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
        s.dist->add_sink(s.console);
    } else if (!console && s.console) {
        s.dist->remove_sink(s.console);
        s.console.reset();
    }
}

int add_callback(Callback cb) {
    logger_for("tint");
    return state().callbacks->add(std::move(cb));
}

void remove_callback(int id) { state().callbacks->remove(id); }

void set_file_dir(const std::string& dir) {
    logger_for("tint");
    State& s = state();
    std::shared_ptr<spdlog::sinks::sink> sink;
    if (!dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (ec) throw Error("cannot create the log folder '" + dir + "': " + ec.message());
        try {
            sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                (std::filesystem::path(dir) / "tintbench.log").string(), 5 * 1024 * 1024, 5);
        } catch (const spdlog::spdlog_ex& e) {
            throw Error("cannot open the log file in '" + dir + "': " + e.what());
        }
    }
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.file) s.dist->remove_sink(s.file);
    s.file = sink;
    if (s.file) s.dist->add_sink(s.file);
}

void set_level(Level level) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    s.level = level;
    for (auto& [name, lg] : s.loggers) lg->set_level(to_spd(level));
}

void write(Level level, const std::string& logger, const std::string& text) {
    logger_for(logger)->log(to_spd(level), "{}", text);
}

}  // namespace tint::log
