// TintEngine and the inversion store (tint/Tint.h). Layout per class, under inversions/<class_dir>/:
//   token.safetensors                 the learned embedding [1, D] and its loss history (finished)
//   token.ckpt.safetensors            textual inversion in progress: row, Adam moments, losses
//   null-text.ckpt.safetensors        null-text inversion in progress (all supports of the class)
//   support-<n>.safetensors           z_T [1, C, h, w] and null embeddings [steps, S, D] (finished)
//   support-<n>-null-text.png, support-<n>-ddim.png   the two reconstructions
// Each file carries a JSON "tint" metadata entry with what it was made from, so a result made with
// another model, other supports or other settings is recognised as stale, never silently reused.
#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "diffusion/pipeline.h"
#include "io/safetensors.h"
#include "tint/Error.h"
#include "tint/FileUtil.h"
#include "tint/Generate.h"
#include "tint/JobContext.h"
#include "tint/Log.h"
#include "tint/Tint.h"
#include "tint/tint_ops.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace tint {

namespace {

constexpr int kStoreVersion = 1;

std::string hash_text(const std::string& s) { return content_hash(std::vector<std::uint8_t>(s.begin(), s.end())); }

std::string read_text(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    if (!f) return {};
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// Identity of a generator folder: its configs and the sizes of its weight files. Moving the folder
// keeps it; replacing a component changes it.
std::string model_identity(const std::string& dir) {
    std::string acc = read_text(fs::path(dir) / "model_index.json");
    for (const char* comp : {"unet", "text_encoder", "vae", "scheduler", "tokenizer"}) {
        fs::path d = fs::path(dir) / comp;
        std::error_code ec;
        if (!fs::is_directory(d, ec)) continue;
        std::vector<std::string> entries;
        for (const auto& e : fs::directory_iterator(d, ec)) {
            if (!e.is_regular_file(ec)) continue;
            auto name = e.path().filename().string();
            if (e.path().extension() == ".json" && e.file_size(ec) < (1 << 20)) entries.push_back(name + "=" + read_text(e.path()));
            else entries.push_back(name + ":" + std::to_string(e.file_size(ec)));
        }
        std::sort(entries.begin(), entries.end());
        acc += std::string("|") + comp;
        for (const auto& s : entries) acc += "|" + s;
    }
    return hash_text(acc);
}

int native_resolution(const std::string& model_dir) {
    try {
        auto unet = json::parse(read_text(fs::path(model_dir) / "unet" / "config.json"));
        auto vae  = json::parse(read_text(fs::path(model_dir) / "vae" / "config.json"));
        int sample = unet.value("sample_size", 64);
        auto blocks = vae.value("block_out_channels", std::vector<int>{128, 256, 512, 512});
        return sample * (1 << (blocks.size() - 1));
    } catch (const std::exception&) {
        return 512;
    }
}

std::string supports_key(const ClassEntry& cls) {
    std::string s;
    for (const auto& im : cls.supports) s += im.hash + ";";
    return hash_text(s);
}

json ti_settings_json(const TintSettings& s, int resolution) {
    return {{"steps", s.ti_steps}, {"lr", s.ti_lr}, {"weight_decay", s.ti_weight_decay},
            {"min_timestep", s.ti_min_timestep}, {"batch", s.ti_batch}, {"early_stop", s.ti_early_stop},
            {"plateau_window", s.ti_plateau_window}, {"plateau_patience", s.ti_plateau_patience},
            {"seed", s.seed}, {"resolution", resolution}, {"template", s.prompt_template}};
}

json nti_settings_json(const TintSettings& s) {
    return {{"steps", s.steps}, {"guidance", s.guidance}, {"inner_steps", s.nti_inner_steps},
            {"lr", s.nti_lr}, {"epsilon", s.nti_epsilon}};
}

struct Paths {
    fs::path dir;
    explicit Paths(const std::string& root, const ClassEntry& c) : dir(fs::path(root) / "inversions" / c.dir) {}
    fs::path token() const { return dir / "token.safetensors"; }
    fs::path token_ckpt() const { return dir / "token.ckpt.safetensors"; }
    fs::path nti_ckpt() const { return dir / "null-text.ckpt.safetensors"; }
    fs::path support(int n) const { return dir / ("support-" + std::to_string(n) + ".safetensors"); }
    fs::path recon(int n, const char* kind) const {
        return dir / ("support-" + std::to_string(n) + "-" + kind + ".png");
    }
};

std::string placeholder_for(const ClassEntry& c) { return "<" + c.dir + ">"; }

// What the stored files were made from, compared with what they would be made from now.
struct Expected {
    std::string model, supports;
    json ti, nti;
};

Expected expected_for(const ClassEntry& cls, const TintSettings& s) {
    const int res = s.resolution > 0 ? s.resolution : native_resolution(s.model_dir);
    return {model_identity(s.model_dir), supports_key(cls), ti_settings_json(s, res), nti_settings_json(s)};
}

json read_meta(const fs::path& file) {
    auto f  = io::SafetensorsFile::open(file.string());
    auto it = f.metadata().find("tint");
    if (it == f.metadata().end()) throw Error("'" + file.string() + "' has no TINT metadata");
    return json::parse(it->second);
}

// Empty when `meta` matches; otherwise the reason in plain words.
std::string stale_reason(const json& meta, const Expected& e, bool with_nti, bool with_settings = true) {
    if (meta.value("store_version", 0) != kStoreVersion) return "it was written by another version of TINT Workbench";
    if (meta.value("model", std::string()) != e.model) return "it was made with another generator model";
    if (meta.value("supports", std::string()) != e.supports) return "the class's support images changed";
    if (!with_settings) return {};
    if (meta.value("ti_settings", json()) != e.ti) return "the textual-inversion settings changed";
    if (with_nti && meta.value("nti_settings", json()) != e.nti) return "the null-text inversion settings changed";
    return {};
}

json base_meta(const Expected& e, const ClassEntry& cls) {
    return {{"store_version", kStoreVersion}, {"model", e.model}, {"supports", e.supports}, {"ti_settings", e.ti},
            {"placeholder", placeholder_for(cls)}, {"class", cls.name}};
}

std::map<std::string, std::string> meta_map(const json& j) { return {{"tint", j.dump()}}; }

torch::Tensor loss_tensor(const std::vector<float>& v) {
    return torch::from_blob(const_cast<float*>(v.data()), {static_cast<std::int64_t>(v.size())}, torch::kFloat32).clone();
}

std::vector<float> to_floats(const torch::Tensor& t) {
    auto c = t.to(torch::kFloat32).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

ImageU8 resize_image(const ImageU8& im, int w, int h) {
    if (im.width == w && im.height == h) return im;
    cv::Mat src(im.height, im.width, CV_8UC3, const_cast<std::uint8_t*>(im.data.data()));
    cv::Mat dst;
    cv::resize(src, dst, cv::Size(w, h), 0, 0, (w < im.width || h < im.height) ? cv::INTER_AREA : cv::INTER_LINEAR);
    ImageU8 out;
    out.width = w, out.height = h, out.channels = 3;
    out.data.assign(dst.data, dst.data + dst.total() * 3);
    return out;
}

// A class's own seed offset: the project's content hash of its folder name, as a number.
std::uint64_t stable_hash(const std::string& s) { return std::stoull(hash_text(s), nullptr, 16); }

}  // namespace

// ------------------------------------------------------------------------------------------ status

ClassInversionStatus inversion_status(const std::string& root, const ClassEntry& cls, const TintSettings& s,
                                      bool compare_settings) {
    ClassInversionStatus st;
    st.class_dir  = cls.dir;
    st.token_text = placeholder_for(cls);
    Paths P(root, cls);
    std::error_code ec;
    if (!fs::exists(P.dir, ec)) return st;
    const Expected e = expected_for(cls, s);
    auto check = [&](const fs::path& f, bool with_nti, InversionState ok) -> InversionState {
        try {
            auto why = stale_reason(read_meta(f), e, with_nti, compare_settings);
            if (why.empty()) return ok;
            if (st.stale_reason.empty()) st.stale_reason = why;
            return InversionState::Stale;
        } catch (const std::exception& ex) {
            if (st.stale_reason.empty()) st.stale_reason = std::string("a stored file is unreadable: ") + ex.what();
            return InversionState::Stale;
        }
    };
    if (fs::exists(P.token(), ec)) {
        st.token = check(P.token(), false, InversionState::Done);
        if (st.token == InversionState::Done) st.ti_steps_done = read_meta(P.token()).value("steps_done", 0);
    } else if (fs::exists(P.token_ckpt(), ec)) {
        st.token = check(P.token_ckpt(), false, InversionState::Partial);
        if (st.token == InversionState::Partial) st.ti_steps_done = read_meta(P.token_ckpt()).value("steps_done", 0);
    }
    bool all = !cls.supports.empty();
    for (int n = 0; n < static_cast<int>(cls.supports.size()); ++n) all = all && fs::exists(P.support(n), ec);
    if (all) {
        st.null_text = check(P.support(0), true, InversionState::Done);
        if (st.null_text == InversionState::Done)
            st.nti_timesteps_done = static_cast<int>(read_meta(P.support(0)).value("timesteps", std::vector<int>{}).size());
    } else if (fs::exists(P.nti_ckpt(), ec)) {
        st.null_text = check(P.nti_ckpt(), true, InversionState::Partial);
        if (st.null_text == InversionState::Partial) st.nti_timesteps_done = read_meta(P.nti_ckpt()).value("timesteps_done", 0);
    }
    if (st.token != InversionState::Done && st.null_text == InversionState::Done) st.null_text = InversionState::Stale;
    return st;
}

void clear_inversion(const std::string& root, const ClassEntry& cls) {
    std::error_code ec;
    fs::remove_all(Paths(root, cls).dir, ec);
    if (ec) throw Error("cannot delete '" + Paths(root, cls).dir.string() + "': " + ec.message());
}

// ------------------------------------------------------------------------------------------ engine

struct TintEngine::Impl {
    std::unique_ptr<diffusion::Pipeline> pipe;
    std::string key;

    diffusion::Pipeline& pipeline(const TintSettings& s, JobContext& ctx) {
        if (s.model_dir.empty())
            throw Error("no generator model is configured: choose a Stable Diffusion folder (diffusers layout) first");
        std::string k = s.model_dir + "|" + s.device + "|" + s.precision;
        if (!pipe || key != k) {
            pipe.reset();
            ctx.report({"load", 0, 0, std::nan(""), s.model_dir});
            pipe = diffusion::load_pipeline(s.model_dir, s.device, s.precision, &ctx);
            for (auto& prm : pipe->text_encoder->parameters()) prm.requires_grad_(false);
            for (auto& prm : pipe->unet->parameters()) prm.requires_grad_(false);
            for (auto& prm : pipe->vae->parameters()) prm.requires_grad_(false);
            key = k;
        }
        return *pipe;
    }

    // [1, 77] ids of the template with the placeholder id (the text encoder's vocab size: the first
    // extra row) where "{}" stands, padded as the pipelines pad.
    torch::Tensor prompt_ids(diffusion::Pipeline& p, const std::string& tmpl) {
        auto pos = tmpl.find("{}");
        if (pos == std::string::npos) throw Error("the prompt template '" + tmpl + "' has no {} for the class token");
        auto& tok   = *p.tokenizer;
        auto before = tok.encode(tmpl.substr(0, pos));
        auto after  = tok.encode(tmpl.substr(pos + 2));
        std::vector<std::int64_t> ids{tok.bos_id()};
        for (int i : before) ids.push_back(i);
        ids.push_back(p.text_encoder->config.vocab_size);
        for (int i : after) ids.push_back(i);
        const auto L = static_cast<std::size_t>(tok.max_length());
        if (ids.size() + 1 > L) throw Error("the prompt template is too long for the text encoder");
        ids.push_back(tok.eos_id());
        while (ids.size() < L) ids.push_back(tok.pad_id());
        return torch::tensor(ids, torch::kInt64).unsqueeze(0).to(p.device);
    }

    // The initial row: the class name's embedding when the name is a single CLIP token, else "object".
    std::pair<torch::Tensor, std::string> initial_row(diffusion::Pipeline& p, const ClassEntry& cls) {
        auto ids = p.tokenizer->encode(cls.name);
        int id   = -1;
        if (ids.size() == 1 && ids[0] != p.tokenizer->unk_id()) id = ids[0];
        if (id < 0) {
            auto obj = p.tokenizer->encode("object");
            if (obj.size() != 1) throw Error("the tokenizer has no single token for 'object'");
            id = obj[0];
        }
        auto row = p.text_encoder->text_model->embeddings->token_embedding->weight[id].detach().to(torch::kCPU, torch::kFloat32)
                       .clone().unsqueeze(0);
        return {row, p.tokenizer->token_text(id)};
    }

    std::vector<TokenNeighbour> neighbours(diffusion::Pipeline& p, const torch::Tensor& row) {
        std::vector<TokenNeighbour> out;
        for (auto& [id, sim] : tinv::nearest_tokens(p, row, 5)) {
            out.push_back({p.tokenizer->token_display_text(id), sim});
        }
        return out;
    }

    void invert_class(const std::string& root, const ClassEntry& cls, const TintSettings& s, TintEvents& ev,
                      JobContext& ctx, bool force);
};

TintEngine::TintEngine() : impl_(std::make_unique<Impl>()) {}
TintEngine::~TintEngine() = default;
void TintEngine::unload() { impl_->pipe.reset(), impl_->key.clear(); }

void TintEngine::invert(const std::string& root, const ProjectData& project, const std::vector<int>& classes,
                        const TintSettings& s, TintEvents& ev, JobContext& ctx, bool force) {
    std::vector<int> which = classes;
    if (which.empty())
        for (int i = 0; i < static_cast<int>(project.classes.size()); ++i) which.push_back(i);
    for (int i : which) {
        if (i < 0 || i >= static_cast<int>(project.classes.size())) throw Error("no class number " + std::to_string(i));
        if (project.classes[static_cast<std::size_t>(i)].supports.empty())
            throw Error("the class '" + project.classes[static_cast<std::size_t>(i)].name + "' has no support images");
    }
    for (int i : which) {
        ctx.throw_if_cancelled();
        if (ctx.stop_before_next_item()) throw Cancelled();
        impl_->invert_class(root, project.classes[static_cast<std::size_t>(i)], s, ev, ctx, force);
    }
}

void TintEngine::Impl::invert_class(const std::string& root, const ClassEntry& cls, const TintSettings& s,
                                    TintEvents& ev, JobContext& ctx, bool force) {
    Paths P(root, cls);
    auto status = inversion_status(root, cls, s);
    if (!force && status.token == InversionState::Done && status.null_text == InversionState::Done) {
        ev.message(cls.dir, "already inverted with these settings; skipped");
        return;
    }
    std::error_code ec;
    if (force || status.token == InversionState::Stale) {
        if (status.token == InversionState::Stale) ev.message(cls.dir, "recomputing: " + status.stale_reason);
        fs::remove_all(P.dir, ec);
        status = inversion_status(root, cls, s);
    }
    if (status.null_text == InversionState::Stale) {  // made from another token or other settings
        for (int n = 0; n < static_cast<int>(cls.supports.size()) + 1; ++n) {
            fs::remove(P.support(n), ec);
            fs::remove(P.recon(n, "null-text"), ec);
            fs::remove(P.recon(n, "ddim"), ec);
        }
        fs::remove(P.nti_ckpt(), ec);
        status.null_text = InversionState::None;
    }
    fs::create_directories(P.dir, ec);
    if (ec) throw Error("cannot create '" + P.dir.string() + "': " + ec.message());

    auto& p         = pipeline(s, ctx);
    const Expected e = expected_for(cls, s);
    const int res   = e.ti["resolution"].get<int>();
    if (res % p.vae_scale() || res / p.vae_scale() < 8)
        throw Error("the working size " + std::to_string(res) + " does not suit this model (a multiple of " +
                    std::to_string(p.vae_scale()) + " is needed)");

    // Supports at the working size and their latents (the VAE posterior mean, computed once).
    std::vector<ImageU8> originals;
    torch::Tensor z0;
    {
        c10::InferenceMode guard;
        std::vector<torch::Tensor> zs;
        for (const auto& im : cls.supports) {
            ctx.throw_if_cancelled();
            auto path = (fs::path(root) / im.file).string();
            auto img  = load_image_rgb(path);
            originals.push_back(resize_image(img, res, res));
            zs.push_back(p.image_to_latent(img, res, res));
        }
        z0 = torch::cat(zs).clone();
    }
    z0 = torch::Tensor(z0.detach()).clone();  // a normal tensor (not an inference tensor) for autograd
    const int K   = static_cast<int>(cls.supports.size());
    auto ids      = prompt_ids(p, s.prompt_template);

    // ---------------------------------------------------------------- textual inversion
    tinv::TIConfig tc;
    tc.steps            = s.ti_steps;
    tc.lr               = s.ti_lr;
    tc.weight_decay     = s.ti_weight_decay;
    tc.min_timestep     = s.ti_min_timestep;
    tc.batch            = s.ti_batch;
    tc.early_stop       = s.ti_early_stop;
    tc.plateau_window   = s.ti_plateau_window;
    tc.plateau_patience = s.ti_plateau_patience;
    tc.seed             = tinv::mix_seed(s.seed, stable_hash(cls.dir));
    tinv::TIState ts;
    json meta = base_meta(e, cls);
    torch::Tensor row;
    if (status.token == InversionState::Done) {
        auto f = io::SafetensorsFile::open(P.token().string());
        row    = f.read("embedding").to(torch::kFloat32);
    } else {
        std::string init_token;
        if (status.token == InversionState::Partial) {
            auto f        = io::SafetensorsFile::open(P.token_ckpt().string());
            auto m        = read_meta(P.token_ckpt());
            ts.row        = f.read("embedding").to(torch::kFloat32);
            ts.adam.exp_avg    = f.read("exp_avg").to(torch::kFloat32);
            ts.adam.exp_avg_sq = f.read("exp_avg_sq").to(torch::kFloat32);
            ts.losses     = to_floats(f.read("loss"));
            ts.step       = m.value("steps_done", 0);
            ts.adam.step  = ts.step;
            ts.stopped_early = m.value("stopped_early", false);
            init_token    = m.value("init_token", std::string());
            if (static_cast<int>(ts.losses.size()) != ts.step || ts.row.dim() != 2)
                throw Error("'" + P.token_ckpt().string() + "' is inconsistent (delete the class's inversion to start over)");
            ev.message(cls.dir, "resuming textual inversion at step " + std::to_string(ts.step));
        } else {
            auto [r, t] = initial_row(p, cls);
            ts.row      = r;
            init_token  = t;
        }
        meta["init_token"] = init_token;
        auto save = [&](const fs::path& file, bool final) {
            json m             = meta;
            m["steps_done"]    = ts.step;
            m["stopped_early"] = ts.stopped_early;
            if (final) {
                io::save_safetensors(file.string(), {{"embedding", ts.row}, {"loss", loss_tensor(ts.losses)}}, meta_map(m));
            } else {
                io::save_safetensors(file.string(),
                                     {{"embedding", ts.row}, {"exp_avg", ts.adam.exp_avg.defined() ? ts.adam.exp_avg : torch::zeros_like(ts.row)},
                                      {"exp_avg_sq", ts.adam.exp_avg_sq.defined() ? ts.adam.exp_avg_sq : torch::zeros_like(ts.row)},
                                      {"loss", loss_tensor(ts.losses)}},
                                     meta_map(m));
            }
        };
        const int total = tc.steps;
        ev.token_neighbours(cls.dir, ts.step, neighbours(p, ts.row));
        int last_saved = ts.step;
        tinv::run_textual_inversion(p, ids, z0, tc, ts, [&](const tinv::TIState& st) {
            ev.textual_inversion_step(cls.dir, st.step, total, st.losses.back());
            ctx.report({"textual inversion", st.step, total, st.losses.back(), cls.name});
            if (st.step % 100 == 0 || st.finished(tc)) ev.token_neighbours(cls.dir, st.step, neighbours(p, st.row));
            if (s.checkpoint_every > 0 && st.step - last_saved >= s.checkpoint_every && !st.finished(tc)) {
                save(P.token_ckpt(), false);
                last_saved = st.step;
            }
        }, ctx);
        if (!ts.finished(tc)) {
            save(P.token_ckpt(), false);
            throw Cancelled();
        }
        save(P.token(), true);
        fs::remove(P.token_ckpt(), ec);
        if (ts.stopped_early) ev.message(cls.dir, "textual inversion stopped early at step " + std::to_string(ts.step) + ": the loss stopped improving");
        row = ts.row;
    }

    // ---------------------------------------------------------------- null-text inversion
    meta["token"]        = content_hash(std::vector<std::uint8_t>(reinterpret_cast<const std::uint8_t*>(row.data_ptr<float>()),
                                                           reinterpret_cast<const std::uint8_t*>(row.data_ptr<float>()) + row.numel() * 4));
    meta["nti_settings"] = e.nti;
    tinv::NTIConfig nc;
    nc.steps       = s.steps;
    nc.guidance    = s.guidance;
    nc.inner_steps = s.nti_inner_steps;
    nc.lr          = s.nti_lr;
    nc.epsilon     = s.nti_epsilon;
    const auto tsteps = tinv::tint_timesteps(p, nc.steps);
    torch::Tensor cond, empty;
    {
        torch::NoGradGuard ng;
        cond  = p.text_encoder->forward(ids, row.to(p.device)).last_hidden_state.to(torch::kFloat32);
        empty = p.encode_prompt("").to(torch::kFloat32);
    }
    tinv::NTIState ns;
    bool resumed = false;
    if (status.null_text == InversionState::Partial && fs::exists(P.nti_ckpt(), ec)) {
        auto m = read_meta(P.nti_ckpt());
        if (m.value("token", std::string()) == meta["token"].get<std::string>()) {
            auto f     = io::SafetensorsFile::open(P.nti_ckpt().string());
            ns.latents = f.read("latents").to(p.device);
            ns.zc      = f.read("zc").to(p.device);
            ns.u       = f.read("u").to(p.device);
            const int done = m.value("timesteps_done", 0);
            if (done > 0) {
                auto traj = f.read("trajectory").to(p.device);
                auto fl   = f.read("final_loss");
                auto il   = f.read("first_loss");
                auto it   = f.read("iterations");
                for (int i = 0; i < done; ++i) {
                    ns.traj.push_back(traj[i].clone());
                    ns.final_loss.push_back(to_floats(fl[i]));
                    ns.first_loss.push_back(to_floats(il[i]));
                    std::vector<int> its;
                    for (std::int64_t k = 0; k < it.size(1); ++k) its.push_back(static_cast<int>(it[i][k].item<std::int64_t>()));
                    ns.iterations.push_back(its);
                }
            }
            resumed = true;
            ev.message(cls.dir, "resuming null-text inversion at timestep " + std::to_string(done + 1));
        }
    }
    if (!resumed) {
        auto lat = tinv::ddim_invert(p, z0.to(p.device), cond, tsteps, ctx);
        ns       = tinv::start_null_text(lat, empty);
    }
    auto save_nti = [&]() {
        json m            = meta;
        m["timesteps_done"] = ns.done();
        std::vector<std::pair<std::string, torch::Tensor>> t{{"latents", ns.latents}, {"zc", ns.zc}, {"u", ns.u}};
        if (ns.done() > 0) {
            t.emplace_back("trajectory", torch::stack(ns.traj));
            std::vector<float> fl, il;
            std::vector<std::int64_t> it;
            for (int i = 0; i < ns.done(); ++i) {
                fl.insert(fl.end(), ns.final_loss[static_cast<std::size_t>(i)].begin(), ns.final_loss[static_cast<std::size_t>(i)].end());
                il.insert(il.end(), ns.first_loss[static_cast<std::size_t>(i)].begin(), ns.first_loss[static_cast<std::size_t>(i)].end());
                for (int v : ns.iterations[static_cast<std::size_t>(i)]) it.push_back(v);
            }
            t.emplace_back("final_loss", loss_tensor(fl).view({ns.done(), K}));
            t.emplace_back("first_loss", loss_tensor(il).view({ns.done(), K}));
            t.emplace_back("iterations", torch::tensor(it, torch::kInt64).view({ns.done(), K}));
        }
        io::save_safetensors(P.nti_ckpt().string(), t, meta_map(m));
    };
    if (!resumed) save_nti();
    tinv::run_null_text(p, cond, tsteps, nc, ns, [&](const tinv::NTIState& st) {
        std::vector<double> l(st.final_loss.back().begin(), st.final_loss.back().end());
        ev.null_text_step(cls.dir, st.done(), nc.steps, l);
        double mean = 0;
        for (double v : l) mean += v;
        ctx.report({"null-text inversion", st.done(), nc.steps, mean / l.size(), cls.name});
        save_nti();
    }, ctx);
    if (ns.done() < nc.steps) throw Cancelled();

    // Reconstructions: the null-text one is where the guided pass ended; the plain DDIM one samples
    // from z_T with the empty prompt as the unconditional branch.
    c10::InferenceMode guard;
    auto ddim_z = tinv::guided_sample(p, ns.latents[nc.steps].clone(), cond,
                                      [&](std::size_t) { return empty.expand({K, -1, -1}); }, tsteps, nc.guidance, ctx);
    auto rec_nti  = p.latent_to_images(ns.zc);
    auto rec_ddim = p.latent_to_images(ddim_z);
    auto traj     = torch::stack(ns.traj);  // [steps, K, S, D]
    for (int n = 0; n < K; ++n) {
        json m                = meta;
        m["support_file"]     = cls.supports[static_cast<std::size_t>(n)].file;
        m["support_hash"]     = cls.supports[static_cast<std::size_t>(n)].hash;
        m["psnr_null_text"]   = psnr(rec_nti[static_cast<std::size_t>(n)], originals[static_cast<std::size_t>(n)]);
        m["psnr_ddim"]        = psnr(rec_ddim[static_cast<std::size_t>(n)], originals[static_cast<std::size_t>(n)]);
        m["timesteps"]        = tsteps;
        auto z_ref            = ns.latents[0][n];
        m["latent_rmse_null_text"] = (ns.zc[n] - z_ref).pow(2).mean().sqrt().item<double>();
        m["latent_rmse_ddim"]      = (ddim_z[n] - z_ref).pow(2).mean().sqrt().item<double>();
        std::vector<float> fl, il, its;
        for (int i = 0; i < nc.steps; ++i) {
            fl.push_back(ns.final_loss[static_cast<std::size_t>(i)][static_cast<std::size_t>(n)]);
            il.push_back(ns.first_loss[static_cast<std::size_t>(i)][static_cast<std::size_t>(n)]);
            its.push_back(static_cast<float>(ns.iterations[static_cast<std::size_t>(i)][static_cast<std::size_t>(n)]));
        }
        io::save_safetensors(P.support(n).string(),
                             {{"z_T", ns.latents[nc.steps][n].unsqueeze(0)},
                              {"null_embeddings", traj.select(1, n).contiguous()},
                              {"loss", loss_tensor(fl)},
                              {"first_loss", loss_tensor(il)},
                              {"iterations", loss_tensor(its)}},
                             meta_map(m));
        save_png(rec_nti[static_cast<std::size_t>(n)], P.recon(n, "null-text").string());
        save_png(rec_ddim[static_cast<std::size_t>(n)], P.recon(n, "ddim").string());
        ReconstructionEvent re;
        re.class_dir      = cls.dir;
        re.support        = n;
        re.original       = originals[static_cast<std::size_t>(n)];
        re.null_text      = rec_nti[static_cast<std::size_t>(n)];
        re.ddim           = rec_ddim[static_cast<std::size_t>(n)];
        re.psnr_null_text = m["psnr_null_text"].get<double>();
        re.psnr_ddim      = m["psnr_ddim"].get<double>();
        re.latent_rmse_null_text = m["latent_rmse_null_text"].get<double>();
        re.latent_rmse_ddim      = m["latent_rmse_ddim"].get<double>();
        ev.reconstruction(re);
    }
    fs::remove(P.nti_ckpt(), ec);
}

// ------------------------------------------------------------------------------------------ sampling

SynthesisReport TintEngine::synthesize(const std::string& root, const ProjectData& project, const SynthesisSpec& spec,
                                       const TintSettings& s, TintEvents& ev, JobContext& ctx) {
    std::vector<int> which = spec.classes;
    if (which.empty())
        for (int i = 0; i < static_cast<int>(project.classes.size()); ++i) which.push_back(i);
    if (spec.per_class < 0) throw Error("the number of images per class cannot be negative");
    if (spec.alpha < 0 || spec.alpha > 1) throw Error("alpha must lie in [0, 1]");
    if ((spec.width > 0) != (spec.height > 0)) throw Error("give both the width and the height of the images, or neither");
    // Check every class first: nothing is generated when one of them cannot be.
    for (int i : which) {
        if (i < 0 || i >= static_cast<int>(project.classes.size())) throw Error("no class number " + std::to_string(i));
        const auto& cls = project.classes[static_cast<std::size_t>(i)];
        auto st         = inversion_status(root, cls, s, false);
        if (st.token != InversionState::Done || st.null_text != InversionState::Done)
            throw Error("the class '" + cls.name + "' has no finished inversion for this model and these settings" +
                        (st.stale_reason.empty() ? std::string() : " (" + st.stale_reason + ")") + ": run the inversion first");
    }
    auto& p = impl_->pipeline(s, ctx);
    c10::InferenceMode guard;
    SynthesisReport rep;
    const long long total = static_cast<long long>(which.size()) * spec.per_class;
    long long done        = 0;
    const int batch       = std::max(1, spec.batch);
    for (int ci : which) {
        const auto& cls = project.classes[static_cast<std::size_t>(ci)];
        Paths P(root, cls);
        const int K = static_cast<int>(cls.supports.size());
        auto row    = io::SafetensorsFile::open(P.token().string()).read("embedding").to(torch::kFloat32);
        const auto stored = read_meta(P.support(0));
        const auto tmpl   = stored["ti_settings"].value("template", s.prompt_template);
        const double guidance = stored["nti_settings"].value("guidance", s.guidance);
        const int nsteps  = stored["nti_settings"].value("steps", s.steps);
        auto ids    = impl_->prompt_ids(p, tmpl);
        auto cond   = p.text_encoder->forward(ids, row.to(p.device)).last_hidden_state.to(torch::kFloat32);
        std::vector<torch::Tensor> zT, traj;
        for (int n = 0; n < K; ++n) {
            auto f = io::SafetensorsFile::open(P.support(n).string());
            zT.push_back(f.read("z_T").to(p.device, torch::kFloat32));
            traj.push_back(f.read("null_embeddings").to(p.device, torch::kFloat32));
        }
        const auto tsteps = tinv::tint_timesteps(p, nsteps);
        if (static_cast<std::int64_t>(tsteps.size()) != traj[0].size(0))
            throw Error("'" + P.support(0).string() + "' holds " + std::to_string(traj[0].size(0)) + " null embeddings, not " +
                        std::to_string(tsteps.size()));
        fs::path out_dir = fs::path(root) / "synthetic" / cls.dir;
        std::error_code ec;
        fs::create_directories(out_dir, ec);
        if (ec) throw Error("cannot create '" + out_dir.string() + "': " + ec.message());
        // Continue the numbering; never below the highest id on record (after a lost line the count
        // alone could reuse an id and overwrite a reviewed sample).
        int start = 0;
        {
            const auto known = read_samples(root, cls);
            start            = static_cast<int>(known.size());
            for (const auto& r : known)
                if (r.id.rfind("tint-", 0) == 0) start = std::max(start, std::atoi(r.id.c_str() + 5) + 1);
        }
        const auto cseed  = tinv::mix_seed(spec.seed, stable_hash(cls.dir));
        for (int j0 = 0; j0 < spec.per_class; j0 += batch) {
            if (ctx.stop_before_next_item()) {
                rep.cancelled = true;
                return rep;
            }
            const int nb = std::min(batch, spec.per_class - j0);
            std::vector<int> sup;
            std::vector<std::uint64_t> seeds;
            std::vector<torch::Tensor> starts;
            for (int b = 0; b < nb; ++b) {
                const int index        = start + j0 + b;
                const std::uint64_t sd = tinv::mix_seed(cseed, static_cast<std::uint64_t>(index));
                std::mt19937_64 rng(sd);
                const int n = static_cast<int>(std::uniform_int_distribution<int>(0, K - 1)(rng));
                auto eps    = diffusion::seeded_noise(tinv::mix_seed(sd, 7), zT[static_cast<std::size_t>(n)].sizes()).to(p.device);
                starts.push_back(tinv::blend_start_latent(zT[static_cast<std::size_t>(n)], eps, spec.alpha));
                sup.push_back(n);
                seeds.push_back(sd);
            }
            auto z = tinv::guided_sample(
                p, torch::cat(starts), cond,
                [&](std::size_t i) {
                    std::vector<torch::Tensor> u;
                    for (int n : sup) u.push_back(traj[static_cast<std::size_t>(n)][static_cast<std::int64_t>(i)].unsqueeze(0));
                    return torch::cat(u);
                },
                tsteps, guidance, ctx,
                [&](std::size_t i) {
                    ctx.report({"synthesis", done * static_cast<long long>(tsteps.size()) + static_cast<long long>((i + 1) * nb),
                                total * static_cast<long long>(tsteps.size()), std::nan(""), cls.name});
                });
            auto imgs = p.latent_to_images(z);
            for (int b = 0; b < nb; ++b) {
                const auto& support = cls.supports[static_cast<std::size_t>(sup[static_cast<std::size_t>(b)])];
                int w = spec.width > 0 ? spec.width : support.width;
                int h = spec.height > 0 ? spec.height : support.height;
                if (w <= 0 || h <= 0) w = imgs[static_cast<std::size_t>(b)].width, h = imgs[static_cast<std::size_t>(b)].height;
                SampleEvent se;
                se.class_dir = cls.dir;
                char idbuf[32];
                std::snprintf(idbuf, sizeof idbuf, "tint-%06d", start + j0 + b);
                se.id      = idbuf;
                se.file    = "synthetic/" + cls.dir + "/" + se.id + ".png";
                se.support = sup[static_cast<std::size_t>(b)];
                se.seed    = seeds[static_cast<std::size_t>(b)];
                se.image   = resize_image(imgs[static_cast<std::size_t>(b)], w, h);
                save_png(se.image, (fs::path(root) / se.file).string());
                json line = {{"id", se.id}, {"file", se.file}, {"generator", "tint"}, {"support", se.support},
                             {"seed", se.seed}, {"width", w}, {"height", h}, {"alpha", spec.alpha}, {"status", "new"}};
                append_line_durable((out_dir / "samples.jsonl").string(), line.dump());
                ++rep.written;
                ++done;
                ev.sample(se);
            }
        }
    }
    return rep;
}

// ------------------------------------------------------------------------------------------ files

std::vector<SampleRecord> read_samples(const std::string& root, const ClassEntry& cls) {
    std::vector<SampleRecord> out;
    fs::path file = fs::path(root) / "synthetic" / cls.dir / "samples.jsonl";
    std::ifstream f(file);
    if (!f) return out;
    std::string line;
    std::map<std::string, std::size_t> index;
    int lineno = 0;
    while (std::getline(f, line)) {
        ++lineno;
        if (line.empty()) continue;
        json j;
        try {
            j = json::parse(line);
        } catch (const std::exception&) {
            log::warn("tint", "skipping unreadable line " + std::to_string(lineno) + " of " + file.string());
            continue;  // a torn write at a crash; everything before it is intact
        }
        SampleRecord r;
        r.id = j.value("id", std::string());
        if (r.id.empty()) continue;
        auto it  = index.find(r.id);
        bool upd = it != index.end();  // a later line about the same sample updates it
        SampleRecord t = upd ? out[it->second] : r;
        try {
            t.file               = j.value("file", t.file);
            t.status             = j.value("status", t.status);
            t.generator          = j.value("generator", t.generator);
            t.support            = j.value("support", t.support);
            t.seed               = j.value("seed", t.seed);
            t.width              = j.value("width", t.width);
            t.height             = j.value("height", t.height);
            t.teacher_class      = j.value("teacher_class", t.teacher_class);
            t.teacher_confidence = j.value("teacher_confidence", t.teacher_confidence);
            t.novelty            = j.value("novelty", t.novelty);
            t.duplicate_of       = j.value("duplicate_of", t.duplicate_of);
            t.scored_by          = j.value("scored_by", t.scored_by);
        } catch (const json::exception&) {
            log::warn("tint", "skipping line " + std::to_string(lineno) + " of " + file.string() +
                                  " (a value has the wrong type)");
            continue;
        }
        // A sample's image lives in its class's synthetic folder; a record pointing anywhere else
        // (absolute, "..", another folder) is not followed.
        {
            const std::string prefix = "synthetic/" + cls.dir + "/";
            if (t.file.compare(0, prefix.size(), prefix) != 0 || !is_plain_name(t.file.substr(prefix.size()))) {
                log::warn("tint", "skipping line " + std::to_string(lineno) + " of " + file.string() + " (the file '" + t.file +
                                      "' is not in " + prefix + ")");
                continue;
            }
        }
        if (upd) {
            out[it->second] = t;
            continue;
        }
        r = t;
        index[r.id] = out.size();
        out.push_back(r);
    }
    return out;
}

void export_embedding(const std::string& root, const ClassEntry& cls, const std::string& out_file, EmbeddingFormat format) {
    Paths P(root, cls);
    std::error_code ec;
    if (!fs::exists(P.token(), ec)) throw Error("the class '" + cls.name + "' has no finished textual inversion to export");
    auto f    = io::SafetensorsFile::open(P.token().string());
    auto row  = f.read("embedding").to(torch::kFloat32);
    auto meta = read_meta(P.token());
    check_output_folder(out_file);
    const std::string token = meta.value("placeholder", placeholder_for(cls));
    if (format == EmbeddingFormat::Diffusers) {
        io::save_safetensors(out_file, {{token, row}});
    } else {
        io::save_safetensors(out_file, {{"emb_params", row}},
                             {{"name", token}, {"step", std::to_string(meta.value("steps_done", 0))},
                              {"sd_checkpoint_name", "tintbench"}});
    }
}

}  // namespace tint
