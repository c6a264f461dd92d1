<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en_US">
<context>
    <name>Application</name>
    <message numerus="yes">
        <location filename="../app/Application.cpp" line="257" />
        <source>Imported %n image(s).</source>
        <translation><numerusform>Imported %n image.</numerusform><numerusform>Imported %n images.</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../app/Application.cpp" line="262" />
        <source>%n file(s) could not be imported.</source>
        <translation><numerusform>%n file could not be imported.</numerusform><numerusform>%n files could not be imported.</numerusform></translation>
    </message>
</context>
<context>
    <name>ClassListModel</name>
    <message numerus="yes">
        <location filename="../ui/models/ClassListModel.cpp" line="27" />
        <source>%1 (%n image(s))</source>
        <translation><numerusform>%1 (%n image)</numerusform><numerusform>%1 (%n images)</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/models/ClassListModel.cpp" line="30" />
        <source>Class "%1": %n support image(s)</source>
        <translation><numerusform>Class "%1": %n support image</numerusform><numerusform>Class "%1": %n support images</numerusform></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <location filename="../ui/MainWindow.cpp" line="262" />
        <source>%n more queued</source>
        <translation><numerusform>%n more queued</numerusform><numerusform>%n more queued</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/MainWindow.cpp" line="290" />
        <source>%n device(s)</source>
        <translation><numerusform>%n device</numerusform><numerusform>%n devices</numerusform></translation>
    </message>
</context>
<context>
    <name>SupportPane</name>
    <message numerus="yes">
        <location filename="../ui/panes/SupportPane.cpp" line="128" />
        <source>&lt;b&gt;%1&lt;/b&gt;: %n support image(s). Most work needs 1 to 10 per class.</source>
        <translation><numerusform>&lt;b&gt;%1&lt;/b&gt;: %n support image. Most work needs 1 to 10 per class.</numerusform><numerusform>&lt;b&gt;%1&lt;/b&gt;: %n support images. Most work needs 1 to 10 per class.</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SupportPane.cpp" line="159" />
        <source>Delete the class "%1" with its %n support image(s)? This cannot be undone.</source>
        <translation><numerusform>Delete the class "%1" with its %n support image? This cannot be undone.</numerusform><numerusform>Delete the class "%1" with its %n support images? This cannot be undone.</numerusform></translation>
    </message>
</context>
<context>
    <name>SyntheticPane</name>
    <message numerus="yes">
        <location filename="../ui/panes/SyntheticPane.cpp" line="58" />
        <source>%n image(s)</source>
        <translation><numerusform>%n image</numerusform><numerusform>%n images</numerusform></translation>
    </message>
</context>
</TS>