#include "SettingsDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include "tint/Workflow.h"

namespace {
QWidget* withBrowse(QLineEdit* edit, QWidget* parent, const QString& caption) {
    auto* w      = new QWidget(parent);
    auto* layout = new QHBoxLayout(w);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* browse = new QPushButton(QObject::tr("Browse…"), w);
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    QObject::connect(browse, &QPushButton::clicked, w, [edit, w, caption] {
        QString dir = QFileDialog::getExistingDirectory(w, caption, edit->text());
        if (!dir.isEmpty()) edit->setText(dir);
    });
    return w;
}
}  // namespace

SettingsDialog::SettingsDialog(const WorkbenchSettings& s, bool cudaAvailable, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Preferences"));
    m_threads = new QSpinBox(this);
    m_threads->setRange(0, 256);
    m_threads->setSpecialValueText(tr("one per core"));
    m_threads->setValue(s.threads);
    m_device = new QComboBox(this);
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    if (cudaAvailable) m_device->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
    m_device->setCurrentIndex(qMax(0, m_device->findData(s.device)));
    m_precision = new QComboBox(this);
    m_precision->addItem(tr("32-bit float (exact)"), QStringLiteral("fp32"));
    m_precision->addItem(tr("16-bit float (GPU only)"), QStringLiteral("fp16"));
    m_precision->addItem(tr("bfloat16 (GPU only)"), QStringLiteral("bf16"));
    m_precision->setCurrentIndex(qMax(0, m_precision->findData(s.precision)));
    m_generator       = new QLineEdit(s.generatorDir, this);
    m_teacher         = new QLineEdit(s.teacherDir, this);
    m_generatorStatus = new QLabel(this);
    m_teacherStatus   = new QLabel(this);
    m_generatorStatus->setWordWrap(true);
    m_teacherStatus->setWordWrap(true);

    auto* form = new QFormLayout;
    form->addRow(tr("Compute threads:"), m_threads);
    form->addRow(tr("Device for Stable Diffusion:"), m_device);
    m_device->setToolTip(tr("Inversion and TINT sampling run on this device; the teacher and the student's training use "
                            "the CPU."));
    form->addRow(tr("Precision:"), m_precision);
    form->addRow(tr("Stable Diffusion folder:"), withBrowse(m_generator, this, tr("Choose a diffusers folder")));
    form->addRow(QString(), m_generatorStatus);
    form->addRow(tr("Teacher folder:"), withBrowse(m_teacher, this, tr("Choose a teacher model folder")));
    form->addRow(QString(), m_teacherStatus);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    connect(m_generator, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    connect(m_teacher, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    connect(m_device, qOverload<int>(&QComboBox::currentIndexChanged), this, &SettingsDialog::validate);
    validate();
    resize(640, sizeHint().height());
}

void SettingsDialog::validate() {
    // Shows what a folder is, or why it cannot be used; true when it can (or is left empty).
    auto show = [](QLabel* label, const tint::FolderCheck& c) {
        label->setText(c.ok ? tr("Found: %1").arg(QString::fromStdString(c.text).toHtmlEscaped())
                            : QStringLiteral("<span style='color:#b00'>%1</span>")
                                  .arg(tr("Cannot be used: %1").arg(QString::fromStdString(c.text).toHtmlEscaped())));
        return c.ok;
    };
    bool usable     = true;
    const QString g = m_generator->text().trimmed();
    if (g.isEmpty())
        m_generatorStatus->setText(tr("None: the augmentation generator is used instead of Stable Diffusion."));
    else
        usable = show(m_generatorStatus, tint::check_generator_folder(g.toStdString())) && usable;
    const QString t = m_teacher->text().trimmed();
    if (t.isEmpty())
        m_teacherStatus->setText(tr("None: the built-in ImageNet MobileNetV2 is the teacher."));
    else
        usable = show(m_teacherStatus, tint::check_teacher_folder(t.toStdString())) && usable;
    // Folders that cannot be used are not saved: OK waits until they are fixed or emptied.
    m_ok->setEnabled(usable);
    m_ok->setToolTip(usable ? QString() : tr("A chosen folder cannot be used (in red): fix it or leave it empty."));
    // Half precisions need the GPU: offered only with it (a CPU choice falls back to 32-bit).
    const bool gpu = m_device->currentData().toString() == QLatin1String("cuda");
    if (auto* items = qobject_cast<QStandardItemModel*>(m_precision->model()))
        for (int i = 1; i < items->rowCount(); ++i) items->item(i)->setEnabled(gpu);
    if (!gpu) m_precision->setCurrentIndex(0);
}

WorkbenchSettings SettingsDialog::settings() const {
    WorkbenchSettings s;
    s.threads      = m_threads->value();
    s.device       = m_device->currentData().toString();
    s.precision    = m_precision->currentData().toString();
    s.generatorDir = m_generator->text().trimmed();
    s.teacherDir   = m_teacher->text().trimmed();
    return s;
}
