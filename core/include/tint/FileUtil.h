#pragma once
// Crash-safe file writes and small file helpers.
#include <cstdint>
#include <string>
#include <vector>

namespace tint {

/// Writes `bytes` to `path` atomically: a temporary file beside it, fsync, rename, fsync of the
/// folder. Either the old content or the new content is on disk afterwards, never a mix.
/// Throws tint::Error naming the path and the system's reason; the old file is left as it was.
void write_file_atomic(const std::string& path, const std::string& bytes);
void write_file_atomic(const std::string& path, const std::vector<std::uint8_t>& bytes);

/// Copies a file atomically (same guarantees as write_file_atomic).
void copy_file_atomic(const std::string& from, const std::string& to);

/// Appends `text` and a newline to `path` (created when absent) and fsyncs it. A crash can leave
/// at most a torn last line, which line-based readers skip. Throws tint::Error naming the path.
void append_line_durable(const std::string& path, const std::string& text);

/// Reads a whole (small) file. Throws tint::Error with the system's reason.
std::vector<std::uint8_t> read_file_bytes(const std::string& path, long long max_bytes = -1);

/// 64-bit FNV-1a of a byte buffer, as 16 hex digits (duplicate detection, not security).
std::string content_hash(const std::vector<std::uint8_t>& bytes);

/// Text of errno for messages.
std::string system_error_text(int err);

/// One path component that names an entry of its folder: not empty, not "." or "..", no '/', '\\'
/// or control characters (dots inside a name, as in "photo..png", are fine).
bool is_plain_name(const std::string& name);

/// `s` with A-Z made a-z (other bytes unchanged, whatever the locale).
std::string lower_ascii(std::string s);

/// The parts separated by `separator`, for lists of names in messages and files.
std::string join(const std::vector<std::string>& parts, const std::string& separator = ", ");

/// Throws tint::Error "cannot write '<file>': the folder '<folder>' does not exist" unless the
/// folder that would hold `file` is an existing folder (the current one for a bare file name).
void check_output_folder(const std::string& file);

}  // namespace tint
