#pragma once
// CLIP byte-level BPE tokenizer for Stable Diffusion prompts: a port of the Hugging Face transformers slow
// CLIPTokenizer (with ftfy installed) and of openai/CLIP's simple_tokenizer.SimpleTokenizer. Plain C++: no LibTorch,
// no Qt. Every loading function throws tint::Error naming the file and the reason on bad input.
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace tint::text {

class ClipTokenizer {
public:
    /// Ids and attention mask of a padded, truncated prompt (the Stable Diffusion pipeline call).
    struct Padded {
        std::vector<int> ids;             // BOS + ids + EOS + pad ids, exactly max_length entries
        std::vector<int> attention_mask;  // 1 for BOS, text and EOS, 0 for padding
    };

    /// Loads a diffusers/transformers `tokenizer/` folder: vocab.json, merges.txt and the optional
    /// tokenizer_config.json, special_tokens_map.json and added_tokens.json.
    static ClipTokenizer from_diffusers_folder(const std::string& dir);
    /// Loads openai/CLIP's bpe_simple_vocab_16e6.txt.gz (pad = unk = `<|endoftext|>`, max length 77).
    static ClipTokenizer from_openai_bpe_gz(const std::string& path);

    ClipTokenizer(const ClipTokenizer& other);
    ClipTokenizer(ClipTokenizer&& other) noexcept;
    ClipTokenizer& operator=(const ClipTokenizer& other);
    ClipTokenizer& operator=(ClipTokenizer&& other) noexcept;
    ~ClipTokenizer();

    /// BPE token ids of the text, without BOS/EOS and without truncation.
    std::vector<int> encode(const std::string& utf8_text) const;
    /// BPE token strings as spelled in vocab.json (added tokens as given to add_token), without BOS/EOS.
    std::vector<std::string> tokenize(const std::string& utf8_text) const;
    /// BOS + encode(text) + EOS, without truncation (may be longer than max_length()).
    std::vector<int> encode_with_special(const std::string& utf8_text) const;
    /// BOS + the first (max_length - 2) ids + EOS, not padded.
    std::vector<int> encode_truncated(const std::string& utf8_text, int max_length = 77) const;
    /// BOS + the first (max_length - 2) ids + EOS, then the pad id up to max_length entries.
    std::vector<int> encode_padded(const std::string& utf8_text, int max_length = 77) const;
    /// encode_padded() together with its attention mask.
    Padded encode_padded_with_mask(const std::string& utf8_text, int max_length = 77) const;

    /// Adds a textual-inversion placeholder token (matched case-sensitively in the raw text); returns its id.
    int add_token(const std::string& token);
    /// Id of a vocabulary or added token, -1 if absent.
    int token_id(const std::string& token) const;
    /// Text of a token id (added tokens first, then vocab.json); throws tint::Error for an unknown id.
    std::string token_text(int id) const;
    /// The text a token stands for, as UTF-8 (byte-level symbols decoded, "</w>" dropped); for display.
    std::string token_display_text(int id) const;
    /// Number of ids (vocabulary plus added tokens): the row count the text encoder's embedding needs.
    int vocab_size() const;
    /// Id of the beginning-of-text token (`<|startoftext|>`, 49406).
    int bos_id() const { return m_bos_id; }
    /// Id of the end-of-text token (`<|endoftext|>`, 49407).
    int eos_id() const { return m_eos_id; }
    /// Id used for padding (49407 for SD 1.x, 0 = `!` for SD 2.x).
    int pad_id() const { return m_pad_id; }
    /// Id given to a BPE token missing from the vocabulary.
    int unk_id() const { return m_unk_id; }
    /// model_max_length of the tokenizer (77 for every Stable Diffusion text encoder).
    int max_length() const { return m_max_length; }

private:
    struct Cache;
    ClipTokenizer();

    void register_special(const std::string& token, const std::string& source_file);
    void set_token_id(int id, const std::string& token);
    void run(const std::string& utf8_text, std::vector<std::string>* tokens, std::vector<int>* ids) const;
    void run_plain(const std::string& utf8_piece, std::vector<std::string>* tokens, std::vector<int>* ids) const;
    std::vector<std::string> bpe(const std::string& word) const;
    int vocab_lookup(const std::string& token) const;

    std::unordered_map<std::string, int> m_encoder;    // vocab.json: token -> id
    std::vector<std::string> m_decoder;                // id -> token ("" for ids nobody uses)
    std::unordered_map<std::string, int> m_bpe_ranks;  // "first second" -> merge rank
    std::map<std::string, int> m_added;                // added and special tokens, matched before any processing
    int m_bos_id = -1;
    int m_eos_id = -1;
    int m_pad_id = -1;
    int m_unk_id = -1;
    int m_max_length = 77;
    std::unique_ptr<Cache> m_cache;  // per-word BPE results, guarded by its own mutex
};

}  // namespace tint::text
