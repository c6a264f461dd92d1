#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "tint/Error.h"
#include "tint/FileUtil.h"

namespace fs = std::filesystem;

namespace tint {

std::string system_error_text(int err) { return std::strerror(err); }

bool is_plain_name(const std::string& name) {
    if (name.empty() || name == "." || name == "..") return false;
    for (unsigned char c : name)
        if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') return false;
    return true;
}

std::string lower_ascii(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
    std::string s;
    for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? separator : std::string()) + parts[i];
    return s;
}

void check_output_folder(const std::string& file) {
    const std::filesystem::path parent = std::filesystem::path(file).parent_path();
    std::error_code ec;
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec))
        throw Error("cannot write '" + file + "': the folder '" + parent.string() + "' does not exist");
}

namespace {

std::string temp_name_for(const fs::path& target) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".tmp-%08llx", static_cast<unsigned long long>(rng() & 0xffffffffULL));
    return (target.parent_path() / ("." + target.filename().string() + suffix)).string();
}

void write_all(int fd, const char* data, std::size_t size, const std::string& path) {
    while (size > 0) {
        ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Error("cannot write '" + path + "': " + system_error_text(errno));
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
}

void fsync_dir(const fs::path& dir) {
    int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

void write_atomic(const std::string& path, const char* data, std::size_t size) {
    fs::path target(path);
    std::string tmp = temp_name_for(target);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) throw Error("cannot write '" + path + "': " + system_error_text(errno));
    try {
        write_all(fd, data, size, path);
        if (::fsync(fd) != 0) throw Error("cannot write '" + path + "': " + system_error_text(errno));
    } catch (...) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw;
    }
    if (::close(fd) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw Error("cannot write '" + path + "': " + system_error_text(err));
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw Error("cannot replace '" + path + "': " + system_error_text(err));
    }
    fsync_dir(target.parent_path());
}

}  // namespace

void write_file_atomic(const std::string& path, const std::string& bytes) {
    write_atomic(path, bytes.data(), bytes.size());
}

void write_file_atomic(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    write_atomic(path, reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void append_line_durable(const std::string& path, const std::string& text) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) throw Error("cannot write '" + path + "': " + system_error_text(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int err = errno;
        ::close(fd);
        throw Error("cannot write '" + path + "': " + system_error_text(err));
    }
    // A torn last line (a crash or a full disk during an earlier append) is closed first, so that
    // this line stays readable on its own.
    std::string line = text + "\n";
    char last        = '\n';
    if (st.st_size > 0 && ::pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n') line.insert(line.begin(), '\n');
    try {
        write_all(fd, line.data(), line.size(), path);
    } catch (...) {
        // Nothing of this line stays behind (a full disk can take part of it).
        if (::ftruncate(fd, st.st_size) != 0) {}
        ::close(fd);
        throw;
    }
    if (::fsync(fd) != 0) {
        int err = errno;
        ::close(fd);
        throw Error("cannot write '" + path + "': " + system_error_text(err));
    }
    ::close(fd);
}

std::vector<std::uint8_t> read_file_bytes(const std::string& path, long long max_bytes) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error("cannot read '" + path + "': " + system_error_text(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int err = errno;
        ::close(fd);
        throw Error("cannot read '" + path + "': " + system_error_text(err));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error("cannot read '" + path + "': not a regular file");
    }
    if (max_bytes >= 0 && st.st_size > max_bytes) {
        ::close(fd);
        throw Error("cannot read '" + path + "': file is " + std::to_string(st.st_size) + " bytes, more than the " +
                    std::to_string(max_bytes) + "-byte limit");
    }
    std::vector<std::uint8_t> out(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < out.size()) {
        ssize_t n = ::read(fd, out.data() + got, out.size() - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::close(fd);
            throw Error("cannot read '" + path + "': " + system_error_text(err));
        }
        if (n == 0) break;  // file shrank while reading
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    out.resize(got);
    return out;
}

void copy_file_atomic(const std::string& from, const std::string& to) {
    write_file_atomic(to, read_file_bytes(from));
}

std::string content_hash(const std::vector<std::uint8_t>& bytes) {
    std::uint64_t h = 1469598103934665603ULL;
    for (std::uint8_t b : bytes) {
        h ^= b;
        h *= 1099511628211ULL;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

}  // namespace tint
