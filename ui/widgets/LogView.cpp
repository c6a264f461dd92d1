#include "LogView.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

LogView::LogView(QWidget* parent) : QWidget(parent) {
    m_text = new QPlainTextEdit(this);
    m_text->setReadOnly(true);
    m_text->setMaximumBlockCount(5000);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFont(QStringLiteral("monospace")));
    m_level = new QComboBox(this);
    m_level->addItem(tr("Debug and above"), 1);
    m_level->addItem(tr("Info and above"), 2);
    m_level->addItem(tr("Warnings and errors"), 3);
    m_level->setCurrentIndex(1);
    auto* clearButton = new QPushButton(tr("Clear"), this);
    connect(clearButton, &QPushButton::clicked, this, &LogView::clear);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Show:"), this));
    bar->addWidget(m_level);
    bar->addStretch();
    bar->addWidget(clearButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(m_text);
}

int LogView::lineCount() const { return m_text->document()->blockCount() - (m_text->document()->isEmpty() ? 1 : 0); }

void LogView::appendMessage(int level, const QString& logger, const QString& text) {
    if (level < m_level->currentData().toInt()) return;
    static const char* const names[] = {"trace", "debug", "info", "warning", "error"};
    QString line = QStringLiteral("%1 %2 [%3] %4")
                       .arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")),
                            QString::fromLatin1(names[qBound(0, level, 4)]), logger, text);
    m_text->appendPlainText(line);
}

void LogView::clear() { m_text->clear(); }
