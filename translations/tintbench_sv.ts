<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="sv_SE">
<context>
    <name>Application</name>
    <message>
        <location filename="../app/Application.cpp" line="89"/>
        <source>Cancelled.</source>
        <translation>Avbrutet.</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="96"/>
        <source>Failed.</source>
        <translation>Misslyckades.</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="98"/>
        <source>The job failed</source>
        <translation>Jobbet misslyckades</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="98"/>
        <source>%1 failed</source>
        <translation>%1 misslyckades</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="166"/>
        <source>Classes and support images can be deleted when the running and waiting jobs have finished or been cancelled (Cancel in the status bar): they read and write the class folders.</source>
        <translation>Klasser och stödbilder kan tas bort när de pågående och väntande jobben är klara eller avbrutna (Avbryt i statusfältet): de läser och skriver klassmapparna.</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="173"/>
        <source>Jobs are still running</source>
        <translation>Jobb pågår fortfarande</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="174"/>
        <source>Another project can be opened when the running and waiting jobs have finished or been cancelled (Cancel in the status bar): they write into the project they were started for.</source>
        <translation>Ett annat projekt kan öppnas när de pågående och väntande jobben är klara eller avbrutna (Avbryt i statusfältet): de skriver i det projekt de startades för.</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="182"/>
        <source>Cannot create the project</source>
        <translation>Kan inte skapa projektet</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="191"/>
        <source>Cannot open the project</source>
        <translation>Kan inte öppna projektet</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="201"/>
        <source>Demo project</source>
        <translation>Demoprojekt</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="201"/>
        <source>The bundled demo photos were not found. Set TINTBENCH_DATA_DIR to the folder that contains demo/flowers.</source>
        <translation>De medföljande demofotona hittades inte. Sätt TINTBENCH_DATA_DIR till mappen som innehåller demo/flowers.</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="210"/>
        <source>Creating the demo project</source>
        <translation>Skapar demoprojektet</translation>
    </message>
    <message>
        <source>Making thumbnails</source>
        <translation type="vanished">Skapar miniatyrer</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="315"/>
        <source>Importing images</source>
        <translation>Importerar bilder</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="322"/>
        <location filename="../app/Application.cpp" line="406"/>
        <source>Cannot save the project</source>
        <translation>Kan inte spara projektet</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="329"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="338"/>
        <source>Scanning folders</source>
        <translation>Söker igenom mappar</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="342"/>
        <source>Nothing to import</source>
        <translation>Inget att importera</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="343"/>
        <source>%1 has no sub-folders with images. Each class needs a folder of its own.</source>
        <translation>%1 har inga undermappar med bilder. Varje klass behöver en egen mapp.</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="353"/>
        <source>Cannot add the class</source>
        <translation>Kan inte lägga till klassen</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/Application.cpp" line="368"/>
        <source>Imported %n image(s).</source>
        <translation>
            <numerusform>Importerade %n bild.</numerusform>
            <numerusform>Importerade %n bilder.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/Application.cpp" line="369"/>
        <source>Imported %n image(s) (%1).</source>
        <translation>
            <numerusform>Importerade %n bild (%1).</numerusform>
            <numerusform>Importerade %n bilder (%1).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/Application.cpp" line="374"/>
        <source>%n file(s) could not be imported.</source>
        <translation>
            <numerusform>%n fil kunde inte importeras.</numerusform>
            <numerusform>%n filer kunde inte importeras.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="377"/>
        <source>Some files were not imported</source>
        <translation>Några filer importerades inte</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="378"/>
        <source>The other images were imported. Details for each file:</source>
        <translation>De övriga bilderna importerades. Detaljer för varje fil:</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="410"/>
        <source>No project is open</source>
        <translation>Inget projekt är öppet</translation>
    </message>
    <message>
        <location filename="../app/Application.cpp" line="411"/>
        <source>The model folders and the device are kept in a project: open or create one, then choose them again.</source>
        <translation>Modellmapparna och enheten sparas i ett projekt: öppna eller skapa ett och välj dem sedan igen.</translation>
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
        <location filename="../ui/panes/DistillPane.cpp" line="62"/>
        <source>ResNet-12 (few-shot standard)</source>
        <translation>ResNet-12 (standard för few-shot)</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="61"/>
        <source>Conv-4 (smallest, fastest)</source>
        <translation>Conv-4 (minst, snabbast)</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="63"/>
        <source>ResNet-18</source>
        <translation>ResNet-18</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="64"/>
        <source>MobileNetV2</source>
        <translation>MobileNetV2</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="86"/>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="88"/>
        <source>Logistic regression</source>
        <translation>Logistisk regression</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="89"/>
        <source>Cosine prototypes</source>
        <translation>Cosinusprototyper</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="114"/>
        <source>Heavy augmentations of the supports made for the run, per class.</source>
        <translation>Kraftiga augmenteringar av stödbilderna som skapas för körningen, per klass.</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="115"/>
        <source>Synthetic images that are not rejected</source>
        <translation>Syntetiska bilder som inte har avvisats</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="117"/>
        <source>optional: a folder with one sub-folder per class</source>
        <translation>valfritt: en mapp med en undermapp per klass</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="118"/>
        <source>Browse…</source>
        <translation>Bläddra…</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="73"/>
        <location filename="../ui/panes/DistillPane.cpp" line="106"/>
        <location filename="../ui/panes/DistillPane.cpp" line="127"/>
        <source>off</source>
        <translation>av</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="37"/>
        <source>Settings of this run:</source>
        <translation>Inställningar för denna körning:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="41"/>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="41"/>
        <source>no</source>
        <translation>nej</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="65"/>
        <source>MobileNetV2, one block per stage (fast)</source>
        <translation>MobileNetV2, ett block per steg (snabb)</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="67"/>
        <source>Random</source>
        <translation>Slumpmässiga</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="68"/>
        <source>ImageNet (built-in MobileNetV2)</source>
        <translation>ImageNet (inbyggda MobileNetV2)</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="69"/>
        <source>MobileNetV2 students of width 1 can start from the built-in network&apos;s ImageNet weights, which usually trains a far better student from few images.</source>
        <translation>Elevmodeller av typen MobileNetV2 med bredd 1 kan börja från det inbyggda nätverkets ImageNet-vikter, vilket oftast ger en mycket bättre elevmodell av få bilder.</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="74"/>
        <source> passes</source>
        <translation> varv</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="75"/>
        <source>For the one-block-per-stage MobileNetV2 from ImageNet: passes over the training images, before training, that teach each stage to output what the full network&apos;s stage outputs.</source>
        <translation>För MobileNetV2 med ett block per steg, startad från ImageNet: varv över träningsbilderna, före träningen, som lär varje steg att ge samma utdata som det fullständiga nätverkets steg.</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="107"/>
        <source>Also pulls the student&apos;s features toward the teacher&apos;s features of the same image (1 − cosine, times this weight). Works best with on-the-fly augmentation off.</source>
        <translation>Drar också elevens särdrag mot lärarens särdrag för samma bild (1 − cosinus, gånger denna vikt). Fungerar bäst med augmentering under träningen avstängd.</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="109"/>
        <source>Random crops, flips and colour changes while training</source>
        <translation>Slumpvisa utsnitt, speglingar och färgändringar under träningen</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="110"/>
        <source>Off: the student sees exactly the images the teacher labelled; their variety then comes from the synthetic images and the augmentations per class.</source>
        <translation>Av: eleven ser exakt de bilder som läraren märkte; variationen kommer då från de syntetiska bilderna och augmenteringarna per klass.</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="128"/>
        <source> last blocks</source>
        <translation> sista block</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="129"/>
        <source>Fine-tunes the teacher&apos;s last blocks on the support images (with augmentation) before its head is fitted. Off: the teacher as it was downloaded.</source>
        <translation>Finjusterar lärarens sista block på stödbilderna (med augmentering) innan dess huvud anpassas. Av: läraren som den laddades ner.</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="133"/>
        <source> steps</source>
        <translation> steg</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="140"/>
        <source>Student:</source>
        <translation>Elevmodell:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="141"/>
        <source>Width multiplier:</source>
        <translation>Breddmultiplikator:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="142"/>
        <source>Starting weights:</source>
        <translation>Startvikter:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="143"/>
        <source>Stage matching:</source>
        <translation>Stegmatchning:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="144"/>
        <source>Input size:</source>
        <translation>Indatastorlek:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="145"/>
        <source>Teacher head:</source>
        <translation>Lärarhuvud:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="146"/>
        <source>Teacher fine-tuning:</source>
        <translation>Finjustering av läraren:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="147"/>
        <source>Epochs:</source>
        <translation>Epoker:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="148"/>
        <source>Batch size:</source>
        <translation>Batchstorlek:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="149"/>
        <source>Learning rate:</source>
        <translation>Inlärningstakt:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="150"/>
        <source>Temperature T:</source>
        <translation>Temperatur T:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="151"/>
        <source>Cross-entropy weight α:</source>
        <translation>Vikt för korsentropi α:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="152"/>
        <source>Feature matching weight:</source>
        <translation>Vikt för särdragsmatchning:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="153"/>
        <source>On-the-fly augmentation:</source>
        <translation>Augmentering under träningen:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="154"/>
        <source>Augmentations per class:</source>
        <translation>Augmenteringar per klass:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="155"/>
        <source>Training data:</source>
        <translation>Träningsdata:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="156"/>
        <source>Validation folder:</source>
        <translation>Valideringsmapp:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="157"/>
        <source>Seed:</source>
        <translation>Slumpfrö:</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="158"/>
        <source>&amp;Start training</source>
        <translation>&amp;Starta träningen</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="159"/>
        <source>Resume selected run</source>
        <translation>Återuppta markerad körning</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="160"/>
        <source>Stop</source>
        <translation>Stoppa</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="161"/>
        <source>Stops after the current step; the last finished epoch is kept and can be resumed.</source>
        <translation>Stoppar efter aktuellt steg; den senast avslutade epoken sparas och kan återupptas.</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="177"/>
        <source>Student and training</source>
        <translation>Elevmodell och träning</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="195"/>
        <source>Distillation loss</source>
        <translation>Destillationsförlust</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="195"/>
        <source>loss</source>
        <translation>förlust</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="196"/>
        <source>training loss</source>
        <translation>träningsförlust</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="197"/>
        <source>Accuracy per epoch</source>
        <translation>Träffsäkerhet per epok</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="381"/>
        <source>Training needs at least two classes, each with support images (step 1).</source>
        <translation>Träningen behöver minst två klasser, var och en med stödbilder (steg 1).</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="383"/>
        <source>Every class needs at least one support image (step 1); none yet: %1.</source>
        <translation>Varje klass behöver minst en stödbild (steg 1); ingen ännu: %1.</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="195"/>
        <location filename="../ui/panes/DistillPane.cpp" line="197"/>
        <source>epoch</source>
        <translation>epok</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="197"/>
        <source>accuracy (%)</source>
        <translation>träffsäkerhet (%)</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="198"/>
        <source>validation accuracy</source>
        <translation>valideringsträffsäkerhet</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="199"/>
        <source>agreement with teacher</source>
        <translation>överensstämmelse med läraren</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="202"/>
        <source>Confusion matrix (rows: true class; click a cell for its images)</source>
        <translation>Förväxlingsmatris (rader: sann klass; klicka på en cell för att se dess bilder)</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="210"/>
        <source>Epochs</source>
        <translation>Epoker</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="210"/>
        <source>Teacher</source>
        <translation>Lärare</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="210"/>
        <source>Images</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="220"/>
        <source>&amp;Export to ONNX…</source>
        <translation>&amp;Exportera till ONNX…</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="221"/>
        <source>Writes the selected run&apos;s student as an ONNX model, after checking that OpenCV gives the trained student&apos;s outputs on the support images.</source>
        <translation>Sparar den markerade körningens elevmodell som en ONNX-modell, efter att ha kontrollerat att OpenCV ger den tränade elevmodellens utdata på stödbilderna.</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="249"/>
        <source>Validation folder (one sub-folder per class)</source>
        <translation>Valideringsmapp (en undermapp per klass)</translation>
    </message>
    <message>
        <source>Training needs at least two classes with support images.</source>
        <translation type="vanished">Träningen behöver minst två klasser med stödbilder.</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="387"/>
        <source>The teacher (Settings › Preferences) labels the supports, the synthetic images that are not rejected and the augmentations; the student learns from its soft labels.</source>
        <translation>Läraren (Inställningar › Inställningar) märker stödbilderna, de syntetiska bilder som inte har avvisats och augmenteringarna; elevmodellen lär sig av lärarens mjuka etiketter.</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/DistillPane.cpp" line="507"/>
        <source>%n image(s) of %1 predicted as %2</source>
        <translation>
            <numerusform>%n bild av %1 klassad som %2</numerusform>
            <numerusform>%n bilder av %1 klassade som %2</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="540"/>
        <source>Epoch %1: loss %2, validation accuracy %3, agreement with the teacher %4</source>
        <translation>Epok %1: förlust %2, valideringsträffsäkerhet %3, överensstämmelse med läraren %4</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="544"/>
        <source>Epoch %1: loss %2 (no validation folder)</source>
        <translation>Epok %1: förlust %2 (ingen valideringsmapp)</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="210"/>
        <source>Run</source>
        <translation>Körning</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="210"/>
        <source>Student</source>
        <translation>Elevmodell</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="210"/>
        <source>Accuracy</source>
        <translation>Träffsäkerhet</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="211"/>
        <source>Runs</source>
        <translation>Körningar</translation>
    </message>
    <message>
        <location filename="../ui/panes/DistillPane.cpp" line="375"/>
        <source>Open a project first.</source>
        <translation>Öppna ett projekt först.</translation>
    </message>
</context>
<context>
    <name>GalleryDelegate</name>
    <message>
        <location filename="../ui/gallery/GalleryDelegate.cpp" line="53"/>
        <location filename="../ui/gallery/GalleryDelegate.cpp" line="59"/>
        <source>dup</source>
        <translation>dubb</translation>
    </message>
    <message>
        <location filename="../ui/gallery/GalleryDelegate.cpp" line="75"/>
        <source>%1 %2 %</source>
        <translation>%1 %2 %</translation>
    </message>
    <message>
        <location filename="../ui/gallery/GalleryDelegate.cpp" line="79"/>
        <source>not scored</source>
        <translation>ej bedömd</translation>
    </message>
</context>
<context>
    <name>InversionPane</name>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="28"/>
        <source>not started</source>
        <translation>inte startad</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="29"/>
        <source>partly done</source>
        <translation>delvis klar</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="30"/>
        <source>done</source>
        <translation>klar</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="31"/>
        <source>out of date</source>
        <translation>inaktuell</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="49"/>
        <source>&amp;Run inversion</source>
        <translation>&amp;Kör inversion</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="50"/>
        <source>Textual inversion of the class, then null-text inversion of each support image. An interrupted run resumes where it stopped.</source>
        <translation>Textuell inversion av klassen, sedan nolltextinversion av varje stödbild. En avbruten körning fortsätter där den stoppades.</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="52"/>
        <source>Run &amp;all classes</source>
        <translation>Kör a&amp;lla klasser</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="53"/>
        <source>Start over</source>
        <translation>Börja om</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="54"/>
        <source>Discard what is stored for the class and invert it again.</source>
        <translation>Kasta det som har sparats för klassen och invertera den på nytt.</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="55"/>
        <source>Stop</source>
        <translation>Stoppa</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="56"/>
        <source>Stops at the next checkpoint; Run resumes from there.</source>
        <translation>Stoppar vid nästa kontrollpunkt; Kör inversion fortsätter därifrån.</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="58"/>
        <source>Models…</source>
        <translation>Modeller…</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="62"/>
        <source>Class:</source>
        <translation>Klass:</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="72"/>
        <source>Class</source>
        <translation>Klass</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="72"/>
        <source>Textual inversion</source>
        <translation>Textuell inversion</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="72"/>
        <source>Null-text inversion</source>
        <translation>Nolltextinversion</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="81"/>
        <source>Optimisation steps of the class token (the reference uses 5000).</source>
        <translation>Optimeringssteg för klassens token (referensimplementationen använder 5000).</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="85"/>
        <source>model&apos;s own</source>
        <translation>modellens egen</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="86"/>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="87"/>
        <source>Stop early when the loss no longer falls</source>
        <translation>Stoppa tidigt när förlusten inte längre minskar</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="91"/>
        <source>Settings</source>
        <translation>Inställningar</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="93"/>
        <source>Token steps:</source>
        <translation>Tokensteg:</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="94"/>
        <source>Working size:</source>
        <translation>Arbetsstorlek:</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="96"/>
        <source>Seed:</source>
        <translation>Slumpfrö:</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="103"/>
        <location filename="../ui/panes/InversionPane.cpp" line="255"/>
        <source>Textual inversion loss</source>
        <translation>Förlust för textuell inversion</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="103"/>
        <source>step</source>
        <translation>steg</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="103"/>
        <source>loss (MSE on noise)</source>
        <translation>förlust (MSE på bruset)</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="104"/>
        <source>loss</source>
        <translation>förlust</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="105"/>
        <source>smoothed</source>
        <translation>utjämnad</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="107"/>
        <source>Learned token: nearest words</source>
        <translation>Inlärd token: närmaste ord</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="112"/>
        <source>Null-text inversion of each support image</source>
        <translation>Nolltextinversion av varje stödbild</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="115"/>
        <source>DDIM PSNR (dB)</source>
        <translation>PSNR med enbart DDIM (dB)</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="115"/>
        <source>Progress</source>
        <translation>Förlopp</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/InversionPane.cpp" line="212"/>
        <source>%n step(s)</source>
        <translation>
            <numerusform>%n steg</numerusform>
            <numerusform>%n steg</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/InversionPane.cpp" line="215"/>
        <source>%n timestep(s)</source>
        <translation>
            <numerusform>%n tidssteg</numerusform>
            <numerusform>%n tidssteg</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="220"/>
        <source>Out of date: %1</source>
        <translation>Inaktuell: %1</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="233"/>
        <source>No Stable Diffusion model is configured. Inversion needs a diffusers folder (Stable Diffusion 1.5 or 2.1-base); choose it under Models…. Without one, the augmentation generator makes the training images (step 3).</source>
        <translation>Ingen Stable Diffusion-modell är vald. Inversionen behöver en diffusers-mapp (Stable Diffusion 1.5 eller 2.1-base); välj den under Modeller…. Utan en sådan skapar augmenteringsgeneratorn träningsbilderna (steg 3).</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/InversionPane.cpp" line="239"/>
        <source>%1 of %n class(es) inverted.</source>
        <translation>
            <numerusform>%1 av %n klass inverterad.</numerusform>
            <numerusform>%1 av %n klasser inverterade.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="270"/>
        <source>Textual inversion loss: %1</source>
        <translation>Förlust för textuell inversion: %1</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="283"/>
        <source>Textual inversion: step %1 of %2, loss %3</source>
        <translation>Textuell inversion: steg %1 av %2, förlust %3</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="291"/>
        <source>Cosine similarity of the learned token to vocabulary words, at step %1</source>
        <translation>Cosinuslikhet mellan den inlärda token och ord i vokabulären, vid steg %1</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="315"/>
        <source>%1/%2 · loss %3</source>
        <translation>%1/%2 · förlust %3</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="318"/>
        <source>Null-text inversion: timestep %1 of %2</source>
        <translation>Nolltextinversion: tidssteg %1 av %2</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="114"/>
        <source>Support image</source>
        <translation>Stödbild</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="114"/>
        <source>Reconstruction</source>
        <translation>Rekonstruktion</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="114"/>
        <source>Plain DDIM</source>
        <translation>Enbart DDIM</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="115"/>
        <source>PSNR (dB)</source>
        <translation>PSNR (dB)</translation>
    </message>
    <message>
        <location filename="../ui/panes/InversionPane.cpp" line="196"/>
        <location filename="../ui/panes/InversionPane.cpp" line="231"/>
        <source>Open a project first.</source>
        <translation>Öppna ett projekt först.</translation>
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
        <location filename="../ui/MainWindow.cpp" line="50"/>
        <source>1  Support set</source>
        <translation>1  Stödbilder</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="51"/>
        <source>2  Inversion</source>
        <translation>2  Inversion</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="52"/>
        <source>3  Synthetic images</source>
        <translation>3  Syntetiska bilder</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="53"/>
        <source>4  Distillation</source>
        <translation>4  Destillation</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="58"/>
        <source>Log</source>
        <translation>Logg</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="79"/>
        <source>&amp;File</source>
        <translation>&amp;Arkiv</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="80"/>
        <source>&amp;New Project…</source>
        <translation>&amp;Nytt projekt…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="81"/>
        <source>&amp;Open Project…</source>
        <translation>&amp;Öppna projekt…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="82"/>
        <source>Open &amp;Recent</source>
        <translation>Öppna senas&amp;te</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="83"/>
        <source>Open the &amp;Demo Project</source>
        <translation>Öppna &amp;demoprojektet</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="84"/>
        <source>&amp;Save</source>
        <translation>&amp;Spara</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="87"/>
        <source>Saved. Every change is also saved as it is made.</source>
        <translation>Sparat. Varje ändring sparas också direkt när den görs.</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="89"/>
        <source>Cannot save the project</source>
        <translation>Kan inte spara projektet</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="93"/>
        <source>&amp;Import Images…</source>
        <translation>&amp;Importera bilder…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="93"/>
        <source>Ctrl+I</source>
        <translation>Ctrl+I</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="94"/>
        <source>Import &amp;Folder per Class…</source>
        <translation>Importera &amp;mapp per klass…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="95"/>
        <source>&amp;Export</source>
        <translation>&amp;Exportera</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="97"/>
        <source>Student to &amp;ONNX…</source>
        <translation>Elevmodell till &amp;ONNX…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="98"/>
        <source>&amp;Tokens as Embeddings…</source>
        <translation>&amp;Token som inbäddningar…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="99"/>
        <source>&amp;Curated Dataset as Folder per Class…</source>
        <translation>&amp;Granskad datamängd som mapp per klass…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="100"/>
        <source>Model &amp;Card…</source>
        <translation>Modell&amp;kort…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="104"/>
        <source>&amp;Quit</source>
        <translation>&amp;Avsluta</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="108"/>
        <source>&amp;Edit</source>
        <translation>&amp;Redigera</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="109"/>
        <location filename="../ui/MainWindow.cpp" line="134"/>
        <source>&amp;Undo</source>
        <translation>&amp;Ångra</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="118"/>
        <location filename="../ui/MainWindow.cpp" line="135"/>
        <source>&amp;Redo</source>
        <translation>&amp;Gör om</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="134"/>
        <source>&amp;Undo %1</source>
        <translation>&amp;Ångra %1</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="135"/>
        <source>&amp;Redo %1</source>
        <translation>&amp;Gör om %1</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="142"/>
        <source>&amp;Job</source>
        <translation>&amp;Jobb</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="143"/>
        <source>&amp;Cancel the Running Job…</source>
        <translation>&amp;Avbryt det pågående jobbet…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="147"/>
        <source>Cancel the job</source>
        <translation>Avbryt jobbet</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="148"/>
        <source>Cancel &quot;%1&quot; now? Finished work is kept.</source>
        <translation>Avbryta ”%1” nu? Färdigt arbete behålls.</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="154"/>
        <source>&amp;Stop after the Current Item</source>
        <translation>&amp;Stoppa efter det aktuella objektet</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="162"/>
        <source>&amp;Settings</source>
        <translation>&amp;Inställningar</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="163"/>
        <source>&amp;Preferences…</source>
        <translation>&amp;Inställningar…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="165"/>
        <source>&amp;Help</source>
        <translation>&amp;Hjälp</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="166"/>
        <source>&amp;Models: What to Download…</source>
        <translation>&amp;Modeller: vad som ska laddas ner…</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="167"/>
        <source>&amp;About TINT Workbench</source>
        <translation>&amp;Om TINT Workbench</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="178"/>
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="179"/>
        <source>Stop the running job now. Hold for more choices.</source>
        <translation>Stoppa det pågående jobbet nu. Håll in för fler val.</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="182"/>
        <source>Cancel now</source>
        <translation>Avbryt nu</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="183"/>
        <source>Stop after the current item</source>
        <translation>Stoppa efter aktuellt objekt</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="195"/>
        <source>Available when the run selected in step 4 has a trained student.</source>
        <translation>Tillgängligt när körningen som är vald i steg 4 har en tränad elevmodell.</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="196"/>
        <source>Available once a class has a finished textual inversion (step 2).</source>
        <translation>Tillgängligt när en klass har en avslutad textuell inversion (steg 2).</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="197"/>
        <source>Available once a project is open.</source>
        <translation>Tillgängligt när ett projekt är öppet.</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="209"/>
        <source>%1 — TINT Workbench</source>
        <translation>%1 — TINT Workbench</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="211"/>
        <source>TINT Workbench</source>
        <translation>TINT Workbench</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="223"/>
        <source>New project</source>
        <translation>Nytt projekt</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="223"/>
        <source>TINT projects (*.tintproj)</source>
        <translation>TINT-projekt (*.tintproj)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="230"/>
        <source>Open a project folder (*.tintproj)</source>
        <translation>Öppna en projektmapp (*.tintproj)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="235"/>
        <location filename="../ui/MainWindow.cpp" line="247"/>
        <location filename="../ui/MainWindow.cpp" line="253"/>
        <source>No project</source>
        <translation>Inget projekt</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="235"/>
        <location filename="../ui/MainWindow.cpp" line="247"/>
        <location filename="../ui/MainWindow.cpp" line="253"/>
        <source>Open or create a project first.</source>
        <translation>Öppna eller skapa ett projekt först.</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="238"/>
        <source>Import images into &quot;%1&quot;</source>
        <translation>Importera bilder till ”%1”</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="239"/>
        <source>Import images (into a new class)</source>
        <translation>Importera bilder (till en ny klass)</translation>
    </message>
    <message>
        <source>Import images</source>
        <translation type="vanished">Importera bilder</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="242"/>
        <source>Images (*.jpg *.jpeg *.png *.bmp *.webp *.tif *.tiff *.gif *.ppm *.pgm);;All files (*)</source>
        <translation>Bilder (*.jpg *.jpeg *.png *.bmp *.webp *.tif *.tiff *.gif *.ppm *.pgm);;Alla filer (*)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="248"/>
        <source>Folder with one sub-folder per class</source>
        <translation>Mapp med en undermapp per klass</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="265"/>
        <source>New class</source>
        <translation>Ny klass</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="266"/>
        <source>The images need a class. Name of the new class:</source>
        <translation>Bilderna behöver en klass. Namn på den nya klassen:</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="270"/>
        <source>Cannot add the class</source>
        <translation>Kan inte lägga till klassen</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="299"/>
        <source>Quit without waiting?</source>
        <translation>Avsluta utan att vänta?</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="300"/>
        <source>The jobs are still stopping. Quit now without waiting? What they are doing now is not recorded (photos being imported stay in the class folder unlisted).</source>
        <translation>Jobben håller fortfarande på att stoppas. Avsluta nu utan att vänta? Det de gör just nu registreras inte (bilder som importeras blir kvar i klassmappen utan att listas).</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="308"/>
        <source>A job is running</source>
        <translation>Ett jobb pågår</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="309"/>
        <source>A job is still running. Cancel it and quit? Finished work is kept.</source>
        <translation>Ett jobb pågår fortfarande. Avbryta det och avsluta? Färdigt arbete sparas.</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="320"/>
        <source>Stopping the jobs; the workbench closes when their finished work is saved.</source>
        <translation>Stoppar jobben; arbetsbänken stängs när deras färdiga arbete är sparat.</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="356"/>
        <source>about %1 left in this stage</source>
        <translation>ungefär %1 kvar i detta steg</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="358"/>
        <source>about %1 left</source>
        <translation>ungefär %1 kvar</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/MainWindow.cpp" line="376"/>
        <source>%n more queued</source>
        <translation>
            <numerusform>%n till i kö</numerusform>
            <numerusform>%n till i kö</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="394"/>
        <source>About TINT Workbench</source>
        <translation>Om TINT Workbench</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="395"/>
        <source>&lt;h3&gt;TINT Workbench %1&lt;/h3&gt;&lt;p&gt;Turns a handful of labelled photos into a tiny, fast image classifier: Stable Diffusion is inverted on your images (textual and null-text inversion, the TINT method of Landolsi and Kahl), new training images are synthesised, and a large teacher is distilled into a small student.&lt;/p&gt;&lt;p&gt;Qt %2&lt;br&gt;LibTorch %3&lt;br&gt;OpenCV %4&lt;br&gt;spdlog %5&lt;br&gt;CUDA: %6&lt;br&gt;Compute threads: %7&lt;/p&gt;&lt;p&gt;Demo photos: TensorFlow flowers, CC BY 2.0 (see ATTRIBUTION.txt in the demo project).&lt;/p&gt;</source>
        <translation>&lt;h3&gt;TINT Workbench %1&lt;/h3&gt;&lt;p&gt;Gör en handfull märkta foton till en liten, snabb bildklassificerare: Stable Diffusion inverteras på dina bilder (textuell inversion och nolltextinversion, TINT-metoden av Landolsi och Kahl), nya träningsbilder syntetiseras och en stor lärarmodell destilleras till en liten elevmodell.&lt;/p&gt;&lt;p&gt;Qt %2&lt;br&gt;LibTorch %3&lt;br&gt;OpenCV %4&lt;br&gt;spdlog %5&lt;br&gt;CUDA: %6&lt;br&gt;Beräkningstrådar: %7&lt;/p&gt;&lt;p&gt;Demofoton: TensorFlow flowers, CC BY 2.0 (se ATTRIBUTION.txt i demoprojektet).&lt;/p&gt;</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/MainWindow.cpp" line="404"/>
        <source>%n device(s)</source>
        <translation>
            <numerusform>%n enhet</numerusform>
            <numerusform>%n enheter</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="404"/>
        <source>not available</source>
        <translation>inte tillgänglig</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="410"/>
        <source>Models</source>
        <translation>Modeller</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="413"/>
        <source>&lt;h3&gt;Which models TINT Workbench uses&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Generator&lt;/b&gt; (optional): a Stable Diffusion 1.5 or 2.1-base folder in diffusers layout (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/; safetensors weights), downloaded once from the Hugging Face Hub, for example with &lt;tt&gt;huggingface-cli download stable-diffusion-v1-5/stable-diffusion-v1-5&lt;/tt&gt;. Without it the workbench makes training images by heavy augmentation of your support photos.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Teacher&lt;/b&gt;: built in is an ImageNet-trained MobileNetV2, used when no teacher folder is chosen. Stronger teachers are Hugging Face vision model folders (config.json + model.safetensors) such as DINOv2 (facebook/dinov2-small, -base, -large) or CLIP ViT-B/16.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Works without any download&lt;/b&gt;: import photos, make training images with the augmentation generator, curate them, distil a student with the built-in teacher and export it to ONNX.&lt;/p&gt;&lt;p&gt;Choose the folders under Settings › Preferences. Nothing is downloaded by the workbench itself.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Vilka modeller TINT Workbench använder&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Generator&lt;/b&gt; (valfri): en Stable Diffusion 1.5- eller 2.1-base-mapp i diffusers-format (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/; vikter i safetensors), nedladdad en gång från Hugging Face Hub, till exempel med &lt;tt&gt;huggingface-cli download stable-diffusion-v1-5/stable-diffusion-v1-5&lt;/tt&gt;. Utan den skapar programmet träningsbilder genom kraftig augmentering av dina stödbilder.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Lärare&lt;/b&gt;: den inbyggda är en ImageNet-tränad MobileNetV2, som används när ingen lärarmapp har valts. Starkare lärare är mappar med Hugging Face-bildmodeller (config.json + model.safetensors), till exempel DINOv2 (facebook/dinov2-small, -base, -large) eller CLIP ViT-B/16.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Fungerar utan nedladdning&lt;/b&gt;: importera foton, skapa träningsbilder med augmenteringsgeneratorn, granska dem, destillera en elevmodell med den inbyggda läraren och exportera den till ONNX.&lt;/p&gt;&lt;p&gt;Välj mapparna under Inställningar › Inställningar. Programmet laddar inte ner något självt.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <location filename="../ui/MainWindow.cpp" line="36"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="37"/>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="38"/>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="24"/>
        <source>Browse…</source>
        <translation>Bläddra…</translation>
    </message>
</context>
<context>
    <name>SampleModel</name>
    <message>
        <location filename="../ui/gallery/SampleModel.cpp" line="39"/>
        <source>accepted</source>
        <translation>godkänd</translation>
    </message>
    <message>
        <location filename="../ui/gallery/SampleModel.cpp" line="39"/>
        <source>rejected</source>
        <translation>avvisad</translation>
    </message>
    <message>
        <location filename="../ui/gallery/SampleModel.cpp" line="39"/>
        <source>undecided</source>
        <translation>obestämd</translation>
    </message>
    <message>
        <location filename="../ui/gallery/SampleModel.cpp" line="40"/>
        <source>%1 — %2
status: %3</source>
        <translation>%1 — %2
status: %3</translation>
    </message>
    <message>
        <location filename="../ui/gallery/SampleModel.cpp" line="42"/>
        <source>teacher: %1 (%2 %)</source>
        <translation>lärare: %1 (%2 %)</translation>
    </message>
    <message>
        <location filename="../ui/gallery/SampleModel.cpp" line="43"/>
        <source>novelty: %1</source>
        <translation>nyhetsgrad: %1</translation>
    </message>
    <message>
        <location filename="../ui/gallery/SampleModel.cpp" line="44"/>
        <source>near-duplicate of %1</source>
        <translation>nära dubblett av %1</translation>
    </message>
    <message>
        <location filename="../ui/gallery/SampleModel.cpp" line="116"/>
        <source>No project is open.</source>
        <translation>Inget projekt är öppet.</translation>
    </message>
    <message>
        <location filename="../ui/gallery/SampleModel.cpp" line="152"/>
        <source>The decisions for the class &quot;%1&quot; were saved and could not be taken back: %2</source>
        <translation>Besluten för klassen ”%1” sparades och kunde inte tas tillbaka: %2</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="36"/>
        <source>Preferences</source>
        <translation>Inställningar</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="39"/>
        <source>one per core</source>
        <translation>en per kärna</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="42"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="43"/>
        <source>CUDA GPU</source>
        <translation>CUDA-GPU</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="46"/>
        <source>32-bit float (exact)</source>
        <translation>32-bitars flyttal (exakt)</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="47"/>
        <source>16-bit float (GPU only)</source>
        <translation>16-bitars flyttal (endast GPU)</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="48"/>
        <source>bfloat16 (GPU only)</source>
        <translation>bfloat16 (endast GPU)</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="58"/>
        <source>Compute threads:</source>
        <translation>Beräkningstrådar:</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation type="vanished">Enhet:</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="59"/>
        <source>Device for Stable Diffusion:</source>
        <translation>Enhet för Stable Diffusion:</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="60"/>
        <source>Inversion and TINT sampling run on this device; the teacher and the student&apos;s training use the CPU.</source>
        <translation>Inversion och TINT-sampling körs på denna enhet; läraren och elevens träning använder CPU:n.</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="62"/>
        <source>Precision:</source>
        <translation>Precision:</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="63"/>
        <source>Stable Diffusion folder:</source>
        <translation>Stable Diffusion-mapp:</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="63"/>
        <source>Choose a diffusers folder</source>
        <translation>Välj en diffusers-mapp</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="65"/>
        <source>Teacher folder:</source>
        <translation>Lärarmapp:</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="65"/>
        <source>Choose a teacher model folder</source>
        <translation>Välj en mapp med lärarmodell</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="84"/>
        <source>Found: %1</source>
        <translation>Hittade: %1</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="86"/>
        <source>Cannot be used: %1</source>
        <translation>Kan inte användas: %1</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="92"/>
        <source>None: the augmentation generator is used instead of Stable Diffusion.</source>
        <translation>Ingen: augmenteringsgeneratorn används i stället för Stable Diffusion.</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="97"/>
        <source>None: the built-in ImageNet MobileNetV2 is the teacher.</source>
        <translation>Ingen: den inbyggda ImageNet-MobileNetV2 är läraren.</translation>
    </message>
    <message>
        <location filename="../ui/SettingsDialog.cpp" line="102"/>
        <source>A chosen folder cannot be used (in red): fix it or leave it empty.</source>
        <translation>En vald mapp kan inte användas (i rött): rätta den eller lämna den tom.</translation>
    </message>
</context>
<context>
    <name>SupportImageModel</name>
    <message>
        <location filename="../ui/models/SupportImageModel.cpp" line="89"/>
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
        <location filename="../ui/panes/SupportPane.cpp" line="29"/>
        <source>Classes</source>
        <translation>Klasser</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="30"/>
        <source>&amp;Add class…</source>
        <translation>&amp;Lägg till klass…</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="31"/>
        <source>Rename</source>
        <translation>Byt namn</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="32"/>
        <source>Delete</source>
        <translation>Ta bort</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="40"/>
        <source>&lt;b&gt;Classes&lt;/b&gt;</source>
        <translation>&lt;b&gt;Klasser&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="61"/>
        <source>Support images</source>
        <translation>Stödbilder</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="62"/>
        <source>No images yet. Drop photos here, or use Import images…</source>
        <translation>Inga bilder ännu. Släpp foton här eller använd Importera bilder…</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="65"/>
        <source>&amp;Import images…</source>
        <translation>&amp;Importera bilder…</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="66"/>
        <source>Import &amp;folder per class…</source>
        <translation>Importera &amp;mapp per klass…</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="67"/>
        <source>Remove selected</source>
        <translation>Ta bort markerade</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="90"/>
        <source>Remove the selected images</source>
        <translation>Ta bort de markerade bilderna</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="95"/>
        <source>Delete the selected class</source>
        <translation>Radera den markerade klassen</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="100"/>
        <source>Remove the selected images from the class (Delete). The files you imported them from are not touched.</source>
        <translation>Ta bort de markerade bilderna från klassen (Delete). Filerna du importerade dem från lämnas orörda.</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="102"/>
        <source>Delete the selected class with its images (Delete in the class list).</source>
        <translation>Radera den markerade klassen med dess bilder (Delete i klasslistan).</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="111"/>
        <source>Cannot rename the class</source>
        <translation>Kan inte byta namn på klassen</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="171"/>
        <source>No project is open. Use File › New Project or File › Open Project.</source>
        <translation>Inget projekt är öppet. Använd Arkiv › Nytt projekt eller Arkiv › Öppna projekt.</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="173"/>
        <source>Add a class to start, or import a folder with one sub-folder per class.</source>
        <translation>Lägg till en klass för att börja, eller importera en mapp med en undermapp per klass.</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SupportPane.cpp" line="175"/>
        <source>&lt;b&gt;%1&lt;/b&gt;: %n support image(s). Most work needs 1 to 10 per class.</source>
        <translation>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;: %n stödbild. Oftast behövs 1 till 10 per klass.</numerusform>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;: %n stödbilder. Oftast behövs 1 till 10 per klass.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="185"/>
        <source>Add class</source>
        <translation>Lägg till klass</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="185"/>
        <source>Class name:</source>
        <translation>Klassnamn:</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="189"/>
        <source>Cannot add the class</source>
        <translation>Kan inte lägga till klassen</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="203"/>
        <source>Not now</source>
        <translation>Inte nu</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="216"/>
        <source>Delete class</source>
        <translation>Ta bort klass</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SupportPane.cpp" line="217"/>
        <source>Delete the class &quot;%1&quot; with its %n support image(s)? This cannot be undone.</source>
        <translation>
            <numerusform>Ta bort klassen ”%1” med dess %n stödbild? Det går inte att ångra.</numerusform>
            <numerusform>Ta bort klassen ”%1” med dess %n stödbilder? Det går inte att ångra.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="222"/>
        <source>Cannot delete the class</source>
        <translation>Kan inte ta bort klassen</translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="231"/>
        <source>Remove images</source>
        <translation>Ta bort bilder</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SupportPane.cpp" line="232"/>
        <source>Remove %n support image(s) from the class &quot;%1&quot;? The project&apos;s copies are deleted; the files you imported them from are not touched.</source>
        <translation>
            <numerusform>Ta bort %n stödbild från klassen ”%1”? Projektets kopia raderas; filen du importerade den från lämnas orörd.</numerusform>
            <numerusform>Ta bort %n stödbilder från klassen ”%1”? Projektets kopior raderas; filerna du importerade dem från lämnas orörda.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/panes/SupportPane.cpp" line="238"/>
        <source>Cannot remove the images</source>
        <translation>Kan inte ta bort bilderna</translation>
    </message>
</context>
<context>
    <name>SyntheticPane</name>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="88"/>
        <source> per class</source>
        <translation> per klass</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="90"/>
        <source>TINT (Stable Diffusion)</source>
        <translation>TINT (Stable Diffusion)</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="91"/>
        <source>Augmentation of the supports</source>
        <translation>Augmentering av stödbilderna</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="92"/>
        <source>&amp;Generate</source>
        <translation>&amp;Generera</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="93"/>
        <source>Score with &amp;teacher</source>
        <translation>Bedöm med &amp;läraren</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="94"/>
        <source>The teacher labels every image: top-1 class, confidence, novelty and near-duplicates.</source>
        <translation>Läraren märker varje bild: top-1-klass, säkerhet, nyhetsgrad och nära dubbletter.</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="98"/>
        <source>Make</source>
        <translation>Skapa</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="100"/>
        <source>for</source>
        <translation>för</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="102"/>
        <source>with</source>
        <translation>med</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="111"/>
        <source>All</source>
        <translation>Alla</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="112"/>
        <source>Undecided</source>
        <translation>Obestämda</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="113"/>
        <source>Accepted</source>
        <translation>Godkända</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="114"/>
        <source>Rejected</source>
        <translation>Avvisade</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="116"/>
        <source>Newest first</source>
        <translation>Nyaste först</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="117"/>
        <source>Oldest first</source>
        <translation>Äldsta först</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="118"/>
        <source>Teacher confidence, lowest first</source>
        <translation>Lärarens säkerhet, lägsta först</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="119"/>
        <source>Teacher confidence, highest first</source>
        <translation>Lärarens säkerhet, högsta först</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="120"/>
        <source>Novelty, highest first</source>
        <translation>Nyhetsgrad, högsta först</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="121"/>
        <source>Near-duplicates only</source>
        <translation>Endast nära dubbletter</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="123"/>
        <source>Show:</source>
        <translation>Visa:</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="149"/>
        <source>&amp;Accept selected</source>
        <translation>G&amp;odkänn markerade</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="150"/>
        <source>&amp;Reject selected</source>
        <translation>A&amp;vvisa markerade</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="155"/>
        <source>Reject below teacher confidence</source>
        <translation>Avvisa under lärarens säkerhet</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="156"/>
        <source>Rejects the shown images whose teacher confidence in their own class is below the threshold, including those the teacher puts in another class. Accepted images stay accepted.</source>
        <translation>Avvisar de visade bilder vars lärarsäkerhet för den egna klassen ligger under tröskeln, även dem som läraren placerar i en annan klass. Godkända bilder förblir godkända.</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="159"/>
        <source>Reject near-duplicates</source>
        <translation>Avvisa nära dubbletter</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="160"/>
        <source>Undo</source>
        <translation>Ångra</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="161"/>
        <source>Redo</source>
        <translation>Gör om</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="177"/>
        <source>Keys: arrows move, A accepts, R rejects, Space toggles, Ctrl+Z undoes, Ctrl+Shift+Z redoes. Every decision is saved at once.</source>
        <translation>Tangenter: pilar flyttar, A godkänner, R avvisar, mellanslag växlar, Ctrl+Z ångrar, Ctrl+Skift+Z gör om. Varje beslut sparas direkt.</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="297"/>
        <source>Open a project first.</source>
        <translation>Öppna ett projekt först.</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="301"/>
        <source>No synthetic images yet. Press Generate: they appear here as they are made.</source>
        <translation>Inga syntetiska bilder ännu. Tryck på Generera: de visas här när de skapas.</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SyntheticPane.cpp" line="305"/>
        <source>%n image(s) shown</source>
        <translation>
            <numerusform>%n bild visas</numerusform>
            <numerusform>%n bilder visas</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="306"/>
        <source>accepted: %1, rejected: %2, undecided: %3</source>
        <translation>godkända: %1, avvisade: %2, obestämda: %3</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="329"/>
        <source>Cannot undo the decision</source>
        <translation>Kan inte ångra beslutet</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="340"/>
        <source>Cannot redo the decision</source>
        <translation>Kan inte göra om beslutet</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="349"/>
        <source>Cannot save the decision</source>
        <translation>Kan inte spara beslutet</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SyntheticPane.cpp" line="373"/>
        <source>reject %n image(s)</source>
        <translation>
            <numerusform>avvisa %n bild</numerusform>
            <numerusform>avvisa %n bilder</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SyntheticPane.cpp" line="374"/>
        <source>accept %n image(s)</source>
        <translation>
            <numerusform>godkänn %n bild</numerusform>
            <numerusform>godkänn %n bilder</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SyntheticPane.cpp" line="408"/>
        <source>reject %n image(s) below %1 % confidence</source>
        <translation>
            <numerusform>avvisa %n bild under %1 % säkerhet</numerusform>
            <numerusform>avvisa %n bilder under %1 % säkerhet</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SyntheticPane.cpp" line="409"/>
        <source>Rejected %n image(s) below %1 % teacher confidence in their class or of another class.</source>
        <translation>
            <numerusform>Avvisade %n bild under %1 % lärarsäkerhet för sin klass eller av en annan klass.</numerusform>
            <numerusform>Avvisade %n bilder under %1 % lärarsäkerhet för sin klass eller av en annan klass.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SyntheticPane.cpp" line="411"/>
        <source>%n accepted image(s) kept.</source>
        <translation>
            <numerusform>%n godkänd bild behölls.</numerusform>
            <numerusform>%n godkända bilder behölls.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SyntheticPane.cpp" line="412"/>
        <source>%n image(s) not scored yet (Score with teacher).</source>
        <translation>
            <numerusform>%n bild är inte bedömd ännu (Bedöm med läraren).</numerusform>
            <numerusform>%n bilder är inte bedömda ännu (Bedöm med läraren).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/panes/SyntheticPane.cpp" line="426"/>
        <source>reject %n near-duplicate(s)</source>
        <translation>
            <numerusform>avvisa %n nära dubblett</numerusform>
            <numerusform>avvisa %n nära dubbletter</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="127"/>
        <source>Sort:</source>
        <translation>Sortera:</translation>
    </message>
    <message>
        <location filename="../ui/panes/SyntheticPane.cpp" line="257"/>
        <source>All classes</source>
        <translation>Alla klasser</translation>
    </message>
</context>
<context>
    <name>WorkflowController</name>
    <message>
        <location filename="../app/WorkflowController.cpp" line="168"/>
        <source>%1: %2 of %3</source>
        <translation>%1: %2 av %3</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="169"/>
        <source>about %1 min left</source>
        <translation>ungefär %1 min kvar</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="194"/>
        <source>Settings in the project file</source>
        <translation>Inställningar i projektfilen</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="194"/>
        <source>%1
The defaults are used instead.</source>
        <translation>%1
Standardvärdena används i stället.</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="206"/>
        <source>Cannot save the project</source>
        <translation>Kan inte spara projektet</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="237"/>
        <source>Reading the synthetic images</source>
        <translation>Läser de syntetiska bilderna</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="280"/>
        <source>The Stable Diffusion folder cannot be used: %1</source>
        <translation>Stable Diffusion-mappen kan inte användas: %1</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="295"/>
        <source>No diffusion model is configured, so the augmentation generator makes the training images from your support photos (crops, flips, colour changes). Choose a Stable Diffusion folder under Settings › Preferences to use TINT.</source>
        <translation>Ingen diffusionsmodell är vald, så augmenteringsgeneratorn skapar träningsbilderna från dina stödbilder (beskärningar, speglingar, färgändringar). Välj en Stable Diffusion-mapp under Inställningar › Inställningar för att använda TINT.</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="299"/>
        <source>TINT needs finished inversions: run them in step 2. Until then the augmentation generator is used.</source>
        <translation>TINT behöver avslutade inversioner: kör dem i steg 2. Till dess används augmenteringsgeneratorn.</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="312"/>
        <source>TINT makes images of the inverted classes only: %1. Not inverted yet (step 2): %2; for them choose the augmentation generator.</source>
        <translation>TINT gör bilder endast av de inverterade klasserna: %1. Inte inverterade ännu (steg 2): %2; välj augmenteringsgeneratorn för dem.</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="368"/>
        <source>No Stable Diffusion model</source>
        <translation>Ingen Stable Diffusion-modell</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="368"/>
        <source>Choose a diffusers folder under Settings › Preferences first.</source>
        <translation>Välj först en diffusers-mapp under Inställningar › Inställningar.</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="387"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="395"/>
        <source>%1 is already inverted; Start over computes it again.</source>
        <translation>%1 är redan inverterad; Börja om beräknar den på nytt.</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="397"/>
        <source>Every class is already inverted; Start over computes a class again.</source>
        <translation>Alla klasser är redan inverterade; Börja om beräknar en klass på nytt.</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="402"/>
        <source>Stored inversions out of date</source>
        <translation>Sparade inversioner inaktuella</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="403"/>
        <source>These stored inversions no longer match and would be deleted and computed again:

%1

Continue? To keep them, answer No and set the settings back.</source>
        <translation>Dessa sparade inversioner stämmer inte längre och skulle raderas och beräknas på nytt:

%1

Fortsätta? Svara Nej och ställ tillbaka inställningarna för att behålla dem.</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="412"/>
        <source>Start over</source>
        <translation>Börja om</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="413"/>
        <source>Discard the stored inversion of %1 and compute it again?</source>
        <translation>Kasta den sparade inversionen av %1 och beräkna den på nytt?</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="417"/>
        <source>Inverting %1</source>
        <translation>Inverterar %1</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="418"/>
        <source>Inverting all classes</source>
        <translation>Inverterar alla klasser</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/WorkflowController.cpp" line="442"/>
        <source>%n new image(s).</source>
        <translation>
            <numerusform>%n ny bild.</numerusform>
            <numerusform>%n nya bilder.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="463"/>
        <source>Generating images with TINT</source>
        <translation>Genererar bilder med TINT</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="472"/>
        <source>Generating images by augmentation</source>
        <translation>Genererar bilder genom augmentering</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="486"/>
        <location filename="../app/WorkflowController.cpp" line="525"/>
        <source>No teacher</source>
        <translation>Ingen lärare</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="486"/>
        <location filename="../app/WorkflowController.cpp" line="525"/>
        <source>Choose a teacher folder under Settings › Preferences.</source>
        <translation>Välj en lärarmapp under Inställningar › Inställningar.</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="491"/>
        <source>Scoring images with the teacher</source>
        <translation>Bedömer bilder med läraren</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="521"/>
        <source>Starting weights</source>
        <translation>Startvikter</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="522"/>
        <source>The built-in ImageNet MobileNetV2 was not found; choose random starting weights.</source>
        <translation>Den inbyggda ImageNet-MobileNetV2 hittades inte; välj slumpmässiga startvikter.</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="539"/>
        <source>Training the student</source>
        <translation>Tränar elevmodellen</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="555"/>
        <location filename="../app/WorkflowController.cpp" line="560"/>
        <source>Images of the cell</source>
        <translation>Cellens bilder</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="556"/>
        <source>The images of a cell can be shown when the training has ended.</source>
        <translation>Bilderna i en cell kan visas när träningen är klar.</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="561"/>
        <source>The run %1 was trained on other classes than the project has now; start a new run to look at its predictions.</source>
        <translation>Körningen %1 tränades på andra klasser än projektet har nu; starta en ny körning för att se dess förutsägelser.</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="563"/>
        <source>%1 predicted as %2</source>
        <translation>%1 klassad som %2</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="566"/>
        <source>Finding the images of the cell</source>
        <translation>Söker fram cellens bilder</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="597"/>
        <source>Export the student of %1 to ONNX</source>
        <translation>Exportera elevmodellen från %1 till ONNX</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="598"/>
        <source>ONNX models (*.onnx)</source>
        <translation>ONNX-modeller (*.onnx)</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="604"/>
        <source>Export the student</source>
        <translation>Exportera studenten</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="605"/>
        <source>%1 already exists. Replace it?</source>
        <translation>%1 finns redan. Vill du ersätta den?</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="617"/>
        <source>Exporting to ONNX</source>
        <translation>Exporterar till ONNX</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/WorkflowController.cpp" line="621"/>
        <source>Wrote %1 (%2 KB). Self-check passed: OpenCV&apos;s ONNX runtime gives the same outputs as the trained student on %n image(s), largest difference %3.</source>
        <translation>
            <numerusform>Sparade %1 (%2 kB). Självkontrollen godkänd: OpenCV:s ONNX-körmiljö ger samma utdata som den tränade elevmodellen på %n bild, största skillnad %3.</numerusform>
            <numerusform>Sparade %1 (%2 kB). Självkontrollen godkänd: OpenCV:s ONNX-körmiljö ger samma utdata som den tränade elevmodellen på %n bilder, största skillnad %3.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="628"/>
        <source>Student exported</source>
        <translation>Elevmodellen exporterad</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="635"/>
        <source>Folder for the learned tokens</source>
        <translation>Mapp för de inlärda token</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="639"/>
        <source>Embedding format</source>
        <translation>Inbäddningsformat</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="639"/>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/WorkflowController.cpp" line="694"/>
        <source>Wrote %n image(s) to %1, one folder per class</source>
        <translation>
            <numerusform>Skrev %n bild till %1, en mapp per klass</numerusform>
            <numerusform>Skrev %n bilder till %1, en mapp per klass</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="695"/>
        <source>supports: %1, synthetic: %2</source>
        <translation>stödbilder: %1, syntetiska: %2</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="638"/>
        <source>Diffusers (learned_embeds.safetensors)</source>
        <translation>Diffusers (learned_embeds.safetensors)</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="638"/>
        <source>Stable Diffusion web UI</source>
        <translation>Stable Diffusion web UI</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="650"/>
        <source>Exporting tokens</source>
        <translation>Exporterar token</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/WorkflowController.cpp" line="666"/>
        <source>Wrote %n token file(s):</source>
        <translation>
            <numerusform>Sparade %n tokenfil:</numerusform>
            <numerusform>Sparade %n tokenfiler:</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="667"/>
        <source>Not exported:</source>
        <translation>Inte exporterade:</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="669"/>
        <source>Tokens exported</source>
        <translation>Token exporterade</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="676"/>
        <source>New folder for the curated dataset</source>
        <translation>Ny mapp för den granskade datamängden</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="679"/>
        <source>Curated dataset</source>
        <translation>Granskad datamängd</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="679"/>
        <source>Include the undecided images as well as the accepted ones?</source>
        <translation>Ta med de obestämda bilderna utöver de godkända?</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="690"/>
        <source>Exporting the curated dataset</source>
        <translation>Exporterar den granskade datamängden</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="698"/>
        <source>Dataset exported</source>
        <translation>Datamängden exporterad</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="707"/>
        <source>Model card of %1</source>
        <translation>Modellkort för %1</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="709"/>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="720"/>
        <source>Cannot write the model card</source>
        <translation>Kan inte skriva modellkortet</translation>
    </message>
    <message>
        <location filename="../app/WorkflowController.cpp" line="722"/>
        <source>Wrote the model card %1.</source>
        <translation>Sparade modellkortet %1.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/main.cpp" line="34"/>
        <source>Turns a few labelled photos into a tiny, fast image classifier.</source>
        <translation>Gör några märkta foton till en liten, snabb bildklassificerare.</translation>
    </message>
    <message>
        <location filename="../app/main.cpp" line="37"/>
        <source>Open the bundled demo project.</source>
        <translation>Öppna det medföljande demoprojektet.</translation>
    </message>
    <message>
        <location filename="../app/main.cpp" line="39"/>
        <source>Render every pane to PNG files in &lt;dir&gt;, then quit.</source>
        <translation>Rita varje flik till PNG-filer i &lt;dir&gt; och avsluta sedan.</translation>
    </message>
    <message>
        <location filename="../app/main.cpp" line="42"/>
        <source>With --screenshots: first run the workflow on the project (with &lt;generator&gt; also inversion and TINT sampling; &apos;none&apos; without).</source>
        <translation>Med --screenshots: kör först arbetsflödet på projektet (med &lt;generator&gt; även inversion och TINT-sampling; &apos;none&apos; utan).</translation>
    </message>
    <message>
        <location filename="../app/main.cpp" line="49"/>
        <source>A project folder (*.tintproj) to open.</source>
        <translation>En projektmapp (*.tintproj) att öppna.</translation>
    </message>
</context>
</TS>
