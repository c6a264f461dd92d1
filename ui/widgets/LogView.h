#pragma once
// The log dock's contents: messages from every thread, newest at the bottom.
#include <QWidget>

class QPlainTextEdit;
class QComboBox;

class LogView : public QWidget {
    Q_OBJECT
public:
    explicit LogView(QWidget* parent = nullptr);
    int lineCount() const;

public Q_SLOTS:
    /// level: 0 trace .. 4 error (tint::log::Level).
    void appendMessage(int level, const QString& logger, const QString& text);
    void clear();

private:
    QPlainTextEdit* m_text;
    QComboBox* m_level;
};
