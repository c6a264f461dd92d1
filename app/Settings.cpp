#include "Settings.h"

#include <QDir>
#include <QSettings>

namespace {
const int kMaxRecent = 8;
}

int Settings::threads() const { return QSettings().value(QStringLiteral("compute/threads"), 0).toInt(); }
void Settings::setThreads(int n) { QSettings().setValue(QStringLiteral("compute/threads"), n); }

QStringList Settings::recentProjects() const {
    return QSettings().value(QStringLiteral("projects/recent")).toStringList();
}

void Settings::addRecentProject(const QString& path) {
    QString clean    = QDir::cleanPath(path);
    QStringList list = recentProjects();
    list.removeAll(clean);
    list.prepend(clean);
    while (list.size() > kMaxRecent) list.removeLast();
    QSettings().setValue(QStringLiteral("projects/recent"), list);
}

void Settings::removeRecentProject(const QString& path) {
    QStringList list = recentProjects();
    list.removeAll(QDir::cleanPath(path));
    QSettings().setValue(QStringLiteral("projects/recent"), list);
}

QString Settings::lastProject() const { return QSettings().value(QStringLiteral("projects/last")).toString(); }
void Settings::setLastProject(const QString& path) { QSettings().setValue(QStringLiteral("projects/last"), path); }
