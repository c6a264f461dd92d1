<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>Application</name>
    <message numerus="yes">
        <location filename="../app/Application.cpp" line="368"/>
        <source>Imported %n image(s).</source>
        <translation>
            <numerusform>Imported %n image.</numerusform>
            <numerusform>Imported %n images.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/Application.cpp" line="369"/>
        <source>Imported %n image(s) (%1).</source>
        <translation>
            <numerusform>Imported %n image (%1).</numerusform>
            <numerusform>Imported %n images (%1).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/Application.cpp" line="374"/>
        <source>%n file(s) could not be imported.</source>
        <translation>
            <numerusform>%n file could not be imported.</numerusform>
            <numerusform>%n files could not be imported.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ClassListModel</name>
    <message numerus="yes">
        <location filename="../ui/models/ClassListModel.cpp" line="27"/>
        <source>%1 (%n image(s))</source>
        <translation>
            <numerusform>%1 (%n image)</numerusform>
            <numerusform>%1 (%n images)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/models/ClassListModel.cpp" line="30"/>
        <source>Class &quot;%1&quot;: %n support image(s)</source>
        <translation>
            <numerusform>Class &quot;%1&quot;: %n support image</numerusform>
            <numerusform>Class &quot;%1&quot;: %n support images</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DistillPane</name>
    <message numerus="yes">
        <location filename="../ui/panes/DistillPane.cpp" line="507"/>
        <source>%n image(s) of %1 predicted as %2</source>
        <translation>
            <numerusform>%n image of %1 predicted as %2</numerusform>
            <numerusform>%n images of %1 predicted as %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>InversionPane</name>
    <message numerus="yes">
        <location filename="../ui/panes/InversionPane.cpp" line="212"/>
        <source>%n step(s)</source>
        <translation>
            <numerusform>%n step</numerusform>
            <numerusform>%n steps</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/InversionPane.cpp" line="215"/>
        <source>%n timestep(s)</source>
        <translation>
            <numerusform>%n timestep</numerusform>
            <numerusform>%n timesteps</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/InversionPane.cpp" line="239"/>
        <source>%1 of %n class(es) inverted.</source>
        <translation>
            <numerusform>%1 of %n class inverted.</numerusform>
            <numerusform>%1 of %n classes inverted.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <location filename="../ui/MainWindow.cpp" line="376"/>
        <source>%n more queued</source>
        <translation>
            <numerusform>%n more queued</numerusform>
            <numerusform>%n more queued</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/MainWindow.cpp" line="404"/>
        <source>%n device(s)</source>
        <translation>
            <numerusform>%n device</numerusform>
            <numerusform>%n devices</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SupportPane</name>
    <message numerus="yes">
        <location filename="../ui/panes/SupportPane.cpp" line="175"/>
        <source>&lt;b&gt;%1&lt;/b&gt;: %n support image(s). Most work needs 1 to 10 per class.</source>
        <translation>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;: %n support image. Most work needs 1 to 10 per class.</numerusform>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;: %n support images. Most work needs 1 to 10 per class.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SupportPane.cpp" line="217"/>
        <source>Delete the class &quot;%1&quot; with its %n support image(s)? This cannot be undone.</source>
        <translation>
            <numerusform>Delete the class &quot;%1&quot; with its %n support image? This cannot be undone.</numerusform>
            <numerusform>Delete the class &quot;%1&quot; with its %n support images? This cannot be undone.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SupportPane.cpp" line="232"/>
        <source>Remove %n support image(s) from the class &quot;%1&quot;? The project&apos;s copies are deleted; the files you imported them from are not touched.</source>
        <translation>
            <numerusform>Remove %n support image from the class &quot;%1&quot;? The project&apos;s copy is deleted; the file you imported it from is not touched.</numerusform>
            <numerusform>Remove %n support images from the class &quot;%1&quot;? The project&apos;s copies are deleted; the files you imported them from are not touched.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SyntheticPane</name>
    <message numerus="yes">
        <location filename="../ui/panes/SyntheticPane.cpp" line="305"/>
        <source>%n image(s) shown</source>
        <translation>
            <numerusform>%n image shown</numerusform>
            <numerusform>%n images shown</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SyntheticPane.cpp" line="373"/>
        <source>reject %n image(s)</source>
        <translation>
            <numerusform>reject %n image</numerusform>
            <numerusform>reject %n images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SyntheticPane.cpp" line="374"/>
        <source>accept %n image(s)</source>
        <translation>
            <numerusform>accept %n image</numerusform>
            <numerusform>accept %n images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SyntheticPane.cpp" line="408"/>
        <source>reject %n image(s) below %1 % confidence</source>
        <translation>
            <numerusform>reject %n image below %1 % confidence</numerusform>
            <numerusform>reject %n images below %1 % confidence</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SyntheticPane.cpp" line="409"/>
        <source>Rejected %n image(s) below %1 % teacher confidence in their class or of another class.</source>
        <translation>
            <numerusform>Rejected %n image below %1 % teacher confidence in its class or of another class.</numerusform>
            <numerusform>Rejected %n images below %1 % teacher confidence in their class or of another class.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SyntheticPane.cpp" line="411"/>
        <source>%n accepted image(s) kept.</source>
        <translation>
            <numerusform>%n accepted image kept.</numerusform>
            <numerusform>%n accepted images kept.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SyntheticPane.cpp" line="412"/>
        <source>%n image(s) not scored yet (Score with teacher).</source>
        <translation>
            <numerusform>%n image not scored yet (Score with teacher).</numerusform>
            <numerusform>%n images not scored yet (Score with teacher).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SyntheticPane.cpp" line="426"/>
        <source>reject %n near-duplicate(s)</source>
        <translation>
            <numerusform>reject %n near-duplicate</numerusform>
            <numerusform>reject %n near-duplicates</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WorkflowController</name>
    <message numerus="yes">
        <location filename="../app/WorkflowController.cpp" line="442"/>
        <source>%n new image(s).</source>
        <translation>
            <numerusform>%n new image.</numerusform>
            <numerusform>%n new images.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/WorkflowController.cpp" line="621"/>
        <source>Wrote %1 (%2 KB). Self-check passed: OpenCV&apos;s ONNX runtime gives the same outputs as the trained student on %n image(s), largest difference %3.</source>
        <translation>
            <numerusform>Wrote %1 (%2 KB). Self-check passed: OpenCV&apos;s ONNX runtime gives the same outputs as the trained student on %n image, largest difference %3.</numerusform>
            <numerusform>Wrote %1 (%2 KB). Self-check passed: OpenCV&apos;s ONNX runtime gives the same outputs as the trained student on %n images, largest difference %3.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/WorkflowController.cpp" line="666"/>
        <source>Wrote %n token file(s):</source>
        <translation>
            <numerusform>Wrote %n token file:</numerusform>
            <numerusform>Wrote %n token files:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/WorkflowController.cpp" line="694"/>
        <source>Wrote %n image(s) to %1, one folder per class</source>
        <translation>
            <numerusform>Wrote %n image to %1, one folder per class</numerusform>
            <numerusform>Wrote %n images to %1, one folder per class</numerusform>
        </translation>
    </message>
</context>
</TS>
