#pragma once
// Settings > Preferences: compute threads, device, precision and the model folders.
#include <QDialog>

class QComboBox;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QLabel;

struct WorkbenchSettings {
    int threads = 0;  ///< 0: one per core
    QString device    = QStringLiteral("cpu");
    QString precision = QStringLiteral("fp32");
    QString generatorDir;
    QString teacherDir;
};

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    SettingsDialog(const WorkbenchSettings& current, bool cudaAvailable, QWidget* parent = nullptr);
    WorkbenchSettings settings() const;

private:
    void validate();
    QSpinBox* m_threads;
    QComboBox* m_device;
    QComboBox* m_precision;
    QLineEdit* m_generator;
    QLineEdit* m_teacher;
    QLabel* m_generatorStatus;
    QLabel* m_teacherStatus;
    QPushButton* m_ok = nullptr;
};
