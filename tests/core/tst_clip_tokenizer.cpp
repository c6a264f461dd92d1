// CLIP BPE tokenizer: every case of the golden file (transformers' slow CLIPTokenizer with ftfy, for the tiny-sd15
// and tiny-sd2 tokenizer folders and openai's bpe_simple_vocab_16e6.txt.gz), the textual-inversion added token, the
// ftfy subset, concurrent use, and refusal of bad files with a message that names the file.
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "text/clip_tokenizer.h"
#include "tint/Error.h"

namespace fs = std::filesystem;
using nlohmann::json;
using tint::text::ClipTokenizer;

namespace {

const fs::path kDataDir = fs::path(TINT_TEST_DATA) / "tokenizer";

json read_json(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path.string());
    return json::parse(in);
}

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Joined forms so that a failing QCOMPARE prints both sides.
QString joined(const std::vector<int>& v) {
    QStringList parts;
    for (int x : v) parts << QString::number(x);
    return QStringLiteral("[") + parts.join(QStringLiteral(", ")) + QStringLiteral("]");
}

QString joined(const std::vector<std::string>& v) {
    QStringList parts;
    for (const auto& s : v) parts << QString::fromStdString(s);
    return QStringLiteral("[") + parts.join(QStringLiteral(" | ")) + QStringLiteral("]");
}

std::vector<int> ints(const json& j) { return j.get<std::vector<int>>(); }
std::vector<std::string> strings(const json& j) { return j.get<std::vector<std::string>>(); }

// A short, printable row name for a case text.
QByteArray row_name(int index, const std::string& text) {
    QString t = QString::fromStdString(text);
    t.replace(QLatin1Char('\n'), QStringLiteral("\\n")).replace(QLatin1Char('\t'), QStringLiteral("\\t"));
    if (t.size() > 40) t = t.left(37) + QStringLiteral("...");
    return QStringLiteral("%1 '%2'").arg(index, 2, 10, QLatin1Char('0')).arg(t).toUtf8();
}

}  // namespace

class TestClipTokenizer : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    json m_golden;
    std::unique_ptr<ClipTokenizer> m_sd15, m_sd2, m_openai;

    const json& golden_case(int index) const { return m_golden.at("cases").at(static_cast<std::size_t>(index)); }
    void add_case_rows() {
        QTest::addColumn<int>("index");
        const json& cases = m_golden.at("cases");
        for (std::size_t i = 0; i < cases.size(); ++i)
            QTest::newRow(row_name(static_cast<int>(i), cases[i].at("text").get<std::string>()).constData())
                << static_cast<int>(i);
    }
    // A fresh folder holding a copy of the sd15 tokenizer files, for corruption tests.
    fs::path sd15_copy(const std::string& name) {
        fs::path dir = fs::path(m_tmp.path().toStdString()) / name;
        fs::create_directories(dir);
        for (const auto& e : fs::directory_iterator(kDataDir / "sd15"))
            fs::copy_file(e.path(), dir / e.path().filename(), fs::copy_options::overwrite_existing);
        return dir;
    }
    static void expect_error(const std::function<void()>& f, const QString& file_name, const QString& reason = {}) {
        try {
            f();
            QFAIL("expected tint::Error");
        } catch (const tint::Error& e) {
            const QString what = QString::fromUtf8(e.what());
            QVERIFY2(what.contains(file_name), qPrintable(QStringLiteral("message must name the file: ") + what));
            if (!reason.isEmpty())
                QVERIFY2(what.contains(reason), qPrintable(QStringLiteral("message must give the reason: ") + what));
        }
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_golden = read_json(kDataDir / "tokenizer_cases.json");
        m_sd15   = std::make_unique<ClipTokenizer>(ClipTokenizer::from_diffusers_folder((kDataDir / "sd15").string()));
        // The SD 2.x folder: its own configs, the byte-identical vocab.json / merges.txt of sd15.
        const fs::path sd2 = fs::path(m_tmp.path().toStdString()) / "sd2";
        fs::create_directories(sd2);
        for (const char* f : {"vocab.json", "merges.txt"}) fs::copy_file(kDataDir / "sd15" / f, sd2 / f);
        for (const char* f : {"tokenizer_config.json", "special_tokens_map.json"})
            fs::copy_file(kDataDir / "sd2" / f, sd2 / f);
        m_sd2    = std::make_unique<ClipTokenizer>(ClipTokenizer::from_diffusers_folder(sd2.string()));
        m_openai = std::make_unique<ClipTokenizer>(
            ClipTokenizer::from_openai_bpe_gz((kDataDir / "openai" / "bpe_simple_vocab_16e6.txt.gz").string()));
    }

    void goldenFileIsComplete() {
        QCOMPARE(m_golden.at("cases").size(), std::size_t(31));
        QCOMPARE(m_golden.at("added_token_examples").size(), std::size_t(6));
    }

    void specialIds() {
        for (const ClipTokenizer* t : {m_sd15.get(), m_sd2.get(), m_openai.get()}) {
            QCOMPARE(t->bos_id(), 49406);
            QCOMPARE(t->eos_id(), 49407);
            QCOMPARE(t->unk_id(), 49407);
            QCOMPARE(t->vocab_size(), 49408);
            QCOMPARE(t->max_length(), 77);
            QCOMPARE(t->token_id("<|startoftext|>"), 49406);
            QCOMPARE(t->token_id("cat</w>"), 2368);
            QCOMPARE(t->token_id("no such token"), -1);
            QCOMPARE(t->token_text(320), std::string("a</w>"));
            QCOMPARE(t->token_text(0), std::string("!"));
            QCOMPARE(t->token_text(256), std::string("!</w>"));
            QVERIFY_THROWS_EXCEPTION(tint::Error, t->token_text(49408));
            QVERIFY_THROWS_EXCEPTION(tint::Error, t->token_text(-1));
        }
        QCOMPARE(m_sd15->pad_id(), 49407);
        QCOMPARE(m_openai->pad_id(), 49407);
        QCOMPARE(m_sd2->pad_id(), 0);
    }

    // The openai file and vocab.json/merges.txt describe the same vocabulary entry for entry.
    void displayTextDecodesByteLevelSymbols() {
        const auto& t = *m_sd15;
        QCOMPARE(QString::fromStdString(t.token_display_text(t.token_id("daisy</w>"))), QString("daisy"));
        // A character outside Latin-1 is spelled with byte symbols in vocab.json ("æĿ±" for U+6771).
        const std::string east = "\xe6\x9d\xb1";
        std::string joined;
        for (int id : t.encode(east)) joined += t.token_display_text(id);
        QCOMPARE(QString::fromStdString(joined), QString::fromUtf8(east.c_str()));
        QVERIFY(t.token_display_text(t.token_id("daisy</w>")) != t.token_text(t.token_id("daisy</w>")));
        QCOMPARE(QString::fromStdString(t.token_display_text(t.bos_id())), QString("<|startoftext|>"));
    }

    void openaiVocabularyMatchesVocabJson() {
        for (int id = 0; id < 49408; ++id) QCOMPARE(m_openai->token_text(id), m_sd15->token_text(id));
    }

    void sd15_data() { add_case_rows(); }
    void sd15() {
        QFETCH(int, index);
        const json& c          = golden_case(index);
        const std::string text = c.at("text").get<std::string>();
        QCOMPARE(joined(m_sd15->tokenize(text)), joined(strings(c.at("tokens"))));
        QCOMPARE(joined(m_sd15->encode_with_special(text)), joined(ints(c.at("ids"))));
        std::vector<int> plain = ints(c.at("ids"));
        plain                  = std::vector<int>(plain.begin() + 1, plain.end() - 1);
        QCOMPARE(joined(m_sd15->encode(text)), joined(plain));
        QCOMPARE(joined(m_sd15->encode_truncated(text, 77)), joined(ints(c.at("ids_trunc77"))));
        QCOMPARE(joined(m_sd15->encode_padded(text)), joined(ints(c.at("ids_pad77"))));
        const ClipTokenizer::Padded padded = m_sd15->encode_padded_with_mask(text, 77);
        QCOMPARE(joined(padded.ids), joined(ints(c.at("ids_pad77"))));
        QCOMPARE(joined(padded.attention_mask), joined(ints(c.at("attention_mask_pad77"))));
    }

    void sd2_data() { add_case_rows(); }
    void sd2() {
        QFETCH(int, index);
        const json& c          = golden_case(index);
        const std::string text = c.at("text").get<std::string>();
        QCOMPARE(joined(m_sd2->encode_with_special(text)), joined(ints(c.at("ids_sd2"))));
        QCOMPARE(joined(m_sd2->encode_padded(text, 77)), joined(ints(c.at("ids_pad77_sd2"))));
    }

    void openai_data() { add_case_rows(); }
    void openai() {
        QFETCH(int, index);
        const json& c          = golden_case(index);
        const std::string text = c.at("text").get<std::string>();
        QVERIFY(c.at("ids_openai_simple_tokenizer").is_null());  // the simple tokenizer agrees with `ids`
        QCOMPARE(joined(m_openai->encode_with_special(text)), joined(ints(c.at("ids"))));
        QCOMPARE(joined(m_openai->tokenize(text)), joined(strings(c.at("tokens"))));
        QCOMPARE(joined(m_openai->encode_padded(text)), joined(ints(c.at("ids_pad77"))));
    }

    void addedTokenCase() {
        const json& c = golden_case(30);
        QCOMPARE(c.at("text").get<std::string>(), std::string("A photo of an #object"));
        const json& with       = c.at("with_added_token_#object");
        const std::string text = c.at("text").get<std::string>();
        ClipTokenizer t        = *m_sd15;
        QCOMPARE(t.add_token("#object"), 49408);
        QCOMPARE(t.vocab_size(), 49409);
        QCOMPARE(t.token_id("#object"), 49408);
        QCOMPARE(t.token_text(49408), std::string("#object"));
        QCOMPARE(t.add_token("#object"), 49408);  // adding again keeps the id
        QCOMPARE(t.vocab_size(), 49409);
        QCOMPARE(joined(t.encode_with_special(text)), joined(ints(with.at("ids"))));
        QCOMPARE(joined(t.tokenize(text)), joined(strings(with.at("tokens"))));
        QCOMPARE(joined(t.encode_padded(text)), joined(ints(with.at("ids_pad77"))));
        // The original is unchanged.
        QCOMPARE(joined(m_sd15->encode_with_special(text)), joined(ints(c.at("ids"))));
        QCOMPARE(m_sd15->vocab_size(), 49408);
        QVERIFY_THROWS_EXCEPTION(tint::Error, t.add_token(""));
    }

    void addedTokenExamples_data() {
        QTest::addColumn<int>("index");
        const json& rows = m_golden.at("added_token_examples");
        for (std::size_t i = 0; i < rows.size(); ++i)
            QTest::newRow(row_name(static_cast<int>(i), rows[i].at("text").get<std::string>()).constData())
                << static_cast<int>(i);
    }
    void addedTokenExamples() {
        QFETCH(int, index);
        const json& row = m_golden.at("added_token_examples").at(static_cast<std::size_t>(index));
        for (const ClipTokenizer* base : {m_sd15.get(), m_openai.get()}) {
            ClipTokenizer t = *base;
            QCOMPARE(t.add_token("#object"), 49408);
            QCOMPARE(joined(t.encode_with_special(row.at("text").get<std::string>())), joined(ints(row.at("ids"))));
            QCOMPARE(joined(t.tokenize(row.at("text").get<std::string>())), joined(strings(row.at("tokens"))));
        }
    }

    // Not from the golden file: each ftfy fix this port implements gives the tokens of the clean text.
    void ftfySubset_data() {
        QTest::addColumn<QString>("broken");
        QTest::addColumn<QString>("clean");
        QTest::newRow("mojibake 2-byte") << QStringLiteral("schÃ¶n") << QStringLiteral("schön");
        QTest::newRow("mojibake quotes") << QString::fromUtf8("â€œhiâ€\xc2\x9d") << QStringLiteral("\"hi\"");
        QTest::newRow("mojibake emoji") << QString::fromUtf8("\xc3\xb0\xc5\xb8\xc2\x90\xc2\xb1") << QStringLiteral("🐱");
        QTest::newRow("mojibake kana") << QStringLiteral("ã‚¿") << QStringLiteral("タ");
        QTest::newRow("upper-cased entity") << QStringLiteral("&EACUTE;t&eacute;") << QStringLiteral("été");
        QTest::newRow("numeric entities") << QStringLiteral("&#233;&#xE9;&#150;") << QStringLiteral("éé–");
        QTest::newRow("double escaped") << QStringLiteral("&amp;amp;") << QStringLiteral("&");
        QTest::newRow("no unescape next to <") << QStringLiteral("<b> &amp;") << QStringLiteral("< b > & amp ;");
        QTest::newRow("half-width kana") << QStringLiteral("ｶﾀｶﾅ") << QStringLiteral("カタカナ");
        QTest::newRow("ideographic space") << QStringLiteral("a\u3000b") << QStringLiteral("a b");
        QTest::newRow("terminal escapes") << QStringLiteral("\x1b[31mred\x1b[0m") << QStringLiteral("red");
        QTest::newRow("C1 control") << QString::fromUtf8("a\xc2\x85" "b") << QStringLiteral("a…b");
        QTest::newRow("control chars") << QStringLiteral("a\x01\x7f\ufeffb") << QStringLiteral("ab");
        QTest::newRow("NFC") << QStringLiteral("cafe\u0301") << QStringLiteral("café");
        QTest::newRow("ligatures") << QStringLiteral("ﬀ ﬂ ﬃ Ĳ ǆ") << QStringLiteral("ff fl ffi ij dž");
        QTest::newRow("apostrophe") << QStringLiteral("don’t ʼ") << QStringLiteral("don't '");
        QTest::newRow("final sigma") << QStringLiteral("ΟΔΟΣ") << QStringLiteral("οδος");
    }
    void ftfySubset() {
        QFETCH(QString, broken);
        QFETCH(QString, clean);
        QCOMPARE(joined(m_sd15->tokenize(broken.toStdString())), joined(m_sd15->tokenize(clean.toStdString())));
    }

    void paddingLengths() {
        QCOMPARE(m_sd15->encode_padded("a photo of a cat", 10).size(), std::size_t(10));
        QCOMPARE(joined(m_sd15->encode_padded("a photo of a cat", 4)), QStringLiteral("[49406, 320, 1125, 49407]"));
        QCOMPARE(joined(m_sd15->encode_padded("a photo", 2)), QStringLiteral("[49406, 49407]"));
        QVERIFY_THROWS_EXCEPTION(tint::Error, m_sd15->encode_padded("a", 1));
    }

    // Several threads share one tokenizer (and its BPE cache).
    void concurrentUse() {
        const ClipTokenizer fresh = *m_sd15;  // empty cache
        std::atomic<int> mismatches{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                const json& cases = m_golden.at("cases");
                for (int round = 0; round < 5; ++round)
                    for (std::size_t i = 0; i < cases.size(); ++i) {
                        const json& c = cases[(i + static_cast<std::size_t>(t) * 7) % cases.size()];
                        if (fresh.encode_with_special(c.at("text").get<std::string>()) != ints(c.at("ids")))
                            ++mismatches;
                    }
            });
        }
        for (auto& th : threads) th.join();
        QCOMPARE(mismatches.load(), 0);
    }

    // A folder without any config file: the defaults, and a hand-made vocabulary.
    void defaultsWithoutConfigFiles() {
        const fs::path dir = fs::path(m_tmp.path().toStdString()) / "minimal";
        fs::create_directories(dir);
        write_text(dir / "vocab.json",
                   R"({"a": 0, "b</w>": 1, "ab</w>": 2, "<|startoftext|>": 3, "<|endoftext|>": 4})");
        write_text(dir / "merges.txt", "a b</w>\n");  // no "#version" header
        const ClipTokenizer t = ClipTokenizer::from_diffusers_folder(dir.string());
        QCOMPARE(t.bos_id(), 3);
        QCOMPARE(t.eos_id(), 4);
        QCOMPARE(t.pad_id(), 4);
        QCOMPARE(t.unk_id(), 4);
        QCOMPARE(t.max_length(), 77);
        QCOMPARE(t.vocab_size(), 5);
        QCOMPARE(joined(t.encode("AB ab")), QStringLiteral("[2, 2]"));
        QCOMPARE(joined(t.tokenize("ab b")), QStringLiteral("[ab</w> | b</w>]"));
        QCOMPARE(joined(t.encode("ab c")), QStringLiteral("[2, 4]"));  // "c</w>" is unknown -> unk
        QCOMPARE(joined(t.encode_padded("ab", 5)), QStringLiteral("[3, 2, 4, 4, 4]"));
    }

    // --- bad input ---

    void missingFolderFails() {
        const std::string dir = (fs::path(m_tmp.path().toStdString()) / "no-such-tokenizer").string();
        expect_error([&] { ClipTokenizer::from_diffusers_folder(dir); }, QStringLiteral("no-such-tokenizer"));
    }

    void missingVocabFails() {
        const fs::path dir = sd15_copy("no-vocab");
        fs::remove(dir / "vocab.json");
        expect_error([&] { ClipTokenizer::from_diffusers_folder(dir.string()); }, QStringLiteral("vocab.json"),
                     QStringLiteral("not found"));
    }

    void truncatedVocabFails() {
        const fs::path dir = sd15_copy("truncated-vocab");
        const std::string bytes = read_bytes(dir / "vocab.json");
        write_text(dir / "vocab.json", bytes.substr(0, bytes.size() / 2));
        expect_error([&] { ClipTokenizer::from_diffusers_folder(dir.string()); }, QStringLiteral("vocab.json"),
                     QStringLiteral("invalid JSON"));
    }

    void vocabWithBadIdFails() {
        const fs::path dir = sd15_copy("bad-vocab-id");
        write_text(dir / "vocab.json", R"({"a": 0, "b": "one"})");
        expect_error([&] { ClipTokenizer::from_diffusers_folder(dir.string()); }, QStringLiteral("vocab.json"));
        write_text(dir / "vocab.json", R"({"a": 0, "b": 0})");
        expect_error([&] { ClipTokenizer::from_diffusers_folder(dir.string()); }, QStringLiteral("vocab.json"));
        write_text(dir / "vocab.json", R"(["a", "b"])");
        expect_error([&] { ClipTokenizer::from_diffusers_folder(dir.string()); }, QStringLiteral("vocab.json"));
    }

    void mergeResultMissingFails() {
        const fs::path dir = sd15_copy("merge-not-in-vocab");
        write_text(dir / "merges.txt", read_bytes(dir / "merges.txt") + "zq xj\n");
        expect_error([&] { ClipTokenizer::from_diffusers_folder(dir.string()); }, QStringLiteral("merges.txt"),
                     QStringLiteral("zqxj"));
    }

    void malformedMergeLineFails() {
        const fs::path dir = sd15_copy("bad-merge-line");
        write_text(dir / "merges.txt", "#version: 0.2\ni n\nt h e\n");
        expect_error([&] { ClipTokenizer::from_diffusers_folder(dir.string()); }, QStringLiteral("merges.txt"),
                     QStringLiteral("line 3"));
        fs::remove(dir / "merges.txt");
        expect_error([&] { ClipTokenizer::from_diffusers_folder(dir.string()); }, QStringLiteral("merges.txt"));
    }

    void badConfigFails() {
        const fs::path dir = sd15_copy("bad-config");
        write_text(dir / "tokenizer_config.json", "{\"model_max_length\": 77,");
        expect_error([&] { ClipTokenizer::from_diffusers_folder(dir.string()); },
                     QStringLiteral("tokenizer_config.json"));
        write_text(dir / "tokenizer_config.json", R"({"added_tokens_decoder": {"x": {"content": "!"}}})");
        expect_error([&] { ClipTokenizer::from_diffusers_folder(dir.string()); },
                     QStringLiteral("tokenizer_config.json"));
        fs::remove(dir / "tokenizer_config.json");
        write_text(dir / "special_tokens_map.json", R"({"pad_token": {"content": "<|no such token|>"}})");
        expect_error([&] { ClipTokenizer::from_diffusers_folder(dir.string()); },
                     QStringLiteral("special_tokens_map.json"), QStringLiteral("<|no such token|>"));
        write_text(dir / "special_tokens_map.json", R"({"pad_token": 5})");
        expect_error([&] { ClipTokenizer::from_diffusers_folder(dir.string()); },
                     QStringLiteral("special_tokens_map.json"));
    }

    void badOpenAiFileFails() {
        const fs::path dir = fs::path(m_tmp.path().toStdString()) / "openai-bad";
        fs::create_directories(dir);
        expect_error([&] { ClipTokenizer::from_openai_bpe_gz((dir / "missing.txt.gz").string()); },
                     QStringLiteral("missing.txt.gz"));
        const std::string gz = read_bytes(kDataDir / "openai" / "bpe_simple_vocab_16e6.txt.gz");
        write_text(dir / "truncated.txt.gz", gz.substr(0, gz.size() / 2));
        expect_error([&] { ClipTokenizer::from_openai_bpe_gz((dir / "truncated.txt.gz").string()); },
                     QStringLiteral("truncated.txt.gz"));
        write_text(dir / "plain.txt.gz", "#version\ni n\n");
        expect_error([&] { ClipTokenizer::from_openai_bpe_gz((dir / "plain.txt.gz").string()); },
                     QStringLiteral("plain.txt.gz"), QStringLiteral("not a gzip file"));
    }
};

QTEST_APPLESS_MAIN(TestClipTokenizer)
#include "tst_clip_tokenizer.moc"
