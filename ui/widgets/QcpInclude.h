#pragma once
// The one place qcustomplot.h is included: QCustomPlot 2.1.0 uses bare `signals:` and `foreach`,
// which QT_NO_KEYWORDS (needed beside LibTorch) switches off.
#define signals Q_SIGNALS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef foreach
#undef signals
