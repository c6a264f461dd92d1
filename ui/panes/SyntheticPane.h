#pragma once
// Step 3: the synthetic images. Generates them (TINT sampling, or the augmentation generator when
// no diffusion model is configured), shows them in a virtualised gallery as they are made, has the
// teacher score them, and lets the user curate by keyboard with undo. Every decision is saved at once.
#include <QListView>
#include <QWidget>

class GalleryDelegate;
class GalleryFilterModel;
class ProjectController;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QUndoStack;
class SampleModel;
class ThumbnailCache;

/// The gallery view: A accepts, R rejects, Space toggles, Ctrl+Z / Ctrl+Shift+Z undo and redo.
class GalleryView : public QListView {
    Q_OBJECT
public:
    using QListView::QListView;
Q_SIGNALS:
    void statusKey(const QString& status);  ///< "accepted", "rejected" or "toggle"
    void undoKey();
    void redoKey();

protected:
    void keyPressEvent(QKeyEvent* event) override;
};

class SyntheticPane : public QWidget {
    Q_OBJECT
public:
    SyntheticPane(ProjectController* project, QWidget* parent = nullptr);

    SampleModel* model() const { return m_model; }
    GalleryFilterModel* proxy() const { return m_proxy; }
    GalleryView* view() const { return m_view; }
    QUndoStack* undoStack() const { return m_undo; }
    ThumbnailCache* thumbnails() const { return m_thumbnails; }
    QPushButton* generateButton() const { return m_generate; }
    /// While a generation job runs the Generate button stays off, whatever else refreshes the pane.
    void setGenerating(bool generating);

    /// Sets the status of the selected images ("accepted", "rejected", "new" or "toggle"); one undo step.
    void applyToSelection(const QString& status);
    /// Rejects the shown images whose teacher confidence in their own class is below `threshold`
    /// (0..1), or that the teacher puts in another class; accepted and unscored images are left as
    /// they are. One undo step; message() says what was done.
    int rejectBelowConfidence(double threshold);
    /// Rejects the shown images flagged as near-duplicates; one undo step.
    int rejectDuplicates();
    /// Undoes (redoes) the last curation step; when its decisions cannot be written the error is
    /// reported and the step stays undoable (redoable), so the history never runs ahead of the disk.
    void undo();
    void redo();
    /// Empties the gallery and the undo history (until the samples are read again).
    void clearSamples();
    QComboBox* generatorBox() const { return m_generator; }
    /// Whether a diffusion model with finished inversions is used (else the augmentation generator).
    void setGeneratorInfo(bool tintAvailable, const QString& text);
    QString generatorInfo() const;

Q_SIGNALS:
    void generateRequested(int classIndex, int perClass, bool useTint);
    void scoreRequested();
    void errorOccurred(const QString& title, const QString& message);
    /// What a bulk action did, for the status bar.
    void message(const QString& text);

private:
    struct Decision {
        int classIndex;
        QString id, before, after;
    };
    friend class StatusCommand;
    /// Writes the decisions' statuses (after, or before when !forward); false with `error` set when
    /// they could not be written (then none of them is).
    bool applyDecisions(const QList<Decision>& decisions, bool forward, QString* error);
    void pushDecisions(QList<Decision> decisions, const QString& text);
    void refreshClasses();
    void updateSummary();
    ProjectController* m_project;
    ThumbnailCache* m_thumbnails;
    SampleModel* m_model;
    GalleryFilterModel* m_proxy;
    GalleryDelegate* m_delegate;
    GalleryView* m_view;
    QUndoStack* m_undo;
    QComboBox* m_classFilter;
    QComboBox* m_statusFilter;
    QComboBox* m_sort;
    QCheckBox* m_duplicatesOnly;
    QComboBox* m_generateClass;
    QSpinBox* m_perClass;
    QComboBox* m_generator;
    QPushButton* m_generate;
    bool m_generating = false;
    QPushButton* m_score;
    QDoubleSpinBox* m_threshold;
    QLabel* m_generatorInfo;
    QLabel* m_summary;
    bool m_tintAvailable = false;
};
