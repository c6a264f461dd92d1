#include "ProjectController.h"

#include <algorithm>

#include "tint/Error.h"
#include "tint/Log.h"

ProjectController::ProjectController(QObject* parent) : QObject(parent) {}
ProjectController::~ProjectController() = default;

template <class F>
bool ProjectController::guarded(QString* error, F&& f) {
    try {
        f();
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        tint::log::error("tint.ui", e.what());
        return false;
    }
}

QString ProjectController::rootPath() const {
    return m_project ? QString::fromStdString(m_project->root()) : QString();
}

QString ProjectController::displayName() const {
    return m_project ? QString::fromStdString(m_project->data().name) : QString();
}

int ProjectController::classCount() const { return m_project ? int(m_project->data().classes.size()) : 0; }

const tint::ClassEntry* ProjectController::classAt(int index) const {
    if (!m_project || index < 0 || index >= classCount()) return nullptr;
    return &m_project->data().classes[index];
}

QString ProjectController::absolutePath(const QString& relative) const {
    return m_project ? QString::fromStdString(m_project->absolute(relative.toStdString())) : QString();
}

bool ProjectController::open(const QString& path, QString* error) {
    std::unique_ptr<tint::Project> p;
    if (!guarded(error, [&] { p = std::make_unique<tint::Project>(tint::Project::open(path.toStdString())); }))
        return false;
    m_project = std::move(p);
    Q_EMIT projectOpened();
    return true;
}

bool ProjectController::create(const QString& path, const QString& name, QString* error) {
    std::unique_ptr<tint::Project> p;
    if (!guarded(error, [&] {
            p = std::make_unique<tint::Project>(tint::Project::create(path.toStdString(), name.toStdString()));
        }))
        return false;
    m_project = std::move(p);
    Q_EMIT projectOpened();
    return true;
}

void ProjectController::adopt(tint::Project project) {
    m_project = std::make_unique<tint::Project>(std::move(project));
    Q_EMIT projectOpened();
}

void ProjectController::close() {
    if (!m_project) return;
    m_project.reset();
    Q_EMIT projectClosed();
}

bool ProjectController::addClass(const QString& name, QString* error) {
    if (!m_project) return false;
    if (!guarded(error, [&] { m_project->add_class(name.toStdString()); })) return false;
    Q_EMIT classesChanged();
    return true;
}

bool ProjectController::renameClass(int index, const QString& name, QString* error) {
    if (!m_project) return false;
    if (!guarded(error, [&] { m_project->rename_class(index, name.toStdString()); })) return false;
    Q_EMIT classesChanged();
    return true;
}

bool ProjectController::removeClass(int index, QString* error) {
    if (!m_project) return false;
    if (!guarded(error, [&] { m_project->remove_class(index); })) return false;
    Q_EMIT classesChanged();
    return true;
}

QStringList ProjectController::classesWithoutSupports() const {
    QStringList names;
    for (int i = 0; i < classCount(); ++i)
        if (classAt(i)->supports.empty()) names << QString::fromStdString(classAt(i)->name);
    return names;
}

bool ProjectController::canFitTeacherHead() const {
    return isOpen() && classCount() >= 2 && classesWithoutSupports().isEmpty();
}

bool ProjectController::removeSupports(int classIndex, QList<int> imageIndexes, QString* error) {
    if (!m_project) return false;
    std::sort(imageIndexes.begin(), imageIndexes.end(), std::greater<int>());
    imageIndexes.erase(std::unique(imageIndexes.begin(), imageIndexes.end()), imageIndexes.end());
    bool ok = guarded(error, [&] {
        for (int i : imageIndexes) m_project->remove_support(classIndex, i);
    });
    Q_EMIT supportsChanged(classIndex);
    Q_EMIT classesChanged();
    return ok;
}

int ProjectController::addStaged(const std::vector<tint::StagedImage>& staged, QString* error) {
    if (!m_project) return 0;
    int added = 0;
    if (!guarded(error, [&] { added = m_project->add_staged(staged); })) return 0;
    if (added > 0) {
        Q_EMIT classesChanged();
        for (int i = 0; i < classCount(); ++i) Q_EMIT supportsChanged(i);
    }
    return added;
}

bool ProjectController::setModels(const tint::ModelSettings& models, QString* error) {
    if (!m_project) return false;
    if (!guarded(error, [&] { m_project->set_models(models); })) return false;
    Q_EMIT modelsChanged();
    return true;
}

bool ProjectController::setWorkflowSettings(const QString& tintJson, const QString& distillJson, QString* error) {
    if (!m_project) return false;
    const auto& d = m_project->data();
    if (d.tint_settings == tintJson.toStdString() && d.distill_settings == distillJson.toStdString()) return true;
    return guarded(error, [&] { m_project->set_workflow_settings(tintJson.toStdString(), distillJson.toStdString()); });
}

bool ProjectController::save(QString* error) {
    if (!m_project) return false;
    return guarded(error, [&] { m_project->save(); });
}
