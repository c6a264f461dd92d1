<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="sv_SE">
<context>
    <name>Application</name>
    <message>
        <location filename="../app/Application.cpp" line="76"/>
        <source>Cancelled.</source>
        <translation>Avbrutet.</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="78"/>
        <source>Failed.</source>
        <translation>Misslyckades.</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="79"/>
        <source>The job failed</source>
        <translation>Jobbet misslyckades</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="90"/>
        <source>Cannot create the project</source>
        <translation>Kan inte skapa projektet</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="142"/>
        <source>Cannot open the project</source>
        <translation>Kan inte öppna projektet</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="151"/>
        <source>Demo project</source>
        <translation>Demoprojekt</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="151"/>
        <source>The bundled demo photos were not found. Set TINTBENCH_DATA_DIR to the folder that contains demo/flowers.</source>
        <translation>De medföljande demofotona hittades inte. Sätt TINTBENCH_DATA_DIR till mappen som innehåller demo/flowers.</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="160"/>
        <source>Creating the demo project</source>
        <translation>Skapar demoprojektet</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="182"/>
        <source>Making thumbnails</source>
        <translation>Skapar miniatyrer</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="213"/>
        <source>Importing images</source>
        <translation>Importerar bilder</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="221"/>
        <location filename="../app/Application.cpp" line="294"/>
        <source>Cannot save the project</source>
        <translation>Kan inte spara projektet</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="229"/>
        <source>Scanning folders</source>
        <translation>Söker igenom mappar</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="233"/>
        <source>Nothing to import</source>
        <translation>Inget att importera</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="234"/>
        <source>%1 has no sub-folders with images. Each class needs a folder of its own.</source>
        <translation>%1 har inga undermappar med bilder. Varje klass behöver en egen mapp.</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="243"/>
        <source>Cannot add the class</source>
        <translation>Kan inte lägga till klassen</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/Application.cpp" line="257"/>
        <source>Imported %n image(s).</source>
        <translation>
            <numerusform>Importerade %n bild.</numerusform>
            <numerusform>Importerade %n bilder.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/Application.cpp" line="262"/>
        <source>%n file(s) could not be imported.</source>
        <translation>
            <numerusform>%n fil kunde inte importeras.</numerusform>
            <numerusform>%n filer kunde inte importeras.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="265"/>
        <source>Some files were not imported</source>
        <translation>Några filer importerades inte</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="266"/>
        <source>The other images were imported. Details for each file:</source>
        <translation>De övriga bilderna importerades. Detaljer för varje fil:</translation>
    </message>
</context>
<context>
    <name>ClassListModel</name>
    <message numerus="yes">
        <location filename="../ui/models/ClassListModel.cpp" line="27"/>
        <source>%1 (%n image(s))</source>
        <translation>
            <numerusform>%1 (%n bild)</numerusform>
            <numerusform>%1 (%n bilder)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/models/ClassListModel.cpp" line="30"/>
        <source>Class &quot;%1&quot;: %n support image(s)</source>
        <translation>
            <numerusform>Klassen ”%1”: %n stödbild</numerusform>
            <numerusform>Klassen ”%1”: %n stödbilder</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DistillPane</name>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="26"/>
        <source>ResNet-12 (few-shot standard)</source>
        <translation>ResNet-12 (standard för few-shot)</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="27"/>
        <source>Conv-4 (smallest)</source>
        <translation>Conv-4 (minst)</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="28"/>
        <source>ResNet-18</source>
        <translation>ResNet-18</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="29"/>
        <source>MobileNetV2</source>
        <translation>MobileNetV2</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="46"/>
        <source>Student:</source>
        <translation>Elevmodell:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="47"/>
        <source>Epochs:</source>
        <translation>Epoker:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="48"/>
        <source>Learning rate:</source>
        <translation>Inlärningstakt:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="49"/>
        <source>Temperature T:</source>
        <translation>Temperatur T:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="50"/>
        <source>Cross-entropy weight α:</source>
        <translation>Vikt för korsentropi α:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="51"/>
        <source>&amp;Start training</source>
        <translation>&amp;Starta träningen</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="52"/>
        <source>Stop</source>
        <translation>Stoppa</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="59"/>
        <source>Student and training</source>
        <translation>Elevmodell och träning</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="66"/>
        <source>Distillation loss</source>
        <translation>Destillationsförlust</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="66"/>
        <source>step</source>
        <translation>steg</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="66"/>
        <source>loss</source>
        <translation>förlust</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="67"/>
        <source>training loss</source>
        <translation>träningsförlust</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="68"/>
        <source>Accuracy per epoch</source>
        <translation>Träffsäkerhet per epok</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="68"/>
        <source>epoch</source>
        <translation>epok</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="68"/>
        <source>accuracy (%)</source>
        <translation>träffsäkerhet (%)</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="69"/>
        <source>validation accuracy</source>
        <translation>valideringsträffsäkerhet</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="70"/>
        <source>agreement with teacher</source>
        <translation>överensstämmelse med läraren</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="73"/>
        <source>Confusion matrix (rows: true class)</source>
        <translation>Förväxlingsmatris (rader: sann klass)</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="80"/>
        <source>Run</source>
        <translation>Körning</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="80"/>
        <source>Student</source>
        <translation>Elevmodell</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="80"/>
        <source>Accuracy</source>
        <translation>Träffsäkerhet</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="80"/>
        <source>Started</source>
        <translation>Startad</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="81"/>
        <source>Runs</source>
        <translation>Körningar</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="122"/>
        <source>Training needs curated images and a teacher; the trainer is not available in this version yet.</source>
        <translation>Träningen behöver granskade bilder och en lärarmodell; tränaren finns inte i den här versionen ännu.</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="124"/>
        <source>Open a project first.</source>
        <translation>Öppna ett projekt först.</translation>
    </message>
</context>
<context>
    <name>InversionPane</name>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="21"/>
        <source>&amp;Run inversion</source>
        <translation>&amp;Kör inversion</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="22"/>
        <source>Stop</source>
        <translation>Stoppa</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="24"/>
        <source>Models…</source>
        <translation>Modeller…</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="28"/>
        <source>Class:</source>
        <translation>Klass:</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="35"/>
        <source>Textual inversion loss</source>
        <translation>Förlust för textuell inversion</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="35"/>
        <source>step</source>
        <translation>steg</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="35"/>
        <source>loss (MSE on noise)</source>
        <translation>förlust (MSE på bruset)</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="36"/>
        <source>loss</source>
        <translation>förlust</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="37"/>
        <source>smoothed</source>
        <translation>utjämnad</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="39"/>
        <source>Learned token: nearest words</source>
        <translation>Inlärd token: närmaste ord</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="44"/>
        <source>Null-text inversion: reconstruction of each support image</source>
        <translation>Nolltextinversion: rekonstruktion av varje stödbild</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="47"/>
        <source>Support image</source>
        <translation>Stödbild</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="47"/>
        <source>Reconstruction</source>
        <translation>Rekonstruktion</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="47"/>
        <source>PSNR (dB)</source>
        <translation>PSNR (dB)</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="47"/>
        <source>Plain DDIM inversion PSNR (dB)</source>
        <translation>PSNR med enbart DDIM-inversion (dB)</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="88"/>
        <source>Open a project first.</source>
        <translation>Öppna ett projekt först.</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="90"/>
        <source>No Stable Diffusion model is configured. Inversion needs a diffusers folder (Stable Diffusion 1.5 or 2.1-base); choose it under Models…. Without one, the augmentation generator makes the training images.</source>
        <translation>Ingen Stable Diffusion-modell är vald. Inversionen behöver en diffusers-mapp (Stable Diffusion 1.5 eller 2.1-base); välj den under Modeller…. Utan en sådan skapar augmenteringsgeneratorn träningsbilderna.</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="94"/>
        <source>Generator: %1. The inversion engine is not available in this version yet.</source>
        <translation>Generator: %1. Inversionsmotorn finns inte i den här versionen ännu.</translation>
    </message>
</context>
<context>
    <name>LogView</name>
    <message>
        <location filename="../ui/widgets/LogView.cpp" line="18"/>
        <source>Debug and above</source>
        <translation>Felsökning och uppåt</translation>
    </message>
    <message>
        <location filename="../ui/widgets/LogView.cpp" line="19"/>
        <source>Info and above</source>
        <translation>Information och uppåt</translation>
    </message>
    <message>
        <location filename="../ui/widgets/LogView.cpp" line="20"/>
        <source>Warnings and errors</source>
        <translation>Varningar och fel</translation>
    </message>
    <message>
        <location filename="../ui/widgets/LogView.cpp" line="22"/>
        <source>Clear</source>
        <translation>Rensa</translation>
    </message>
    <message>
        <location filename="../ui/widgets/LogView.cpp" line="25"/>
        <source>Show:</source>
        <translation>Visa:</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../ui/MainWindow.cpp" line="48"/>
        <source>1  Support set</source>
        <translation>1  Stödbilder</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="49"/>
        <source>2  Inversion</source>
        <translation>2  Inversion</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="50"/>
        <source>3  Synthetic images</source>
        <translation>3  Syntetiska bilder</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="51"/>
        <source>4  Distillation</source>
        <translation>4  Destillation</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="56"/>
        <source>Log</source>
        <translation>Logg</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="74"/>
        <source>&amp;File</source>
        <translation>&amp;Arkiv</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="75"/>
        <source>&amp;New Project…</source>
        <translation>&amp;Nytt projekt…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="76"/>
        <source>&amp;Open Project…</source>
        <translation>&amp;Öppna projekt…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="77"/>
        <source>Open &amp;Recent</source>
        <translation>Öppna &amp;senaste</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="78"/>
        <source>Open the &amp;Demo Project</source>
        <translation>Öppna &amp;demoprojektet</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="79"/>
        <source>&amp;Save</source>
        <translation>&amp;Spara</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="82"/>
        <source>Saved. Every change is also saved as it is made.</source>
        <translation>Sparat. Varje ändring sparas också direkt när den görs.</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="84"/>
        <source>Cannot save the project</source>
        <translation>Kan inte spara projektet</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="88"/>
        <source>&amp;Import Images…</source>
        <translation>&amp;Importera bilder…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="88"/>
        <source>Ctrl+I</source>
        <translation>Ctrl+I</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="89"/>
        <source>Import &amp;Folder per Class…</source>
        <translation>Importera &amp;mapp per klass…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="90"/>
        <source>&amp;Export</source>
        <translation>&amp;Exportera</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="92"/>
        <source>Available once a student has been trained.</source>
        <translation>Tillgängligt när en elevmodell har tränats.</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="93"/>
        <source>Student to &amp;ONNX…</source>
        <translation>Elevmodell till &amp;ONNX…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="93"/>
        <source>&amp;Tokens as Embeddings…</source>
        <translation>&amp;Token som inbäddningar…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="94"/>
        <source>&amp;Curated Dataset as Folder per Class…</source>
        <translation>&amp;Granskad datamängd som mapp per klass…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="94"/>
        <source>Model &amp;Card…</source>
        <translation>Modell&amp;kort…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="102"/>
        <source>&amp;Quit</source>
        <translation>&amp;Avsluta</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="104"/>
        <source>&amp;Settings</source>
        <translation>&amp;Inställningar</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="105"/>
        <source>&amp;Preferences…</source>
        <translation>&amp;Inställningar…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="107"/>
        <source>&amp;Help</source>
        <translation>&amp;Hjälp</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="108"/>
        <source>&amp;Models: What to Download…</source>
        <translation>&amp;Modeller: vad som ska laddas ner…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="109"/>
        <source>&amp;About TINT Workbench</source>
        <translation>&amp;Om TINT Workbench</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="120"/>
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="121"/>
        <source>Stop the running job now. Hold for more choices.</source>
        <translation>Stoppa det pågående jobbet nu. Håll in för fler val.</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="124"/>
        <source>Cancel now</source>
        <translation>Avbryt nu</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="125"/>
        <source>Stop after the current item</source>
        <translation>Stoppa efter aktuellt objekt</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="138"/>
        <source>%1 — TINT Workbench</source>
        <translation>%1 — TINT Workbench</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="140"/>
        <source>TINT Workbench</source>
        <translation>TINT Workbench</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="152"/>
        <source>New project</source>
        <translation>Nytt projekt</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="152"/>
        <source>TINT projects (*.tintproj)</source>
        <translation>TINT-projekt (*.tintproj)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="159"/>
        <source>Open a project folder (*.tintproj)</source>
        <translation>Öppna en projektmapp (*.tintproj)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="164"/>
        <location filename="../ui/MainWindow.cpp" line="172"/>
        <location filename="../ui/MainWindow.cpp" line="178"/>
        <source>No project</source>
        <translation>Inget projekt</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="164"/>
        <location filename="../ui/MainWindow.cpp" line="172"/>
        <location filename="../ui/MainWindow.cpp" line="178"/>
        <source>Open or create a project first.</source>
        <translation>Öppna eller skapa ett projekt först.</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="166"/>
        <source>Import images</source>
        <translation>Importera bilder</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="167"/>
        <source>Images (*.jpg *.jpeg *.png *.bmp *.webp *.tif *.tiff *.gif *.ppm *.pgm);;All files (*)</source>
        <translation>Bilder (*.jpg *.jpeg *.png *.bmp *.webp *.tif *.tiff *.gif *.ppm *.pgm);;Alla filer (*)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="173"/>
        <source>Folder with one sub-folder per class</source>
        <translation>Mapp med en undermapp per klass</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="190"/>
        <source>New class</source>
        <translation>Ny klass</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="191"/>
        <source>The images need a class. Name of the new class:</source>
        <translation>Bilderna behöver en klass. Namn på den nya klassen:</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="195"/>
        <source>Cannot add the class</source>
        <translation>Kan inte lägga till klassen</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="218"/>
        <source>A job is running</source>
        <translation>Ett jobb pågår</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="219"/>
        <source>A job is still running. Cancel it and quit? Finished work is kept.</source>
        <translation>Ett jobb pågår fortfarande. Avbryta det och avsluta? Färdigt arbete sparas.</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="247"/>
        <source>about %1 left</source>
        <translation>ungefär %1 kvar</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/MainWindow.cpp" line="262"/>
        <source>%n more queued</source>
        <translation>
            <numerusform>%n till i kö</numerusform>
            <numerusform>%n till i kö</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="280"/>
        <source>About TINT Workbench</source>
        <translation>Om TINT Workbench</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="281"/>
        <source>&lt;h3&gt;TINT Workbench %1&lt;/h3&gt;&lt;p&gt;Turns a handful of labelled photos into a tiny, fast image classifier: Stable Diffusion is inverted on your images (textual and null-text inversion, the TINT method of Landolsi and Kahl), new training images are synthesised, and a large teacher is distilled into a small student.&lt;/p&gt;&lt;p&gt;Qt %2&lt;br&gt;LibTorch %3&lt;br&gt;OpenCV %4&lt;br&gt;spdlog %5&lt;br&gt;CUDA: %6&lt;br&gt;Compute threads: %7&lt;/p&gt;&lt;p&gt;Demo photos: TensorFlow flowers, CC BY 2.0 (see ATTRIBUTION.txt in the demo project).&lt;/p&gt;</source>
        <translation>&lt;h3&gt;TINT Workbench %1&lt;/h3&gt;&lt;p&gt;Gör en handfull märkta foton till en liten, snabb bildklassificerare: Stable Diffusion inverteras på dina bilder (textuell inversion och nolltextinversion, TINT-metoden av Landolsi och Kahl), nya träningsbilder syntetiseras och en stor lärarmodell destilleras till en liten elevmodell.&lt;/p&gt;&lt;p&gt;Qt %2&lt;br&gt;LibTorch %3&lt;br&gt;OpenCV %4&lt;br&gt;spdlog %5&lt;br&gt;CUDA: %6&lt;br&gt;Beräkningstrådar: %7&lt;/p&gt;&lt;p&gt;Demofoton: TensorFlow flowers, CC BY 2.0 (se ATTRIBUTION.txt i demoprojektet).&lt;/p&gt;</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/MainWindow.cpp" line="290"/>
        <source>%n device(s)</source>
        <translation>
            <numerusform>%n enhet</numerusform>
            <numerusform>%n enheter</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="290"/>
        <source>not available</source>
        <translation>inte tillgänglig</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="296"/>
        <source>Models</source>
        <translation>Modeller</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="299"/>
        <source>&lt;h3&gt;Which models TINT Workbench uses&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Generator&lt;/b&gt; (optional): a Stable Diffusion 1.5 or 2.1-base folder in diffusers layout (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/; safetensors weights), downloaded once from the Hugging Face Hub, for example with &lt;tt&gt;huggingface-cli download stable-diffusion-v1-5/stable-diffusion-v1-5&lt;/tt&gt;. Without it the workbench makes training images by heavy augmentation of your support photos.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Teacher&lt;/b&gt;: a Hugging Face vision model folder (config.json + model.safetensors) such as DINOv2 (facebook/dinov2-small, -base, -large) or CLIP ViT-B/16.&lt;/p&gt;&lt;p&gt;Choose the folders under Settings › Preferences. Nothing is downloaded by the workbench itself.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Vilka modeller TINT Workbench använder&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Generator&lt;/b&gt; (valfri): en Stable Diffusion 1.5- eller 2.1-base-mapp i diffusers-format (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/; vikter i safetensors), nedladdad en gång från Hugging Face Hub, till exempel med &lt;tt&gt;huggingface-cli download stable-diffusion-v1-5/stable-diffusion-v1-5&lt;/tt&gt;. Utan den skapar programmet träningsbilder genom kraftig augmentering av dina stödbilder.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Lärare&lt;/b&gt;: en mapp med en Hugging Face-bildmodell (config.json + model.safetensors), till exempel DINOv2 (facebook/dinov2-small, -base, -large) eller CLIP ViT-B/16.&lt;/p&gt;&lt;p&gt;Välj mapparna under Inställningar › Inställningar. Programmet laddar inte ner något självt.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <location filename="../ui/MainWindow.cpp" line="34"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="35"/>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="36"/>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="21"/>
        <source>Browse…</source>
        <translation>Bläddra…</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="33"/>
        <source>Preferences</source>
        <translation>Inställningar</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="36"/>
        <source>one per core</source>
        <translation>en per kärna</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="39"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="40"/>
        <source>CUDA GPU</source>
        <translation>CUDA-GPU</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="43"/>
        <source>32-bit float (exact)</source>
        <translation>32-bitars flyttal (exakt)</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="44"/>
        <source>16-bit float (GPU only)</source>
        <translation>16-bitars flyttal (endast GPU)</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="45"/>
        <source>bfloat16 (GPU only)</source>
        <translation>bfloat16 (endast GPU)</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="55"/>
        <source>Compute threads:</source>
        <translation>Beräkningstrådar:</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="56"/>
        <source>Device:</source>
        <translation>Enhet:</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="57"/>
        <source>Precision:</source>
        <translation>Precision:</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="58"/>
        <source>Stable Diffusion folder:</source>
        <translation>Stable Diffusion-mapp:</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="58"/>
        <source>Choose a diffusers folder</source>
        <translation>Välj en diffusers-mapp</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="60"/>
        <source>Teacher folder:</source>
        <translation>Lärarmapp:</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="60"/>
        <source>Choose a teacher model folder</source>
        <translation>Välj en mapp med lärarmodell</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="77"/>
        <source>None: the augmentation generator is used instead of Stable Diffusion.</source>
        <translation>Ingen: augmenteringsgeneratorn används i stället för Stable Diffusion.</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="79"/>
        <source>&lt;span style=&apos;color:#b00&apos;&gt;Not a diffusers folder: %1 has no model_index.json.&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:#b00&apos;&gt;Inte en diffusers-mapp: %1 saknar model_index.json.&lt;/span&gt;</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="82"/>
        <source>Found model_index.json.</source>
        <translation>Hittade model_index.json.</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="85"/>
        <source>None configured: distillation needs a teacher (see Help › Models).</source>
        <translation>Ingen vald: destillationen behöver en lärare (se Hjälp › Modeller).</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="88"/>
        <source>&lt;span style=&apos;color:#b00&apos;&gt;Not a model folder: %1 has no config.json.&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:#b00&apos;&gt;Inte en modellmapp: %1 saknar config.json.&lt;/span&gt;</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="90"/>
        <source>Found config.json.</source>
        <translation>Hittade config.json.</translation>
    </message>
</context>
<context>
    <name>SupportImageModel</name>
    <message>
        <location filename="../ui/models/SupportImageModel.cpp" line="76"/>
        <source>%1
%2 x %3 pixels
imported from %4</source>
        <translation>%1
%2 × %3 bildpunkter
importerad från %4</translation>
    </message>
</context>
<context>
    <name>SupportPane</name>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="25"/>
        <source>Classes</source>
        <translation>Klasser</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="26"/>
        <source>&amp;Add class…</source>
        <translation>&amp;Lägg till klass…</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="27"/>
        <source>Rename</source>
        <translation>Byt namn</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="28"/>
        <source>Delete</source>
        <translation>Ta bort</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="36"/>
        <source>&lt;b&gt;Classes&lt;/b&gt;</source>
        <translation>&lt;b&gt;Klasser&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="53"/>
        <source>Support images</source>
        <translation>Stödbilder</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="54"/>
        <source>No images yet. Drop photos here, or use Import images…</source>
        <translation>Inga bilder ännu. Släpp foton här eller använd Importera bilder…</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="57"/>
        <source>&amp;Import images…</source>
        <translation>&amp;Importera bilder…</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="58"/>
        <source>Import &amp;folder per class…</source>
        <translation>Importera &amp;mapp per klass…</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="59"/>
        <source>Remove selected</source>
        <translation>Ta bort markerade</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="88"/>
        <source>Cannot rename the class</source>
        <translation>Kan inte byta namn på klassen</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="124"/>
        <source>No project is open. Use File › New Project or File › Open Project.</source>
        <translation>Inget projekt är öppet. Använd Arkiv › Nytt projekt eller Arkiv › Öppna projekt.</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="126"/>
        <source>Add a class to start, or import a folder with one sub-folder per class.</source>
        <translation>Lägg till en klass för att börja, eller importera en mapp med en undermapp per klass.</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SupportPane.cpp" line="128"/>
        <source>&lt;b&gt;%1&lt;/b&gt;: %n support image(s). Most work needs 1 to 10 per class.</source>
        <translation>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;: %n stödbild. Oftast behövs 1 till 10 per klass.</numerusform>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;: %n stödbilder. Oftast behövs 1 till 10 per klass.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="138"/>
        <source>Add class</source>
        <translation>Lägg till klass</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="138"/>
        <source>Class name:</source>
        <translation>Klassnamn:</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="142"/>
        <source>Cannot add the class</source>
        <translation>Kan inte lägga till klassen</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="158"/>
        <source>Delete class</source>
        <translation>Ta bort klass</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SupportPane.cpp" line="159"/>
        <source>Delete the class &quot;%1&quot; with its %n support image(s)? This cannot be undone.</source>
        <translation>
            <numerusform>Ta bort klassen ”%1” med dess %n stödbild? Det går inte att ångra.</numerusform>
            <numerusform>Ta bort klassen ”%1” med dess %n stödbilder? Det går inte att ångra.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="164"/>
        <source>Cannot delete the class</source>
        <translation>Kan inte ta bort klassen</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="173"/>
        <source>Cannot remove the images</source>
        <translation>Kan inte ta bort bilderna</translation>
    </message>
</context>
<context>
    <name>SyntheticPane</name>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="16"/>
        <source>All</source>
        <translation>Alla</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="16"/>
        <source>Undecided</source>
        <translation>Obestämda</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="16"/>
        <source>Accepted</source>
        <translation>Godkända</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="16"/>
        <source>Rejected</source>
        <translation>Avvisade</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="18"/>
        <source>Newest first</source>
        <translation>Nyaste först</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="18"/>
        <source>Teacher confidence</source>
        <translation>Lärarens säkerhet</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="18"/>
        <source>Novelty</source>
        <translation>Nyhet</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="20"/>
        <source>Class:</source>
        <translation>Klass:</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="22"/>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="24"/>
        <source>Sort:</source>
        <translation>Sortera:</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="37"/>
        <source>Keys: arrows move, A accepts, R rejects, Space toggles, Ctrl+Z undoes.</source>
        <translation>Tangenter: pilar flyttar, A godkänner, R avvisar, mellanslag växlar, Ctrl+Z ångrar.</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="53"/>
        <source>All classes</source>
        <translation>Alla klasser</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="57"/>
        <source>No synthetic images yet. They appear here as they are generated.</source>
        <translation>Inga syntetiska bilder ännu. De visas här när de skapas.</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SyntheticPane.cpp" line="58"/>
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n bild</numerusform>
            <numerusform>%n bilder</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/main.cpp" line="32"/>
        <source>Turns a few labelled photos into a tiny, fast image classifier.</source>
        <translation>Gör några märkta foton till en liten, snabb bildklassificerare.</translation>
    </message>
    <message>
        <location filename="../app/main.cpp" line="35"/>
        <source>Open the bundled demo project.</source>
        <translation>Öppna det medföljande demoprojektet.</translation>
    </message>
    <message>
        <location filename="../app/main.cpp" line="37"/>
        <source>Render every pane to PNG files in &lt;dir&gt;, then quit.</source>
        <translation>Rita varje flik till PNG-filer i &lt;dir&gt; och avsluta sedan.</translation>
    </message>
    <message>
        <location filename="../app/main.cpp" line="42"/>
        <source>A project folder (*.tintproj) to open.</source>
        <translation>En projektmapp (*.tintproj) att öppna.</translation>
    </message>
</context>
</TS>
