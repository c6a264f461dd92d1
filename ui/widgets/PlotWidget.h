#pragma once
// A QCustomPlot set up for live training curves: named series, axes labels, queued replots.
#include <QWidget>

class QCustomPlot;
class QCPGraph;
class QCPTextElement;

class PlotWidget : public QWidget {
    Q_OBJECT
public:
    PlotWidget(const QString& title, const QString& xLabel, const QString& yLabel, QWidget* parent = nullptr);

    /// Adds a series and returns its index.
    int addSeries(const QString& name, const QColor& color);
    void append(int series, double x, double y);
    void clear();
    int pointCount(int series) const;
    QCustomPlot* plot() const { return m_plot; }
    void setYRange(double lo, double hi);
    void setTitle(const QString& title);
    QString title() const;

private:
    void rescale();
    QCustomPlot* m_plot;
    QCPTextElement* m_title = nullptr;
    QList<QCPGraph*> m_graphs;
    bool m_fixedY = false;
};
