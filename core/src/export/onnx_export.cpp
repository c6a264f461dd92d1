#include "export/onnx_export.h"

// Debian's libonnx is built with ONNX_ML in namespace `onnx` and installs only onnx-ml.pb.h; the
// generated classes only line up with the library when these match its build.
#ifndef ONNX_ML
#define ONNX_ML 1
#endif
#ifndef ONNX_NAMESPACE
#define ONNX_NAMESPACE onnx
#endif
#include <fcntl.h>
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <sstream>
#include <unordered_set>

#include "tint/Error.h"
#include "tint/FileUtil.h"
#include "tint/Image.h"

#ifndef TINT_VERSION
#define TINT_VERSION "0"
#endif

namespace fs = std::filesystem;

namespace tint::exporter {

namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "ONNX raw_data is little-endian; copy bytes only on LE hosts");

std::string num(double v) {
    std::ostringstream s;
    s << std::setprecision(6) << v;
    return s.str();
}

[[noreturn]] void unsupported(const std::string& what, const std::string& where) {
    throw Error("cannot export to ONNX: " + what + (where.empty() ? "" : " at '" + where + "'"));
}

/// A graph value and its static per-sample shape (h == w == 0 once flattened); the batch
/// dimension is symbolic. Tracked so that shapes are checked here, not first in OpenCV.
struct Value {
    std::string name;
    std::int64_t c = 0, h = 0, w = 0;
    /// The graph value holds the module's activation times `scale` (ReLU6 written as
    /// HardSigmoid gives 1/6); the next linear layer divides it out of its weights.
    double scale = 1.0;
};

/// Builds the ONNX graph by walking the module tree; each student's forward() is mirrored here,
/// and the self-check in export_onnx() proves the mirror right on real inputs.
class GraphWriter {
public:
    GraphWriter(torch::nn::Module& root, onnx::GraphProto& graph, const OnnxExportOptions& options)
        : graph_(graph), options_(options) {
        // Not include_self: that needs the root to be owned by a shared_ptr, which callers need not do.
        paths_[&root] = "";
        for (const auto& item : root.named_modules("", /*include_self=*/false)) paths_[item.value().get()] = item.key();
    }

    Value student(nn::StudentImpl& s, const Value& x) {
        if (auto* m = dynamic_cast<nn::ResNet18Impl*>(&s)) {
            auto h = relu(conv(x, *m->conv1, m->bn1.get()), path(*m->bn1));
            h      = max_pool(h, 3, 2, 1, false, "maxpool");
            for (auto* layer : {&m->layer1, &m->layer2, &m->layer3, &m->layer4}) h = sequential(h, **layer);
            return linear(global_pool(h), *m->fc);
        }
        if (auto* m = dynamic_cast<nn::MobileNetV2Impl*>(&s)) {
            auto h = global_pool(sequential(x, *m->features_));
            return sequential(h, *m->classifier);
        }
        if (auto* m = dynamic_cast<nn::Conv4Impl*>(&s)) return linear(global_pool(sequential(x, *m->encoder)), *m->fc);
        if (auto* m = dynamic_cast<nn::ResNet12Impl*>(&s)) {
            auto h = x;
            for (auto* layer : {&m->layer1, &m->layer2, &m->layer3, &m->layer4}) h = resnet12_block(h, **layer);
            return linear(global_pool(h), *m->fc);
        }
        unsupported("student type '" + s.name() + "' has no ONNX mapping", "");
    }

    const std::string& classifier_bias() const { return classifier_bias_; }

private:
    std::string path(const torch::nn::Module& m) const {
        auto it = paths_.find(&m);
        return it == paths_.end() || it->second.empty() ? std::string("model") : it->second;
    }

    /// A fresh value name: graph values must be assigned exactly once.
    std::string fresh(const std::string& base) {
        std::string name = base;
        for (int i = 1; used_.count(name); ++i) name = base + "_" + std::to_string(i);
        used_.insert(name);
        return name;
    }

    std::string initializer(const std::string& base, const torch::Tensor& value) {
        auto v        = value.detach().to(torch::kCPU, torch::kFloat32).contiguous();
        auto* t       = graph_.add_initializer();
        std::string n = fresh(base);
        t->set_name(n);
        t->set_data_type(onnx::TensorProto::FLOAT);
        for (auto d : v.sizes()) t->add_dims(d);
        t->set_raw_data(
            std::string(static_cast<const char*>(v.data_ptr()), static_cast<std::size_t>(v.numel()) * sizeof(float)));
        return n;
    }

    onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs, const std::string& output) {
        auto* n = graph_.add_node();
        n->set_op_type(op);
        n->set_name(output);
        for (const auto& i : inputs) n->add_input(i);
        n->add_output(output);
        return *n;
    }

    static void attr(onnx::NodeProto& n, const char* name, const std::vector<std::int64_t>& ints) {
        auto* a = n.add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::INTS);
        for (auto v : ints) a->add_ints(v);
    }
    static void attr(onnx::NodeProto& n, const char* name, std::int64_t v) {
        auto* a = n.add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::INT);
        a->set_i(v);
    }
    static void attr_f(onnx::NodeProto& n, const char* name, double v) {
        auto* a = n.add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::FLOAT);
        a->set_f(static_cast<float>(v));
    }

    Value same_shape(const Value& x, std::string name) { return Value{std::move(name), x.c, x.h, x.w, x.scale}; }

    /// The value with scale 1 (a Mul node when it is not).
    Value settle(const Value& x, const std::string& p) {
        if (x.scale == 1.0) return x;
        auto k = initializer(p + ".rescale", torch::full({1}, 1.0 / x.scale, torch::kFloat64));
        Value y{fresh(p + ".rescaled"), x.c, x.h, x.w, 1.0};
        node("Mul", {x.name, k}, y.name);
        return y;
    }

    // --- layers ---

    Value conv(const Value& x, torch::nn::Conv2dImpl& m, torch::nn::BatchNorm2dImpl* bn) {
        const auto& o       = m.options;
        const std::string p = path(m);
        if (o.transposed()) unsupported("transposed convolution", p);
        if (!c10::holds_alternative<torch::enumtype::kZeros>(o.padding_mode())) unsupported("non-zero padding mode", p);
        if (!c10::holds_alternative<torch::ExpandingArray<2>>(o.padding())) unsupported("'same'/'valid' padding", p);
        if (x.h == 0 || x.c != o.in_channels())
            unsupported(
                "a convolution over " + std::to_string(o.in_channels()) + " channels gets " + std::to_string(x.c), p);
        const auto k   = *o.kernel_size();
        const auto s   = *o.stride();
        const auto pad = *c10::get<torch::ExpandingArray<2>>(o.padding());
        const auto d   = *o.dilation();

        auto w = m.weight.detach().to(torch::kFloat64) / x.scale;  // the input holds activation * scale
        auto b =
            m.bias.defined() ? m.bias.detach().to(torch::kFloat64) : torch::zeros({o.out_channels()}, torch::kFloat64);
        const bool fold = bn && options_.fold_batch_norm;
        if (fold) {
            // Eval-mode BN is y = (z - mean) * gamma / sqrt(var + eps) + beta, affine in z; computed
            // in double so that the folded float weights are the closest to the two-step result.
            auto [scale, shift] = bn_affine(*bn);
            w                   = w * scale.view({-1, 1, 1, 1});
            b                   = b * scale + shift;
        }
        auto wn  = initializer(p + ".weight", w);  // folded or not, named after the convolution
        auto bnm = initializer(p + ".bias", b);
        Value y{fresh(p), o.out_channels(), out_size(x.h, k[0], s[0], pad[0], pad[0], d[0], p),
                out_size(x.w, k[1], s[1], pad[1], pad[1], d[1], p), 1.0};
        auto& n = node("Conv", {x.name, wn, bnm}, y.name);
        attr(n, "kernel_shape", {k[0], k[1]});
        attr(n, "strides", {s[0], s[1]});
        attr(n, "pads", {pad[0], pad[1], pad[0], pad[1]});
        attr(n, "dilations", {d[0], d[1]});
        attr(n, "group", o.groups());
        if (bn && !fold) return batch_norm(y, *bn);
        return y;
    }

    std::pair<torch::Tensor, torch::Tensor> bn_affine(torch::nn::BatchNorm2dImpl& bn) {
        const auto& o = bn.options;
        if (!o.track_running_stats() || !bn.running_mean.defined())
            unsupported("BatchNorm without running statistics", path(bn));
        auto mean  = bn.running_mean.detach().to(torch::kFloat64);
        auto var   = bn.running_var.detach().to(torch::kFloat64);
        auto gamma = o.affine() ? bn.weight.detach().to(torch::kFloat64) : torch::ones_like(mean);
        auto beta  = o.affine() ? bn.bias.detach().to(torch::kFloat64) : torch::zeros_like(mean);
        auto scale = gamma / torch::sqrt(var + o.eps());
        return {scale, beta - mean * scale};
    }

    Value batch_norm(const Value& x_in, torch::nn::BatchNorm2dImpl& bn) {
        const auto& o       = bn.options;
        const std::string p = path(bn);
        const Value x       = settle(x_in, p);
        if (!o.track_running_stats() || !bn.running_mean.defined())
            unsupported("BatchNorm without running statistics", p);
        if (x.c != o.num_features()) unsupported("BatchNorm channel count mismatch", p);
        auto mean  = bn.running_mean.detach();
        auto gamma = o.affine() ? bn.weight.detach() : torch::ones_like(mean);
        auto beta  = o.affine() ? bn.bias.detach() : torch::zeros_like(mean);
        auto g = initializer(p + ".weight", gamma), b = initializer(p + ".bias", beta);
        auto mn = initializer(p + ".running_mean", mean), vr = initializer(p + ".running_var", bn.running_var.detach());
        auto y = same_shape(x, fresh(p));
        attr_f(node("BatchNormalization", {x.name, g, b, mn, vr}, y.name), "epsilon", o.eps());
        return y;
    }

    Value relu(const Value& x, const std::string& p) {
        auto y = same_shape(x, fresh(p + ".relu"));
        node("Relu", {x.name}, y.name);
        return y;
    }

    Value leaky_relu(const Value& x, double slope, const std::string& p) {
        auto y = same_shape(x, fresh(p + ".lrelu"));
        attr_f(node("LeakyRelu", {x.name}, y.name), "alpha", slope);
        return y;
    }

    Value relu6(const Value& x_in, const std::string& p) {
        // Opset-13 Clip takes its bounds as inputs, which OpenCV 4.6 refuses; see Relu6Form.
        const Value x = settle(x_in, p);
        if (options_.relu6_form == Relu6Form::HardSigmoidScaled) {
            Value y = same_shape(x, fresh(p + ".relu6_over_6"));
            y.scale = 1.0 / 6.0;
            auto& n = node("HardSigmoid", {x.name}, y.name);
            attr_f(n, "alpha", 1.0 / 6.0);
            attr_f(n, "beta", 0.0);
            return y;
        }
        // x - 6 is exact for x in [3, 12] (Sterbenz), so Relu(x) - Relu(x - 6) is exactly 6 there.
        if (six_.empty()) six_ = initializer("relu6.six", torch::full({1}, 6.0f));
        auto r = relu(x, p);
        if (options_.relu6_form == Relu6Form::MinOfRelu) {
            auto y = same_shape(x, fresh(p + ".relu6"));
            node("Min", {r.name, six_}, y.name);
            return y;
        }
        auto shifted = same_shape(x, fresh(p + ".minus6"));
        node("Sub", {x.name, six_}, shifted.name);
        auto excess = relu(shifted, p + ".minus6");
        auto y      = same_shape(x, fresh(p + ".relu6"));
        node("Sub", {r.name, excess.name}, y.name);
        return y;
    }

    Value add(const Value& a, const Value& b, const std::string& p) {
        if (a.c != b.c || a.h != b.h || a.w != b.w)
            unsupported("residual shapes differ (" + std::to_string(a.c) + "x" + std::to_string(a.h) + "x" +
                            std::to_string(a.w) + " vs " + std::to_string(b.c) + "x" + std::to_string(b.h) + "x" +
                            std::to_string(b.w) + ")",
                        p);
        const Value ua = a.scale == b.scale ? a : settle(a, p + ".a");
        const Value ub = a.scale == b.scale ? b : settle(b, p + ".b");
        auto y = same_shape(ua, fresh(p + ".add"));
        node("Add", {ua.name, ub.name}, y.name);
        return y;
    }

    static std::int64_t out_size(std::int64_t n, std::int64_t k, std::int64_t s, std::int64_t pb, std::int64_t pe,
                                 std::int64_t d, const std::string& p) {
        const std::int64_t span = n + pb + pe - d * (k - 1) - 1;
        if (span < 0) unsupported("the input is too small for this layer (" + std::to_string(n) + " pixels)", p);
        return span / s + 1;
    }

    /// MaxPool; ceil_mode becomes extra end padding, because OpenCV 4.6's importer ignores the
    /// ceil_mode attribute. Max pooling skips padded cells, so this is exact.
    Value max_pool(const Value& x, std::int64_t k, std::int64_t s, std::int64_t pad, bool ceil, const std::string& p) {
        if (x.h == 0) unsupported("max-pooling a flattened value", p);
        auto extent = [&](std::int64_t n, std::int64_t& extra) {
            const std::int64_t span = n + 2 * pad - k;
            if (span < 0) unsupported("the input is too small for max-pooling (" + std::to_string(n) + " pixels)", p);
            std::int64_t out = (ceil ? (span + s - 1) / s : span / s) + 1;
            if (ceil && (out - 1) * s >= n + pad) --out;  // PyTorch: the last window must start inside
            extra = std::max<std::int64_t>(0, (out - 1) * s + k - (n + 2 * pad));
            return out;
        };
        std::int64_t eh = 0, ew = 0;
        Value y{fresh(p), x.c, extent(x.h, eh), extent(x.w, ew), x.scale};  // max commutes with a positive scale
        auto& n = node("MaxPool", {x.name}, y.name);
        attr(n, "kernel_shape", {k, k});
        attr(n, "strides", {s, s});
        attr(n, "pads", {pad, pad, pad + eh, pad + ew});
        return y;
    }

    Value max_pool(const Value& x, torch::nn::MaxPool2dImpl& m) {
        const auto& o = m.options;
        const auto k = *o.kernel_size(), s = *o.stride(), pad = *o.padding(), d = *o.dilation();
        if (k[0] != k[1] || s[0] != s[1] || pad[0] != pad[1] || d[0] != 1 || d[1] != 1)
            unsupported("non-square or dilated max-pooling", path(m));
        return max_pool(x, k[0], s[0], pad[0], o.ceil_mode(), path(m));
    }

    /// adaptive_avg_pool2d(1).flatten(1)
    Value global_pool(const Value& x) {
        if (x.h == 0) unsupported("pooling a flattened value", "");
        Value pooled{fresh("pool"), x.c, 1, 1, x.scale};  // averaging is linear: the scale stays
        node("GlobalAveragePool", {x.name}, pooled.name);
        Value flat{fresh("flatten"), x.c, 0, 0, x.scale};
        attr(node("Flatten", {pooled.name}, flat.name), "axis", std::int64_t(1));
        return flat;
    }

    Value linear(const Value& x, torch::nn::LinearImpl& m) {
        const std::string p = path(m);
        if (x.h != 0 || x.c != m.options.in_features())
            unsupported("a linear layer over " + std::to_string(m.options.in_features()) + " features gets " +
                            std::to_string(x.c),
                        p);
        auto wn          = initializer(p + ".weight", m.weight.detach().to(torch::kFloat64) / x.scale);
        auto bias        = m.bias.defined() ? m.bias.detach() : torch::zeros({m.options.out_features()});
        classifier_bias_ = initializer(p + ".bias", bias);
        Value y{fresh(p), m.options.out_features(), 0, 0, 1.0};
        auto& n = node("Gemm", {x.name, wn, classifier_bias_}, y.name);
        attr(n, "transB", std::int64_t(1));
        return y;
    }

    // --- containers and blocks ---

    Value sequential(const Value& x, torch::nn::SequentialImpl& s) {
        Value h = x;
        for (std::size_t i = 0; i < s.size(); ++i) {
            auto m = s.ptr(i);
            if (auto* c = dynamic_cast<torch::nn::Conv2dImpl*>(m.get())) {
                auto* bn = i + 1 < s.size() ? dynamic_cast<torch::nn::BatchNorm2dImpl*>(s.ptr(i + 1).get()) : nullptr;
                h        = conv(h, *c, bn);
                if (bn) ++i;
                continue;
            }
            h = module(h, *m);
        }
        return h;
    }

    Value module(const Value& x, torch::nn::Module& m) {
        if (auto* s = dynamic_cast<torch::nn::SequentialImpl*>(&m)) return sequential(x, *s);
        if (auto* c = dynamic_cast<torch::nn::Conv2dImpl*>(&m)) return conv(x, *c, nullptr);
        if (auto* b = dynamic_cast<torch::nn::BatchNorm2dImpl*>(&m)) return batch_norm(x, *b);
        if (dynamic_cast<torch::nn::ReLUImpl*>(&m)) return relu(x, path(m));
        if (dynamic_cast<nn::ReLU6Impl*>(&m)) return relu6(x, path(m));
        if (auto* l = dynamic_cast<torch::nn::LeakyReLUImpl*>(&m))
            return leaky_relu(x, l->options.negative_slope(), path(m));
        if (auto* p = dynamic_cast<torch::nn::MaxPool2dImpl*>(&m)) return max_pool(x, *p);
        if (dynamic_cast<torch::nn::DropoutImpl*>(&m)) return x;  // the identity in eval mode
        if (auto* l = dynamic_cast<torch::nn::LinearImpl*>(&m)) return linear(x, *l);
        if (auto* b = dynamic_cast<nn::BasicBlockImpl*>(&m)) return basic_block(x, *b);
        if (auto* b = dynamic_cast<nn::InvertedResidualImpl*>(&m)) return inverted_residual(x, *b);
        if (auto* b = dynamic_cast<nn::ResNet12BlockImpl*>(&m)) return resnet12_block(x, *b);
        unsupported("module type '" + m.name() + "' has no ONNX mapping", path(m));
    }

    Value basic_block(const Value& x, nn::BasicBlockImpl& b) {
        const std::string p = path(b);
        auto h              = relu(conv(x, *b.conv1, b.bn1.get()), path(*b.bn1));
        h                   = conv(h, *b.conv2, b.bn2.get());
        auto sc             = b.downsample ? sequential(x, *b.downsample) : x;
        return relu(add(h, sc, p), p);
    }

    Value inverted_residual(const Value& x, nn::InvertedResidualImpl& b) {
        auto y = sequential(x, *b.conv);
        return b.use_res_connect ? add(x, y, path(b)) : y;
    }

    Value resnet12_block(const Value& x, nn::ResNet12BlockImpl& b) {
        const std::string p     = path(b);
        constexpr double kSlope = 0.1;  // ResNet12BlockImpl::forward
        auto h                  = leaky_relu(conv(x, *b.conv1, b.bn1.get()), kSlope, path(*b.bn1));
        h                       = leaky_relu(conv(h, *b.conv2, b.bn2.get()), kSlope, path(*b.bn2));
        h                       = conv(h, *b.conv3, b.bn3.get());
        h                       = leaky_relu(add(h, sequential(x, *b.downsample), p), kSlope, p);
        return max_pool(h, 2, 2, 0, true, p + ".maxpool");
    }

    onnx::GraphProto& graph_;
    const OnnxExportOptions& options_;
    std::map<const torch::nn::Module*, std::string> paths_;
    std::unordered_set<std::string> used_{"input", "logits"};
    std::string six_;
    std::string classifier_bias_;
};

void set_tensor_type(onnx::ValueInfoProto& v, const std::string& name, const std::vector<std::int64_t>& dims) {
    v.set_name(name);
    auto* t = v.mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    auto* shape = t->mutable_shape();
    for (auto d : dims) {
        auto* dim = shape->add_dim();
        if (d < 0)
            dim->set_dim_param("N");  // the dynamic batch
        else
            dim->set_dim_value(d);
    }
}

/// Restores the module's training flag on every exit path.
struct EvalModeGuard {
    explicit EvalModeGuard(torch::nn::Module& m) : module(m), was_training(m.is_training()) { m.eval(); }
    ~EvalModeGuard() { module.train(was_training); }
    torch::nn::Module& module;
    bool was_training;
};

/// The verified-but-not-yet-published file; removed unless released.
struct TempFile {
    std::string path;
    bool keep = false;
    ~TempFile() {
        if (!keep && !path.empty()) ::unlink(path.c_str());
    }
};

std::string temp_path_beside(const fs::path& dest) {
    std::random_device rd;
    std::ostringstream s;
    s << "." << dest.filename().string() << ".export-" << std::hex << std::setw(8) << std::setfill('0') << rd();
    return (dest.parent_path() / s.str()).string();
}

void fsync_dir(const fs::path& dir) {
    int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

/// Deterministic synthetic RGB images (smooth gradients with a per-image texture), normalised.
torch::Tensor synthetic_images(int count, int width, int height, const OnnxExportOptions& o) {
    auto hh = torch::arange(height, torch::kFloat64).view({1, 1, height, 1});
    auto ww = torch::arange(width, torch::kFloat64).view({1, 1, 1, width});
    auto cc = torch::arange(3, torch::kFloat64).view({1, 3, 1, 1});
    auto ii = torch::arange(count, torch::kFloat64).view({count, 1, 1, 1});
    auto u  = 0.5 + 0.5 * torch::sin(0.11 * (ii + 1) * hh + 0.07 * ww + 1.3 * cc + 0.9 * ii) *
                       torch::cos(0.05 * ww * (cc + 1) - 0.03 * hh * ii);
    auto mean = torch::tensor({o.mean[0], o.mean[1], o.mean[2]}, torch::kFloat64).view({1, 3, 1, 1});
    auto sd   = torch::tensor({o.stddev[0], o.stddev[1], o.stddev[2]}, torch::kFloat64).view({1, 3, 1, 1});
    return ((u - mean) / sd).to(torch::kFloat32).contiguous();
}

torch::Tensor sample_batch(const OnnxExportOptions& o) {
    if (o.sample_images.defined()) {
        auto s = o.sample_images;
        if (s.dim() == 3) s = s.unsqueeze(0);
        if (s.dim() != 4 || s.size(0) < 1 || s.size(1) != 3 || s.size(2) != o.input_height ||
            s.size(3) != o.input_width)
            throw Error("ONNX export: the sample images must be [N, 3, " + std::to_string(o.input_height) + ", " +
                        std::to_string(o.input_width) + "]");
        return s.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    }
    if (!o.sample_image_paths.empty()) {
        std::vector<torch::Tensor> images;
        for (const auto& p : o.sample_image_paths)
            images.push_back(load_normalised_image(p, o.input_width, o.input_height, o.mean, o.stddev));
        return torch::stack(images).contiguous();
    }
    return synthetic_images(4, o.input_width, o.input_height, o);
}

torch::Tensor run_opencv(cv::dnn::Net& net, const torch::Tensor& batch) {
    auto b             = batch.contiguous();
    const int sizes[4] = {static_cast<int>(b.size(0)), static_cast<int>(b.size(1)), static_cast<int>(b.size(2)),
                          static_cast<int>(b.size(3))};
    cv::Mat blob(4, sizes, CV_32F, b.data_ptr<float>());
    net.setInput(blob, "input");
    cv::Mat out = net.forward();
    if (out.type() != CV_32F || out.total() % static_cast<std::size_t>(b.size(0)) != 0)
        throw Error("OpenCV returned an output of unexpected type or size");
    const auto n = b.size(0);
    return torch::from_blob(out.ptr<float>(), {n, static_cast<std::int64_t>(out.total()) / n}, torch::kFloat32).clone();
}

struct Mismatch {
    double max_abs = 0;
    std::string where;
};

/// Compares OpenCV's logits with LibTorch's for the whole batch and for each image alone.
Mismatch compare(cv::dnn::Net& net, const torch::Tensor& batch, const torch::Tensor& expected) {
    Mismatch worst;
    auto check = [&](const torch::Tensor& got, const torch::Tensor& want, std::int64_t first, const std::string& run) {
        if (got.sizes() != want.sizes()) {
            std::ostringstream s;
            s << run << ": OpenCV output " << got.sizes() << " vs LibTorch " << want.sizes();
            throw Error(s.str());
        }
        auto diff = (got.to(torch::kFloat64) - want.to(torch::kFloat64)).abs();
        if (diff.isnan().any().item<bool>()) {
            worst.max_abs = std::numeric_limits<double>::infinity();
            worst.where   = run + ": OpenCV produced NaN";
            return;
        }
        auto flat  = diff.flatten();
        auto index = flat.argmax().item<std::int64_t>();
        double d   = flat[index].item<double>();
        if (d > worst.max_abs || worst.where.empty()) {
            const auto classes = want.size(1);
            const auto row = index / classes, col = index % classes;
            worst.max_abs = d;
            worst.where   = run + ", image " + std::to_string(first + row) + ", logit " + std::to_string(col) +
                          ": LibTorch " + num(want[row][col].item<double>()) + ", OpenCV " +
                          num(got[row][col].item<double>());
        }
    };
    const auto n = batch.size(0);
    check(run_opencv(net, batch), expected, 0, "batch of " + std::to_string(n));
    if (n > 1)
        for (std::int64_t i = 0; i < n; ++i)
            check(run_opencv(net, batch.narrow(0, i, 1)), expected.narrow(0, i, 1), i, "batch of 1");
    return worst;
}

}  // namespace

std::string architecture_name(const nn::StudentImpl& model) {
    if (dynamic_cast<const nn::ResNet18Impl*>(&model)) return "resnet18";
    if (const auto* m = dynamic_cast<const nn::MobileNetV2Impl*>(&model))
        return m->short_stages() ? "mobilenetv2-short" : "mobilenetv2";
    if (dynamic_cast<const nn::Conv4Impl*>(&model)) return "conv4";
    if (dynamic_cast<const nn::ResNet12Impl*>(&model)) return "resnet12";
    throw Error("cannot export to ONNX: student type '" + model.name() + "' has no ONNX mapping");
}

torch::Tensor load_normalised_image(const std::string& path, int width, int height, const std::array<double, 3>& mean,
                                    const std::array<double, 3>& stddev) {
    if (width < 1 || height < 1) throw Error("invalid input size for '" + path + "'");
    ImageU8 img = load_image_rgb(path);
    cv::Mat rgb(img.height, img.width, CV_8UC3, img.data.data(), img.stride());
    cv::Mat resized;
    const bool shrink = width <= img.width && height <= img.height;
    cv::resize(rgb, resized, cv::Size(width, height), 0, 0, shrink ? cv::INTER_AREA : cv::INTER_LINEAR);
    cv::Mat f;
    resized.convertTo(f, CV_32FC3, 1.0 / 255.0);
    auto hwc = torch::from_blob(f.ptr<float>(), {height, width, 3}, torch::kFloat32);
    auto m   = torch::tensor({mean[0], mean[1], mean[2]}, torch::kFloat32);
    auto s   = torch::tensor({stddev[0], stddev[1], stddev[2]}, torch::kFloat32);
    return ((hwc - m) / s).permute({2, 0, 1}).contiguous();
}

OnnxExportResult export_onnx(nn::StudentImpl& model, const std::string& path, const OnnxExportOptions& options) {
    const std::string what = "cannot export ONNX model to '" + path + "'";
    // The destination first: a bad path should fail before any work, and must never be half-written.
    fs::path dest(path);
    if (dest.filename().empty()) throw Error(what + ": no file name");
    fs::path folder = dest.parent_path().empty() ? fs::path(".") : dest.parent_path();
    std::error_code ec;
    auto st = fs::status(folder, ec);
    if (!fs::exists(st)) throw Error(what + ": the folder '" + folder.string() + "' does not exist");
    if (!fs::is_directory(st)) throw Error(what + ": '" + folder.string() + "' is not a folder");
    if (fs::is_directory(fs::status(dest, ec))) throw Error(what + ": it is a folder");
    if (options.input_width < 1 || options.input_height < 1) throw Error(what + ": invalid input size");
    if (!(options.tolerance >= 0)) throw Error(what + ": invalid tolerance");
    for (double s : options.stddev)
        if (!(s > 0)) throw Error(what + ": the normalisation std must be positive");

    // Between stages: progress, and a cancel that throws before the file is moved into place.
    const long long kStages = 5;
    auto stage = [&](long long step, const char* text) {
        if (!options.context) return;
        options.context->report({"export", step, kStages, std::nan(""), text});
        if (options.context->stop_before_next_item()) throw Cancelled();  // one item: either stop ends it
    };
    stage(0, "writing the graph");
    const std::string arch = architecture_name(model);
    EvalModeGuard eval(model);
    torch::NoGradGuard no_grad;

    // --- the graph ---
    onnx::ModelProto proto;
    proto.set_ir_version(kOnnxIrVersion);
    auto* opset = proto.add_opset_import();
    opset->set_domain("");
    opset->set_version(kOnnxOpset);
    proto.set_producer_name("tintbench");
    proto.set_producer_version(TINT_VERSION);
    proto.set_model_version(1);
    proto.set_doc_string("TINT Workbench student classifier (" + arch + ")");
    auto* graph = proto.mutable_graph();
    graph->set_name("tintbench_" + arch);

    GraphWriter writer(model, *graph, options);
    Value out = writer.student(model, Value{"input", 3, options.input_height, options.input_width});
    const std::int64_t num_classes = out.c;
    if (out.h != 0 || num_classes < 1) throw Error(what + ": the network does not end in a classifier");
    if (out.scale != 1.0) throw Error(what + ": internal: the logits are left scaled");
    if (options.class_names.size() != static_cast<std::size_t>(num_classes))
        throw Error(what + ": " + std::to_string(options.class_names.size()) + " class names for a model with " +
                    std::to_string(num_classes) + " outputs");
    // The last node writes "logits" directly: an Identity would be one more op for importers.
    graph->mutable_node(graph->node_size() - 1)->set_output(0, "logits");
    graph->mutable_node(graph->node_size() - 1)->set_name("logits");
    set_tensor_type(*graph->add_input(), "input", {-1, 3, options.input_height, options.input_width});
    set_tensor_type(*graph->add_output(), "logits", {-1, num_classes});

    if (options.test_perturb_classifier_bias != 0.0f) {
        for (auto& t : *graph->mutable_initializer()) {
            if (t.name() != writer.classifier_bias()) continue;
            float v;
            std::memcpy(&v, t.raw_data().data(), sizeof v);
            v += options.test_perturb_classifier_bias;
            std::memcpy(&(*t.mutable_raw_data())[0], &v, sizeof v);
        }
    }

    auto meta = [&](const std::string& key, const std::string& value) {
        auto* p = proto.add_metadata_props();
        p->set_key(key);
        p->set_value(value);
    };
    meta("class_names", nlohmann::json(options.class_names).dump());
    meta("num_classes", std::to_string(num_classes));
    meta("input_size", nlohmann::json{{"width", options.input_width}, {"height", options.input_height}}.dump());
    meta("mean", nlohmann::json(options.mean).dump());
    meta("std", nlohmann::json(options.stddev).dump());
    meta("channel_order", "RGB");
    meta("normalization", "(pixel / 255 - mean) / std, per channel");
    meta("architecture", options.architecture.empty() ? arch : options.architecture);
    meta("training_summary", options.training_summary);

    std::string bytes;
    if (!proto.SerializeToString(&bytes)) throw Error(what + ": the model does not serialise (over 2 GB?)");

    // --- write beside the destination, verify the written file, then publish it ---
    TempFile tmp{temp_path_beside(dest)};
    try {
        write_file_atomic(tmp.path, bytes);
    } catch (const Error& e) {
        throw Error(what + ": " + e.what());
    }

    OnnxExportResult result;
    result.path       = path;
    result.opset      = kOnnxOpset;
    result.ir_version = kOnnxIrVersion;
    result.node_count = graph->node_size();

    stage(1, "checking the graph");
    onnx::ModelProto written;
    {
        auto file = read_file_bytes(tmp.path);
        if (!written.ParseFromArray(file.data(), static_cast<int>(file.size())))
            throw Error(what + ": the written file does not parse as ONNX");
    }
    try {
        onnx::checker::check_model(written);
        // Strict shape inference also catches shape errors the checker does not look at.
        onnx::ModelProto inferred = written;
        onnx::shape_inference::InferShapes(inferred, onnx::OpSchemaRegistry::Instance(),
                                           onnx::ShapeInferenceOptions(/*check_type=*/true, /*strict_mode=*/1));
    } catch (const std::exception& e) {
        throw Error(what + ": the ONNX checker rejects the graph: " + e.what());
    }
    result.checker_ok = true;

    stage(2, "running the student");
    torch::Tensor batch = sample_batch(options);
    torch::Tensor expected;
    {
        auto dev = model.parameters().empty() ? torch::Device(torch::kCPU) : model.parameters().front().device();
        expected = model.forward(batch.to(dev)).to(torch::kCPU, torch::kFloat32);
    }
    stage(3, "running the file in OpenCV");
    cv::dnn::Net net;
    try {
        net = cv::dnn::readNetFromONNX(tmp.path);
        net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    } catch (const cv::Exception& e) {
        throw Error(what + ": OpenCV dnn cannot load the exported graph: " + e.what());
    }
    Mismatch m;
    try {
        m = compare(net, batch, expected);
    } catch (const cv::Exception& e) {
        throw Error(what + ": OpenCV dnn cannot run the exported graph: " + e.what());
    } catch (const Error& e) {
        throw Error(what + ": " + e.what());
    }
    if (!(m.max_abs <= options.tolerance))
        throw Error(what + ": the self-check failed: OpenCV dnn and LibTorch differ by " + num(m.max_abs) +
                    " (max abs, tolerance " + num(options.tolerance) + ") at " + m.where +
                    "; the destination was left as it was");
    result.max_abs_diff   = m.max_abs;
    result.images_checked = static_cast<int>(batch.size(0));

    stage(4, "moving the file into place");
    if (::rename(tmp.path.c_str(), path.c_str()) != 0)
        throw Error(what + ": cannot move the verified file into place: " + system_error_text(errno));
    tmp.keep = true;
    fsync_dir(folder);
    result.file_size = static_cast<std::int64_t>(fs::file_size(dest, ec));
    if (options.context) options.context->report({"export", kStages, kStages, std::nan(""), {}});
    return result;
}

}  // namespace tint::exporter
