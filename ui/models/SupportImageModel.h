#pragma once
// The support images of one class, shown as thumbnails. Thumbnails are made off the GUI thread:
// the model asks for them with thumbnailsWanted() and receives them through setThumbnail().
#include <QAbstractListModel>
#include <QHash>
#include <QImage>
#include <QSet>

class ProjectController;

class SupportImageModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Roles { FilePathRole = Qt::UserRole + 1, SizeRole };
    explicit SupportImageModel(ProjectController* project, QObject* parent = nullptr);

    void setClassIndex(int classIndex);
    int classIndex() const { return m_class; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

public Q_SLOTS:
    void setThumbnail(const QString& absolutePath, const QImage& image);
    /// The request for these paths ended (done, stopped, cancelled or failed): the ones that got no
    /// thumbnail are asked for again the next time their class is shown.
    void requestsEnded(const QStringList& absolutePaths);

Q_SIGNALS:
    void thumbnailsWanted(const QStringList& absolutePaths);

private:
    void reload();
    void requestMissing();
    ProjectController* m_project;
    int m_class = -1;
    QStringList m_paths;  // absolute paths of the shown class's images
    QHash<QString, QImage> m_thumbs;
    QSet<QString> m_requested;
};
