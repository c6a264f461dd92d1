#pragma once
// Persistent application settings (QSettings): threads, recent projects, last project.
#include <QStringList>

class Settings {
public:
    int threads() const;
    void setThreads(int n);
    QStringList recentProjects() const;
    void addRecentProject(const QString& path);
    void removeRecentProject(const QString& path);
    QString lastProject() const;
    void setLastProject(const QString& path);
};
