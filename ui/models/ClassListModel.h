#pragma once
// The classes of the open project, with their support counts.
#include <QAbstractListModel>

class ProjectController;

class ClassListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Roles { SupportCountRole = Qt::UserRole + 1, FolderRole };
    explicit ClassListModel(ProjectController* project, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

Q_SIGNALS:
    void renameFailed(const QString& message);

private:
    void reload();
    ProjectController* m_project;
    int m_rows = 0;
};
