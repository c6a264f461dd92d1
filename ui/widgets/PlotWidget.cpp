#include "PlotWidget.h"

#include <QVBoxLayout>

#include "widgets/QcpInclude.h"

PlotWidget::PlotWidget(const QString& title, const QString& xLabel, const QString& yLabel, QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)) {
    m_plot->plotLayout()->insertRow(0);
    m_title = new QCPTextElement(m_plot, title, QFont(font().family(), font().pointSize() + 1, QFont::Bold));
    m_plot->plotLayout()->addElement(0, 0, m_title);
    m_plot->xAxis->setLabel(xLabel);
    m_plot->yAxis->setLabel(yLabel);
    m_plot->legend->setVisible(false);  // shown, under the axes, once there are two curves
    m_plot->setMinimumHeight(180);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setNoAntialiasingOnDrag(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
}

int PlotWidget::addSeries(const QString& name, const QColor& color) {
    QCPGraph* g = m_plot->addGraph();
    g->setName(name);
    g->setPen(QPen(color, 1.5));
    m_graphs << g;
    if (m_graphs.size() == 2) {
        // A row of its own under the axes, one entry beside the other: inside the axes it hid the
        // curves it names. Added only now, so that a plot of one curve keeps no empty row for it.
        m_plot->plotLayout()->addElement(2, 0, m_plot->legend);
        m_plot->plotLayout()->setRowStretchFactor(2, 0.001);
        m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
        m_plot->legend->setBorderPen(Qt::NoPen);
        m_plot->legend->setMargins(QMargins(0, 0, 0, 2));
        m_plot->legend->setVisible(true);
    }
    return int(m_graphs.size()) - 1;
}

void PlotWidget::append(int series, double x, double y) {
    if (series < 0 || series >= m_graphs.size()) return;
    m_graphs[series]->addData(x, y);
    rescale();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void PlotWidget::clear() {
    for (QCPGraph* g : m_graphs) g->data()->clear();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int PlotWidget::pointCount(int series) const {
    return series >= 0 && series < m_graphs.size() ? m_graphs[series]->dataCount() : 0;
}

void PlotWidget::setYRange(double lo, double hi) {
    m_fixedY = true;
    m_plot->yAxis->setRange(lo, hi);
}

void PlotWidget::rescale() {
    bool first = true;
    for (QCPGraph* g : m_graphs) {
        if (g->dataCount() == 0) continue;
        g->rescaleKeyAxis(!first);
        if (!m_fixedY) g->rescaleValueAxis(!first, true);
        first = false;
    }
}

void PlotWidget::setTitle(const QString& title) {
    m_title->setText(title);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString PlotWidget::title() const { return m_title->text(); }
