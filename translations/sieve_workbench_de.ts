<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>sieve::MethodRegistry</name>
    <message>
        <location filename="../core/types/method_registry.cpp" line="+18"/>
        <source>LLM-Sieve</source>
        <translation>LLM-Sieve</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Output-aligned closed form (the LLM-Sieve projection)</source>
        <translation>Ausgabeorientierte geschlossene Lösung (die LLM-Sieve-Projektion)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>LLM-Sieve (sequential)</source>
        <translation>LLM-Sieve (sequenziell)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>LLM-Sieve with each block calibrated on the already pruned blocks before it (uniform sweep only; one calibration pass per block and level)</source>
        <translation>LLM-Sieve, jeder Block auf den bereits ausgedünnten Blöcken davor kalibriert (nur gleichmäßige Suche; ein Kalibrierungsdurchlauf je Block und Stufe)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Weight SVD</source>
        <translation>Gewichts-SVD</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Truncated SVD of the weights alone (ignores the task data)</source>
        <translation>Abgeschnittene SVD allein der Gewichte (ignoriert die Aufgabendaten)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Input PCA</source>
        <translation>Eingabe-PCA</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Top principal directions of the matrix inputs (SliceGPT-style)</source>
        <translation>Wichtigste Hauptrichtungen der Matrixeingaben (wie SliceGPT)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Wanda</source>
        <translation>Wanda</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wanda: magnitude × input-norm unstructured pruning, as a baseline</source>
        <translation>Wanda: unstrukturiertes Ausdünnen nach Betrag × Eingabenorm, als Vergleichsbasis</translation>
    </message>
</context>
<context>
    <name>sieve::app::CommandLine</name>
    <message>
        <location filename="../app/gui/main.cpp" line="+28"/>
        <source>Task-specific pruning of large language models (LLM-Sieve): calibration, projections, uniform and genetic searches, live plots.</source>
        <translation>Aufgabenspezifisches Ausdünnen großer Sprachmodelle (LLM-Sieve): Kalibrierung, Projektionen, gleichmäßige und genetische Suche, Live-Diagramme.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Session files (.h5) to open; two sessions of different tasks fill the compare view.</source>
        <translation>Zu öffnende Sitzungsdateien (.h5); zwei Sitzungen verschiedener Aufgaben füllen die Vergleichsansicht.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Once the sessions are open, save every view (window PNGs, paper PNG and PDF figures) into &lt;dir&gt; and quit.</source>
        <translation>Nach dem Öffnen der Sitzungen jede Ansicht (Fenster-PNGs, Artikel-Abbildungen als PNG und PDF) in &lt;dir&gt; speichern und beenden.</translation>
    </message>
</context>
<context>
    <name>sieve::app::EngineBridge</name>
    <message>
        <location filename="../app/gui/engine_bridge.cpp" line="+113"/>
        <source>%1: another job is running; stop it first</source>
        <translation>%1: Ein anderer Auftrag läuft; halten Sie ihn zuerst an</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 started</source>
        <translation>%1 gestartet</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1 finished</source>
        <translation>%1 abgeschlossen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 cancelled; the model is dense again</source>
        <translation>%1 abgebrochen; das Modell ist wieder dicht</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 failed: %2</source>
        <translation>%1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Opening model</source>
        <translation>Modell wird geöffnet</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The demo model was not found (set SIEVE_DEMO_DIR)</source>
        <translation>Das Demo-Modell wurde nicht gefunden (SIEVE_DEMO_DIR setzen)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Opening the demo model</source>
        <translation>Demo-Modell wird geöffnet</translation>
    </message>
    <message>
        <location line="-74"/>
        <source>Calibrated on %1 examples (%2 tokens)</source>
        <translation>Kalibriert auf %1 Beispielen (%2 Token)</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>Opened %1 (%2 layers, %3 parameters) on %4</source>
        <translation>%1 geöffnet (%2 Schichten, %3 Parameter) auf %4</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Opened the demo model on %1</source>
        <translation>Demo-Modell auf %1 geöffnet</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Opening task</source>
        <translation>Aufgabe wird geöffnet</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Task %1: %2 calibration, %3 search, %4 held-out examples</source>
        <translation>Aufgabe %1: %2 Kalibrierungs-, %3 Such- und %4 zurückgehaltene Beispiele</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Calibration</source>
        <translation>Kalibrierung</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Uniform sweep</source>
        <translation>Gleichmäßiger Durchlauf</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Genetic search</source>
        <translation>Genetische Suche</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Sensitivity scan</source>
        <translation>Sensitivitätsanalyse</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Run all</source>
        <translation>Alles ausführen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Run all finished</source>
        <translation>Gesamtlauf abgeschlossen</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Export model</source>
        <translation>Modell exportieren</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Exported %1 (%2%3) to %4: %5 of %6 parameters, %7 MB</source>
        <translation>%1 exportiert (%2%3) nach %4: %5 von %6 Parametern, %7 MB</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>, 8-bit factors</source>
        <translation>, 8-Bit-Faktoren</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>; forward %1x the dense model&apos;s speed</source>
        <translation>; Vorwärtsdurchlauf %1x so schnell wie das dichte Modell</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>LoRA recovery</source>
        <translation>LoRA-Wiederherstellung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>LoRA on %1: search %2 -&gt; %3</source>
        <translation>LoRA für %1: Suche %2 -&gt; %3</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> at level %1</source>
        <translation> auf Stufe %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>, held-out %1 -&gt; %2</source>
        <translation>, zurückgehalten %1 -&gt; %2</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+3"/>
        <source>New session</source>
        <translation>Neue Sitzung</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Opening session</source>
        <translation>Sitzung wird geöffnet</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Opened %1 read-only: %2</source>
        <translation>%1 schreibgeschützt geöffnet: %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Opened %1</source>
        <translation>%1 geöffnet</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Saving session</source>
        <translation>Sitzung wird gespeichert</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Evaluating the levels</source>
        <translation>Stufen werden ausgewertet</translation>
    </message>
    <message>
        <location line="-88"/>
        <source>Evaluate on another task</source>
        <translation>Auf einer anderen Aufgabe bewerten</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 evaluated on %2</source>
        <translation>%1 auf %2 bewertet</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>Reading session</source>
        <translation>Sitzung wird gelesen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Read %1 (read-only; genetic-search generations so far: %2)</source>
        <translation>%1 gelesen (schreibgeschützt; bisherige Generationen der genetischen Suche: %2)</translation>
    </message>
</context>
<context>
    <name>sieve::app::StartupSessions</name>
    <message>
        <location filename="../app/gui/startup_sessions.cpp" line="+69"/>
        <source>cannot create the folder %1</source>
        <translation>Ordner %1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>cannot write %1</source>
        <translation>%1 kann nicht geschrieben werden</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::AccuracyCurvePlot</name>
    <message>
        <location filename="../widgets/plots/accuracy_curve_plot.cpp" line="+21"/>
        <source>task accuracy</source>
        <translation>Genauigkeit auf der Aufgabe</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>dense accuracy a₀</source>
        <translation>dichte Genauigkeit a₀</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>(1 − ε)·a₀, ε = %1</source>
        <translation>(1 − ε)·a₀, ε = %1</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>%1 + GA</source>
        <translation>%1 + GA</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>%1 + GA, held-out</source>
        <translation>%1 + GA, zurückgehalten</translation>
    </message>
    <message>
        <location line="+101"/>
        <source>%1, 8-bit factors + LoRA</source>
        <translation>%1, 8-Bit-Faktoren + LoRA</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 + LoRA</source>
        <translation>%1 + LoRA</translation>
    </message>
    <message>
        <location line="-200"/>
        <source>prunable parameters removed (%)</source>
        <translation>entfernte ausdünnbare Parameter (%)</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>%1, 8-bit factors</source>
        <translation>%1, 8-Bit-Faktoren</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::CompareView</name>
    <message>
        <location filename="../widgets/plots/compare_view.cpp" line="+32"/>
        <location line="+1"/>
        <source>fraction pruned</source>
        <translation>ausgedünnter Anteil</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A − B</source>
        <translation>A − B</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>A: %1</source>
        <translation>A: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>B: %1</source>
        <translation>B: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A − B (red: A prunes more, blue: B prunes more)</source>
        <translation>A − B (rot: A dünnt stärker aus, blau: B dünnt stärker aus)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>A: none pinned yet (View ▸ Pin for Comparison keeps a task&apos;s GA best)</source>
        <translation>A: noch nichts angeheftet (Ansicht ▸ Für Vergleich anheften behält das beste GA-Ergebnis einer Aufgabe)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>B: the current task&apos;s GA best (none yet: run a genetic search)</source>
        <translation>B: bestes GA-Ergebnis der aktuellen Aufgabe (noch keines: genetische Suche ausführen)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A − B: shown once both A and B are there</source>
        <translation>A − B: erscheint, sobald A und B vorliegen</translation>
    </message>
    <message>
        <location line="+93"/>
        <source>shape D × H: %1</source>
        <translation>Form D × H: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A (%1): %2 pruned</source>
        <translation>A (%1): %2 ausgedünnt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>B (%1): %2 pruned</source>
        <translation>B (%1): %2 ausgedünnt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A − B: %1 points</source>
        <translation>A − B: %1 Prozentpunkte</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::EngineClient</name>
    <message>
        <location filename="../widgets/engine_client.h" line="+89"/>
        <source>This engine cannot export %1</source>
        <translation>Diese Engine kann %1 nicht exportieren</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>This engine cannot recover %1 with LoRA</source>
        <translation>Diese Engine kann %1 nicht mit LoRA wiederherstellen</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>This engine cannot evaluate single chromosomes</source>
        <translation>Diese Engine kann keine einzelnen Chromosomen auswerten</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>This engine cannot follow %1</source>
        <translation>Diese Engine kann %1 nicht verfolgen</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::ExamplesPanel</name>
    <message>
        <location filename="../widgets/playground/examples_panel.cpp" line="+39"/>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Undo the last level change (Ctrl+Z)</source>
        <translation>Letzte Stufenänderung rückgängig machen (Strg+Z)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Redo</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Redo the level change undone last (Ctrl+Shift+Z)</source>
        <translation>Zuletzt rückgängig gemachte Stufenänderung wiederholen (Strg+Umschalt+Z)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show examples</source>
        <translation>Beispiele zeigen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Score the chromosome shown, example by example (without changing a level)</source>
        <translation>Das gezeigte Chromosom Beispiel für Beispiel bewerten (ohne eine Stufe zu ändern)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reset to the GA best</source>
        <translation>Auf bestes GA-Ergebnis</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reset to dense</source>
        <translation>Auf dicht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reset every level to 0 %: the unpruned model</source>
        <translation>Jede Stufe auf 0 % zurücksetzen: das nicht ausgedünnte Modell</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Flipped by pruning</source>
        <translation>Durch Ausdünnen gekippt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Failing (pruned)</source>
        <translation>Falsch (ausgedünnt)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All examples</source>
        <translation>Alle Beispiele</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Flipped: right with one model and wrong with the other</source>
        <translation>Gekippt: mit einem Modell richtig, mit dem anderen falsch</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Only the examples of one skill (the task file&apos;s &quot;tag&quot;)</source>
        <translation>Nur die Beispiele einer Fähigkeit (das „tag“ der Aufgabendatei)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Show:</source>
        <translation>Zeigen:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Skill:</source>
        <translation>Fähigkeit:</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Split</source>
        <translation>Teil</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Skill</source>
        <translation>Fähigkeit</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Expected</source>
        <translation>Erwartet</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Dense</source>
        <translation>Dicht</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Pruned</source>
        <translation>Ausgedünnt</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Red: the pruned model gets it wrong; green: only the pruned model gets it right</source>
        <translation>Rot: das ausgedünnte Modell liegt falsch; grün: nur das ausgedünnte Modell liegt richtig</translation>
    </message>
    <message>
        <location line="+69"/>
        <source>Reset every level to %1</source>
        <translation>Jede Stufe auf %1 zurücksetzen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>the GA best</source>
        <translation>das beste GA-Ergebnis</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Playground: once a genetic search has run, scroll on a heatmap cell (or click it and pick a level) to change that matrix&apos;s level; the task is evaluated again at once.</source>
        <translation>Spielwiese: Nach einer genetischen Suche das Mausrad auf einer Heatmap-Zelle drehen (oder sie anklicken und eine Stufe wählen), um die Stufe dieser Matrix zu ändern; die Aufgabe wird sofort neu ausgewertet.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Shown: %1 (%2), %3 removed.</source>
        <translation>Gezeigt: %1 (%2), %3 entfernt.</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n matrices changed from %1 (%2): %3 removed.</source>
        <translation>
            <numerusform>%n Matrix geändert (Ausgangspunkt: %1, %2): %3 entfernt.</numerusform>
            <numerusform>%n Matrizen geändert (Ausgangspunkt: %1, %2): %3 entfernt.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Search accuracy %1 (dense %2, needs ≥ %3)%4</source>
        <translation>Suchgenauigkeit %1 (dicht %2, nötig ≥ %3)%4</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+5"/>
        <source> ⚠ below</source>
        <translation> ⚠ darunter</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>held-out %1 (dense %2, needs ≥ %3)%4</source>
        <translation>zurückgehalten %1 (dicht %2, nötig ≥ %3)%4</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Evaluating…</source>
        <translation>Wird ausgewertet…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Scroll on a heatmap cell (or click it and pick a level) to change it, or press Show examples to see how this one does.</source>
        <translation>Mausrad auf einer Heatmap-Zelle drehen (oder sie anklicken und eine Stufe wählen), um sie zu ändern, oder „Beispiele zeigen“ drücken, um zu sehen, wie dieses Chromosom abschneidet.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>(no skill tags)</source>
        <translation>(keine Fähigkeits-Tags)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>All skills</source>
        <translation>Alle Fähigkeiten</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>search</source>
        <translation>Suche</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>held-out</source>
        <translation>zurückgehalten</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>line %1: %2</source>
        <translation>Zeile %1: %2</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1 of %2 examples shown; pruning broke %3 and fixed %4</source>
        <translation>%1 von %2 Beispielen gezeigt; das Ausdünnen machte %3 falsch und %4 richtig</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::ExportDialog</name>
    <message>
        <location filename="../widgets/export/export_dialog.cpp" line="+27"/>
        <location line="+114"/>
        <source>Export Figure</source>
        <translation>Abbildung exportieren</translation>
    </message>
    <message>
        <location line="-112"/>
        <source>PDF (vector)</source>
        <translation>PDF (Vektor)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SVG (vector)</source>
        <translation>SVG (Vektor)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PNG (raster)</source>
        <translation>PNG (Raster)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CSV (plotted data)</source>
        <translation>CSV (dargestellte Daten)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Paper (one column, 8 pt)</source>
        <translation>Artikel (eine Spalte, 8 pt)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Slide (large fonts)</source>
        <translation>Folie (große Schrift)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Custom</source>
        <translation>Benutzerdefiniert</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Paper: printed size of a journal column with 8 pt text; Slide: 8 in wide with 18 pt text</source>
        <translation>Artikel: Druckgröße einer Zeitschriftenspalte mit 8-pt-Text; Folie: 8 Zoll breit mit 18-pt-Text</translation>
    </message>
    <message>
        <location line="+7"/>
        <source> in</source>
        <translation> Zoll</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> pt</source>
        <translation> pt</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> dpi</source>
        <translation> dpi</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resolution of PNG files; PDF and SVG are vector and need none</source>
        <translation>Auflösung von PNG-Dateien; PDF und SVG sind Vektorformate und brauchen keine</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Format:</source>
        <translation>&amp;Format:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Preset:</source>
        <translation>&amp;Vorlage:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Width:</source>
        <translation>&amp;Breite:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Height:</source>
        <translation>&amp;Höhe:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>F&amp;ont size:</source>
        <translation>&amp;Schriftgröße:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Resolution:</source>
        <translation>&amp;Auflösung:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>F&amp;ile:</source>
        <translation>&amp;Datei:</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>%1 × %2 pixels</source>
        <translation>%1 × %2 Pixel</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The data drawn in the figure, one row per point or cell</source>
        <translation>Die in der Abbildung dargestellten Daten, eine Zeile je Punkt oder Zelle</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 × %2 cm</source>
        <translation>%1 × %2 cm</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::FigureExport</name>
    <message>
        <location filename="../widgets/export/figure_export.cpp" line="+341"/>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>cannot open a PDF painter</source>
        <translation>PDF-Ausgabe kann nicht geöffnet werden</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>cannot open an SVG painter</source>
        <translation>SVG-Ausgabe kann nicht geöffnet werden</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>the PNG writer failed</source>
        <translation>Schreiben der PNG-Datei fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>No file name given</source>
        <translation>Kein Dateiname angegeben</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>figure size %1 × %2 in, %3 pt, %4 dpi is out of range</source>
        <translation>Abbildungsgröße %1 × %2 Zoll, %3 pt, %4 dpi liegt außerhalb des zulässigen Bereichs</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>no file was written</source>
        <translation>es wurde keine Datei geschrieben</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::GaConvergencePlot</name>
    <message>
        <location filename="../widgets/plots/ga_convergence_plot.cpp" line="+22"/>
        <source>generation</source>
        <translation>Generation</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>feasible fraction</source>
        <translation>zulässiger Anteil</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>best</source>
        <translation>Bestwert</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>mean</source>
        <translation>Mittelwert</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>feasible fraction (right axis)</source>
        <translation>zulässiger Anteil (rechte Achse)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>one chromosome</source>
        <translation>ein Chromosom</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Genetic search: no run yet</source>
        <translation>Genetische Suche: noch nicht ausgeführt</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>feasible above: accuracy ≥ %1·a₀</source>
        <translation>darüber zulässig: Genauigkeit ≥ %1·a₀</translation>
    </message>
    <message>
        <location line="-70"/>
        <source>fitness (fraction of prunable parameters removed)</source>
        <translation>Fitness (Anteil entfernter ausdünnbarer Parameter)</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::HeatmapPanel</name>
    <message>
        <location filename="../widgets/plots/heatmap_panel.cpp" line="+68"/>
        <source>layer</source>
        <translation>Schicht</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::Language</name>
    <message>
        <location filename="../widgets/common/language.cpp" line="+19"/>
        <source>System</source>
        <translation>System</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::LoraDialog</name>
    <message>
        <location filename="../widgets/panels/lora_dialog.cpp" line="+18"/>
        <source>Recover with LoRA</source>
        <translation>Mit LoRA wiederherstellen</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Every matrix at %1 % (%2)</source>
        <translation>Jede Matrix auf %1 % (%2)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The pruned model the adapters are trained for</source>
        <translation>Das beschnittene Modell, für das die Adapter trainiert werden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Pruned model:</source>
        <translation>&amp;Beschnittenes Modell:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Rank r of every adapter (PEFT&apos;s r)</source>
        <translation>Rang r jedes Adapters (r in PEFT)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Rank:</source>
        <translation>&amp;Rang:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>lora_alpha: the adapters&apos; output is scaled by alpha / r</source>
        <translation>lora_alpha: die Ausgabe der Adapter wird mit alpha / r skaliert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Alpha:</source>
        <translation>&amp;Alpha:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Steps:</source>
        <translation>&amp;Schritte:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>AdamW&apos;s learning rate (no weight decay)</source>
        <translation>Lernrate von AdamW (ohne Weight Decay)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Learning rate:</source>
        <translation>&amp;Lernrate:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Calibration examples per step</source>
        <translation>Kalibrierungsbeispiele pro Schritt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Batch:</source>
        <translation>&amp;Batch:</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::MainWindow</name>
    <message>
        <location filename="../widgets/main_window.cpp" line="+67"/>
        <source>Sieve sessions (*.h5 *.hdf5)</source>
        <translation>Sieve-Sitzungen (*.h5 *.hdf5)</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Open a model and a task (File menu), or the demo model, then press Run all (F5)</source>
        <translation>Öffnen Sie ein Modell und eine Aufgabe (Menü Datei) oder das Demo-Modell und wählen Sie dann Alles ausführen (F5)</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Bottlenecks</source>
        <translation>Engpässe</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Accuracy lost when each matrix alone is pruned</source>
        <translation>Genauigkeitsverlust, wenn jede Matrix einzeln ausgedünnt wird</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Two tasks&apos; pruning heatmaps and their difference</source>
        <translation>Die Ausdünnungs-Heatmaps zweier Aufgaben und ihre Differenz</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Run</source>
        <translation>Ausführung</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Progress and log</source>
        <translation>Fortschritt und Protokoll</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>&amp;New Session</source>
        <translation>&amp;Neue Sitzung</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Start an empty session for the open model</source>
        <translation>Eine leere Sitzung für das geöffnete Modell beginnen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Open Session…</source>
        <translation>Sitzung ö&amp;ffnen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open a saved session and redraw every view</source>
        <translation>Eine gespeicherte Sitzung öffnen und alle Ansichten neu zeichnen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open &amp;Model…</source>
        <translation>&amp;Modell öffnen…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Ctrl+Shift+O</source>
        <translation>Ctrl+Shift+O</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open a Hugging Face directory, a GGUF file or a llama2.c checkpoint</source>
        <translation>Ein Hugging-Face-Verzeichnis, eine GGUF-Datei oder einen llama2.c-Checkpoint öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open &amp;Task…</source>
        <translation>&amp;Aufgabe öffnen…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Ctrl+T</source>
        <translation>Ctrl+T</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open a task file to prune for</source>
        <translation>Eine Aufgabendatei öffnen, für die ausgedünnt werden soll</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open &amp;Demo Model</source>
        <translation>&amp;Demo-Modell öffnen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Ctrl+D</source>
        <translation>Ctrl+D</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open the bundled demo model and its first skill</source>
        <translation>Das mitgelieferte Demo-Modell und seine erste Fähigkeit öffnen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Save Session</source>
        <translation>Sitzung &amp;speichern</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Save the session</source>
        <translation>Die Sitzung speichern</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save Session &amp;As…</source>
        <translation>Sitzung speichern &amp;unter…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the session under a new name</source>
        <translation>Die Sitzung unter einem neuen Namen speichern</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Export Figure…</source>
        <translation>Abbildung e&amp;xportieren…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export the current view as PDF, SVG, PNG or CSV</source>
        <translation>Die aktuelle Ansicht als PDF, SVG, PNG oder CSV exportieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export &amp;Pruned Model…</source>
        <translation>&amp;Ausgedünntes Modell exportieren…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Write the GA&apos;s best or a uniform optimum as a model: factorized (B and A: smaller, loads in transformers) or dense (the original shapes)</source>
        <translation>Das beste GA-Ergebnis oder ein gleichmäßiges Optimum als Modell schreiben: faktorisiert (B und A: kleiner, lädt in transformers) oder dicht (die ursprünglichen Formen)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Quit Sieve Workbench</source>
        <translation>Sieve Workbench beenden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Calibrate</source>
        <translation>&amp;Kalibrieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Measure a₀ and accumulate the Gram matrices</source>
        <translation>a₀ messen und die Gram-Matrizen aufsummieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Uniform Sweep</source>
        <translation>&amp;Gleichmäßiger Durchlauf</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Prune every matrix to the same level</source>
        <translation>Jede Matrix auf dieselbe Stufe ausdünnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Genetic Search</source>
        <translation>Ge&amp;netische Suche</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Search one level per matrix</source>
        <translation>Eine Stufe je Matrix suchen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Sensitivity</source>
        <translation>&amp;Sensitivität</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Prune each matrix alone</source>
        <translation>Jede Matrix einzeln ausdünnen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Run &amp;All</source>
        <translation>&amp;Alles ausführen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Calibrate, sweep, search and measure sensitivity</source>
        <translation>Kalibrieren, durchlaufen, suchen und Sensitivität messen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>S&amp;top</source>
        <translation>S&amp;topp</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel the running job</source>
        <translation>Den laufenden Auftrag abbrechen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ctrl+.</source>
        <translation>Ctrl+.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Recover with &amp;LoRA…</source>
        <translation>Mit &amp;LoRA wiederherstellen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Train LoRA adapters for a pruned model (the GA&apos;s best, a uniform optimum or one level) on the task&apos;s calibration split, and score it before and after</source>
        <translation>LoRA-Adapter für ein beschnittenes Modell (das beste der GA, ein gleichmäßiges Optimum oder eine Stufe) auf dem Kalibrierungsteil der Aufgabe trainieren und es vorher und nachher bewerten</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Pin for Comparison</source>
        <translation>Für Vergleich &amp;anheften</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Ctrl+P</source>
        <translation>Ctrl+P</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep this task&apos;s GA best as side A of the task comparison</source>
        <translation>Das beste GA-Ergebnis dieser Aufgabe als Seite A des Aufgabenvergleichs behalten</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Undo the last level change in the playground</source>
        <translation>Letzte Stufenänderung auf der Spielwiese rückgängig machen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ctrl+Shift+Z</source>
        <translation>Ctrl+Shift+Z</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Redo the level change undone last</source>
        <translation>Zuletzt rückgängig gemachte Stufenänderung wiederholen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reset Levels to the GA &amp;Best</source>
        <translation>Stufen auf bestes &amp;GA-Ergebnis zurücksetzen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every matrix back to the level the genetic search chose</source>
        <translation>Jede Matrix zurück auf die Stufe, die die genetische Suche gewählt hat</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reset Levels to &amp;Dense</source>
        <translation>Stufen auf &amp;dicht zurücksetzen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every matrix back to 0 % pruned: the unpruned model</source>
        <translation>Jede Matrix zurück auf 0 % ausgedünnt: das nicht ausgedünnte Modell</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About Sieve Workbench</source>
        <translation>Ü&amp;ber Sieve Workbench</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Versions of the workbench and its libraries</source>
        <translation>Versionen der Workbench und ihrer Bibliotheken</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>About the Qt toolkit</source>
        <translation>Über das Qt-Toolkit</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Run</source>
        <translation>A&amp;usführen</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Ctrl+%1</source>
        <translation>Ctrl+%1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The new language applies the next time Sieve Workbench starts.</source>
        <translation>Die neue Sprache gilt ab dem nächsten Start von Sieve Workbench.</translation>
    </message>
    <message>
        <location line="+87"/>
        <source>&amp;%1 %2 — %3</source>
        <translation>&amp;%1 %2 — %3</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Untitled session</source>
        <translation>Unbenannte Sitzung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1[*] — Sieve Workbench</source>
        <translation>%1[*] — Sieve Workbench</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>no model</source>
        <translation>kein Modell</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 · %2 layers · %3 prunable params · %4</source>
        <translation>%1 · %2 Schichten · %3 ausdünnbare Parameter · %4</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>no task</source>
        <translation>keine Aufgabe</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>task %1</source>
        <translation>Aufgabe %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> · a₀ = %1</source>
        <translation> · a₀ = %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> · GA best %1 (%2)</source>
        <translation> · bestes GA-Ergebnis %1 (%2)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> · held-out %1</source>
        <translation> · zurückgehalten %1</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Unsaved results</source>
        <translation>Ungespeicherte Ergebnisse</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The session has results that are not saved. Save them first?</source>
        <translation>Die Sitzung enthält ungespeicherte Ergebnisse. Zuerst speichern?</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Open Session</source>
        <translation>Sitzung öffnen</translation>
    </message>
    <message>
        <location line="+80"/>
        <source>Save Session As</source>
        <translation>Sitzung speichern unter</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Opened %1</source>
        <translation>%1 geöffnet</translation>
    </message>
    <message>
        <location line="+140"/>
        <source>The session has no result %1: run a uniform sweep or the genetic search first, or recover one level</source>
        <translation>Die Sitzung hat kein Ergebnis %1: zuerst einen gleichmäßigen Durchlauf oder die genetische Suche ausführen, oder eine Stufe wiederherstellen</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>LoRA recovery at level %1…</source>
        <translation>LoRA-Wiederherstellung auf Stufe %1…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>LoRA recovery of %1…</source>
        <translation>LoRA-Wiederherstellung von %1…</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>Opened model %1: %2 matrices in %3 layers on %4</source>
        <translation>Modell %1 geöffnet: %2 Matrizen in %3 Schichten auf %4</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Genetic search with %1: generation %2 running, %3 chromosomes each</source>
        <translation>Genetische Suche mit %1: Generation %2 läuft, je %3 Chromosomen</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Genetic search (%1) stopped early after generation %2 of %3: the best has not improved for %4 generations (patience)</source>
        <translation>Genetische Suche (%1) nach Generation %2 von %3 vorzeitig beendet: das beste Ergebnis hat sich %4 Generationen lang nicht verbessert (Geduld)</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>the GA best</source>
        <translation>das beste GA-Ergebnis</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Held-out check of the %1 GA best: accuracy %2 on %3 examples no search saw (dense %4), %5 removed</source>
        <translation>Prüfung des besten GA-Ergebnisses (%1) auf zurückgehaltenen Beispielen: Genauigkeit %2 auf %3 Beispielen, die keine Suche sah (dicht %4), %5 entfernt</translation>
    </message>
    <message>
        <location line="+6"/>
        <source> — below (1 − ε) × dense = %1</source>
        <translation> — unter (1 − ε) × dicht = %1</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>There is no pruned model to export yet: run a uniform sweep or the genetic search first</source>
        <translation>Es gibt noch kein ausgedünntes Modell zum Exportieren: zuerst einen gleichmäßigen Durchlauf oder die genetische Suche ausführen</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+9"/>
        <source>Export Pruned Model</source>
        <translation>Ausgedünntes Modell exportieren</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>Factorized: B and A per matrix (smaller; transformers loads it with trust_remote_code)</source>
        <translation>Faktorisiert: B und A je Matrix (kleiner; transformers lädt es mit trust_remote_code)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Factorized with 8-bit factors (int8 and one scale per direction)</source>
        <translation>Faktorisiert mit 8-Bit-Faktoren (int8 und ein Skalenfaktor je Richtung)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dense: B A multiplied back (the original shapes; loads anywhere)</source>
        <translation>Dicht: B A zurückmultipliziert (die ursprünglichen Formen; lädt überall)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Form:</source>
        <translation>Form:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export Into (a new or empty folder)</source>
        <translation>Exportieren nach (ein neuer oder leerer Ordner)</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Exporting %1 to %2…</source>
        <translation>%1 wird nach %2 exportiert…</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>bottleneck: pruned alone to %1 it loses %2 accuracy (more than ε·a₀ = %3)</source>
        <translation>Engpass: einzeln auf %1 ausgedünnt verliert sie %2 Genauigkeit (mehr als ε·a₀ = %3)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>bottleneck: alone at %1 it loses &gt; ε·a₀</source>
        <translation>Engpass: einzeln bei %1 verliert sie &gt; ε·a₀</translation>
    </message>
    <message>
        <location line="-392"/>
        <source>Open Task</source>
        <translation>Aufgabe öffnen</translation>
    </message>
    <message>
        <location line="-589"/>
        <source>Convergence</source>
        <translation>Konvergenz</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Heatmap</source>
        <translation>Heatmap</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Compare</source>
        <translation>Vergleich</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>GA convergence: best and mean fitness, every chromosome and the feasible fraction per generation</source>
        <translation>GA-Konvergenz: beste und mittlere Fitness, jedes Chromosom und der zulässige Anteil je Generation</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Pruning level of every matrix in the GA&apos;s best chromosome, and the playground: scroll on a cell or click it to change its level</source>
        <translation>Ausdünnungsstufe jeder Matrix im besten Chromosom der GA, und die Spielwiese: Mausrad auf einer Zelle drehen oder sie anklicken, um ihre Stufe zu ändern</translation>
    </message>
    <message>
        <location line="+17"/>
        <location line="+1021"/>
        <source>Pruning levels: no genetic search yet</source>
        <translation>Ausdünnungsstufen: noch keine genetische Suche</translation>
    </message>
    <message>
        <location line="-456"/>
        <source>Tasks (*.json *.jsonl *.yaml *.yml);;All files (*)</source>
        <translation>Aufgaben (*.json *.jsonl *.yaml *.yml);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Stopping…</source>
        <translation>Wird angehalten…</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+56"/>
        <source>Open a model first (File ▸ Open Demo Model, Ctrl+D)</source>
        <translation>Öffnen Sie zuerst ein Modell (Datei ▸ Demo-Modell öffnen, Strg+D)</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Sieve Workbench</source>
        <translation>Sieve Workbench</translation>
    </message>
    <message>
        <location line="+16"/>
        <location line="+4"/>
        <location line="+2"/>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <location line="-6"/>
        <location line="+4"/>
        <location line="+2"/>
        <source>Stopped</source>
        <translation>Angehalten</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Opened task %1</source>
        <translation>Aufgabe %1 geöffnet</translation>
    </message>
    <message>
        <location line="+234"/>
        <source>(the %1 worst of %2 outlined)</source>
        <translation>(die %1 stärksten von %2 umrandet)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Nothing to pin yet: run a genetic search first</source>
        <translation>Noch nichts zum Anheften: Führen Sie zuerst eine genetische Suche aus</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>task A</source>
        <translation>Aufgabe A</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pinned %1 for comparison</source>
        <translation>%1 für den Vergleich angeheftet</translation>
    </message>
    <message>
        <location line="+21"/>
        <location line="+1"/>
        <source>current task</source>
        <translation>aktuelle Aufgabe</translation>
    </message>
    <message>
        <location line="-1"/>
        <location line="+5"/>
        <source>%1, GA best</source>
        <translation>%1, bestes GA-Ergebnis</translation>
    </message>
    <message>
        <location line="-4"/>
        <location line="+5"/>
        <source>%1, GA best with %2</source>
        <translation>%1, bestes GA-Ergebnis mit %2</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>Genetic search with %1 (ε = %2, %3 chromosomes per generation): best %4 removed, search accuracy %5</source>
        <translation>Genetische Suche mit %1 (ε = %2, %3 Chromosomen je Generation): bestes %4 entfernt, Suchgenauigkeit %5</translation>
    </message>
    <message>
        <location line="+5"/>
        <location filename="../widgets/main_window_playground.cpp" line="+136"/>
        <location line="+8"/>
        <source>, held-out %1</source>
        <translation>, zurückgehalten %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Genetic search: no run yet</source>
        <translation>Genetische Suche: noch nicht ausgeführt</translation>
    </message>
    <message>
        <location line="+31"/>
        <location line="+1"/>
        <source>Exported %1</source>
        <translation>%1 exportiert</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>About Sieve Workbench</source>
        <translation>Über Sieve Workbench</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;h3&gt;Sieve Workbench&lt;/h3&gt;&lt;p&gt;Task-specific pruning of large language models with output-aligned projections and a genetic search (LLM-Sieve).&lt;/p&gt;&lt;pre&gt;%1&lt;/pre&gt;</source>
        <translation>&lt;h3&gt;Sieve Workbench&lt;/h3&gt;&lt;p&gt;Aufgabenspezifisches Ausdünnen großer Sprachmodelle mit ausgabeorientierten Projektionen und einer genetischen Suche (LLM-Sieve).&lt;/p&gt;&lt;pre&gt;%1&lt;/pre&gt;</translation>
    </message>
    <message>
        <location filename="../widgets/main_window_playground.cpp" line="-110"/>
        <location line="+23"/>
        <source>Levels can be changed once the running job has finished</source>
        <translation>Stufen lassen sich ändern, sobald der laufende Auftrag beendet ist</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Level of %1</source>
        <translation>Stufe von %1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 pruned (dense)</source>
        <translation>%1 ausgedünnt (dicht)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 pruned</source>
        <translation>%1 ausgedünnt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  (%1)</source>
        <translation>  (%1)</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>the best of generation %1</source>
        <translation>das beste Ergebnis der Generation %1</translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>Playground (%1): %n matrices changed from %2, %3 removed</source>
        <translation>
            <numerusform>Spielwiese (%1): %n Matrix geändert (Ausgangspunkt: %2), %3 entfernt</numerusform>
            <numerusform>Spielwiese (%1): %n Matrizen geändert (Ausgangspunkt: %2), %3 entfernt</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>GA best (%1), generation %2: %3 removed</source>
        <translation>Bestes GA-Ergebnis (%1), Generation %2: %3 entfernt</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Replay (%1): best of generation %2, %3 removed</source>
        <translation>Wiedergabe (%1): bestes Ergebnis der Generation %2, %3 entfernt</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+5"/>
        <source>, search accuracy %1</source>
        <translation>, Suchgenauigkeit %1</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>, evaluating…</source>
        <translation>, wird ausgewertet…</translation>
    </message>
    <message>
        <location filename="../widgets/main_window.cpp" line="-995"/>
        <source>E&amp;valuate Result on Another Task…</source>
        <translation>Ergebnis auf anderer Aufgabe &amp;bewerten…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Score the GA&apos;s best or a uniform optimum on another task file, beside the dense model: does what the search kept generalise?</source>
        <translation>Das beste Individuum des GA oder ein gleichmäßiges Optimum auf einer anderen Aufgabendatei bewerten, neben dem dichten Modell: verallgemeinert, was die Suche behalten hat?</translation>
    </message>
    <message>
        <location line="+727"/>
        <source>%1 on %2: dense %3, pruned %4 on %5 examples, %6 % of the prunable parameters removed</source>
        <translation>%1 auf %2: dicht %3, ausgedünnt %4 auf %5 Beispielen, %6 % der ausdünnbaren Parameter entfernt</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>; %1 examples lost, %2 gained, McNemar p = %3</source>
        <translation>; %1 Beispiele verloren, %2 gewonnen, McNemar p = %3</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>There is no result to evaluate yet: run a uniform sweep or the genetic search first</source>
        <translation>Es gibt noch kein Ergebnis zu bewerten: zuerst einen gleichmäßigen Durchlauf oder die genetische Suche starten</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Evaluate Result on Another Task</source>
        <translation>Ergebnis auf anderer Aufgabe bewerten</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Result to apply:</source>
        <translation>Anzuwendendes Ergebnis:</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>Task to Evaluate On</source>
        <translation>Aufgabe für die Bewertung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tasks (*.json *.jsonl);;All files (*)</source>
        <translation>Aufgaben (*.json *.jsonl);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+44"/>
        <location line="+10"/>
        <source>The session has no result %1</source>
        <translation>Die Sitzung enthält kein Ergebnis %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Evaluating %1 on %2…</source>
        <translation>Bewerte %1 auf %2…</translation>
    </message>
    <message>
        <location line="-949"/>
        <source>Accuracy against the share of prunable parameters removed (embeddings and lm_head are never pruned), per method</source>
        <translation>Genauigkeit über dem Anteil entfernter ausdünnbarer Parameter (Embeddings und lm_head werden nie ausgedünnt), je Methode</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>&amp;Follow Session…</source>
        <translation>Sitzung &amp;verfolgen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show a session another process is writing (a cluster run) and redraw as it grows; read-only</source>
        <translation>Eine Sitzung anzeigen, die ein anderer Prozess schreibt (ein Cluster-Lauf), und neu zeichnen, während sie wächst; schreibgeschützt</translation>
    </message>
    <message>
        <location line="+324"/>
        <source>Follow Session</source>
        <translation>Sitzung verfolgen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Following %1 (read-only)</source>
        <translation>Verfolge %1 (schreibgeschützt)</translation>
    </message>
    <message>
        <location line="+94"/>
        <source>Following %1 (read-only), read at %2</source>
        <translation>Verfolge %1 (schreibgeschützt), gelesen um %2</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::MemoryPlanView</name>
    <message>
        <location filename="../widgets/panels/memory_plan_view.cpp" line="+10"/>
        <source>load</source>
        <translation>Laden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>calibrate</source>
        <translation>Kalibrieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>project</source>
        <translation>Projizieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>search</source>
        <translation>Suche</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>%1 GiB</source>
        <translation>%1 GiB</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Memory: planned once a model is open</source>
        <translation>Speicher: geplant, sobald ein Modell geöffnet ist</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Memory: fits · peak %1 of %2 on %3 (%4)</source>
        <translation>Speicher: passt · Spitze %1 von %2 auf %3 (%4)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Memory: does not fit: %1</source>
        <translation>Speicher: passt nicht: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>phase</source>
        <translation>Phase</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>host</source>
        <translation>Host</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>available</source>
        <translation>verfügbar</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Weights %1, boundary states %2, one block&apos;s Gram matrices %3</source>
        <translation>Gewichte %1, Grenzzustände %2, Gram-Matrizen eines Blocks %3</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Boundary states wait in host memory.</source>
        <translation>Die Grenzzustände warten im Hauptspeicher.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Calibration runs one block at a time on the device.</source>
        <translation>Die Kalibrierung läuft Block für Block auf dem Gerät.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Some factors wait in host memory.</source>
        <translation>Einige Faktoren warten im Hauptspeicher.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Each method&apos;s factors are freed after its sweep.</source>
        <translation>Die Faktoren jeder Methode werden nach ihrem Durchlauf freigegeben.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Predicted peak memory per phase of the run</source>
        <translation>Vorhergesagter Spitzenspeicher je Phase des Laufs</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::ModelPanel</name>
    <message>
        <location filename="../widgets/panels/model_panel.cpp" line="+15"/>
        <source>Matrix</source>
        <translation>Matrix</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>D × H</source>
        <translation>D × H</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Prunable matrices of the open model; select one to find it on the heatmaps</source>
        <translation>Ausdünnbare Matrizen des geöffneten Modells; eine auswählen, um sie in den Heatmaps zu finden</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>layer %1</source>
        <translation>Schicht %1</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::OpenModelDialog</name>
    <message>
        <location filename="../widgets/panels/open_model_dialog.cpp" line="+25"/>
        <location line="+98"/>
        <source>Open Model</source>
        <translation>Modell öffnen</translation>
    </message>
    <message>
        <location line="-93"/>
        <source>Hugging Face folder, .gguf file or llama2.c .bin</source>
        <translation>Hugging-Face-Ordner, .gguf-Datei oder llama2.c-.bin</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Model:</source>
        <translation>&amp;Modell:</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+30"/>
        <source>Automatic (%1)</source>
        <translation>Automatisch (%1)</translation>
    </message>
    <message>
        <location line="-29"/>
        <location line="+3"/>
        <source>CUDA GPU</source>
        <translation>CUDA-GPU</translation>
    </message>
    <message>
        <location line="-3"/>
        <location line="+2"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Where the model runs; Automatic picks a CUDA GPU when there is one</source>
        <translation>Wo das Modell läuft; Automatisch wählt eine CUDA-GPU, wenn eine vorhanden ist</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Device:</source>
        <translation>&amp;Gerät:</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>Models (*.gguf *.bin config.json *.safetensors)</source>
        <translation>Modelle (*.gguf *.bin config.json *.safetensors)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>All files (*)</source>
        <translation>Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="-70"/>
        <source>Compute d&amp;type:</source>
        <translation>Rechen-Da&amp;tentyp:</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>The dtype weights, activations and factors are kept in; the factorizations are computed in float64 either way. bfloat16 halves the memory of float32.</source>
        <translation>Der Datentyp, in dem Gewichte, Aktivierungen und Faktoren gehalten werden; die Faktorisierungen werden in jedem Fall in float64 berechnet. bfloat16 halbiert den Speicher gegenüber float32.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Automatic here: %1</source>
        <translation>Automatisch hier: %1</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::Playground</name>
    <message>
        <location filename="../widgets/playground/playground.cpp" line="+106"/>
        <location line="+11"/>
        <source>Set %1 to %2 pruned</source>
        <translation>%1 auf %2 ausgedünnt setzen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Reset to %1</source>
        <translation>Zurück auf %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Reset to the dense model</source>
        <translation>Zurück auf das dichte Modell</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::ProgressPanel</name>
    <message>
        <location filename="../widgets/panels/progress_panel.cpp" line="+27"/>
        <source>The log of every job appears here</source>
        <translation>Hier erscheint das Protokoll jedes Auftrags</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Idle</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>ETA %1</source>
        <translation>Restzeit %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>elapsed %1</source>
        <translation>vergangen %1</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::ProgressText</name>
    <message>
        <location filename="../widgets/panels/progress_text.cpp" line="+33"/>
        <source>Genetic search (%1): generation %2 of %3, %4 models each</source>
        <translation>Genetische Suche (%1): Generation %2 von %3, je %4 Modelle</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Uniform sweep (%1): level %2 of %3</source>
        <translation>Gleichmäßiger Durchlauf (%1): Stufe %2 von %3</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>, last: %1 pruned</source>
        <translation>, zuletzt: %1 ausgedünnt</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sensitivity scan (%1): matrix %2 of %3</source>
        <translation>Sensitivitätsanalyse (%1): Matrix %2 von %3</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Factoring the matrices (%1): %2 of %3</source>
        <translation>Zerlegung der Matrizen (%1): %2 von %3</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Calibrating (Gram matrices): batch %1 of %2</source>
        <translation>Kalibrierung (Gram-Matrizen): Stapel %1 von %2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Evaluating the task: example %1 of %2</source>
        <translation>Auswertung der Aufgabe: Beispiel %1 von %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Held-out check: step %1 of %2</source>
        <translation>Prüfung auf zurückgehaltenen Beispielen: Schritt %1 von %2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Opening the model: step %1 of %2</source>
        <translation>Modell wird geöffnet: Schritt %1 von %2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Exporting the pruned model</source>
        <translation>Ausgedünntes Modell wird exportiert</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::PruningHeatmap</name>
    <message>
        <location filename="../widgets/plots/pruning_heatmap.cpp" line="+22"/>
        <source>fraction pruned</source>
        <translation>ausgedünnter Anteil</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>bottleneck</source>
        <translation>Engpass</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>changed by you (playground)</source>
        <translation>von Ihnen geändert (Spielwiese)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>selected matrix</source>
        <translation>ausgewählte Matrix</translation>
    </message>
    <message>
        <location line="+157"/>
        <source>shape D × H: %1</source>
        <translation>Form D × H: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>level: not searched yet</source>
        <translation>Stufe: noch nicht gesucht</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>level: %1 pruned (rank %2)</source>
        <translation>Stufe: %1 ausgedünnt (Rang %2)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>dense</source>
        <translation>dicht</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>parameters kept: %1 of %2 (%3)</source>
        <translation>behaltene Parameter: %1 von %2 (%3)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>changed by you in the playground</source>
        <translation>von Ihnen auf der Spielwiese geändert</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::ReplayBar</name>
    <message>
        <location filename="../widgets/plots/replay_bar.cpp" line="+17"/>
        <source>Replay the genetic search from its first generation</source>
        <translation>Die genetische Suche ab ihrer ersten Generation wiedergeben</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Generation of the genetic search to show: the convergence plot stops there and the heatmap shows the best chromosome found by then</source>
        <translation>Anzuzeigende Generation der genetischen Suche: das Konvergenzdiagramm endet dort, und die Heatmap zeigt das bis dahin beste Chromosom</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Replay the search:</source>
        <translation>Suche wiedergeben:</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Play</source>
        <translation>Abspielen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no generations yet</source>
        <translation>noch keine Generationen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>generation %1 of %2 (latest)</source>
        <translation>Generation %1 von %2 (neueste)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>generation %1 of %2</source>
        <translation>Generation %1 von %2</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::ResultBanner</name>
    <message>
        <location filename="../widgets/panels/result_banner.cpp" line="+37"/>
        <source>GA best with %1 (generation %2): %3 removed · search accuracy %4 on %5 examples (needs ≥ %6)</source>
        <translation>Bestes GA-Ergebnis mit %1 (Generation %2): %3 entfernt · Suchgenauigkeit %4 auf %5 Beispielen (nötig ≥ %6)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source> · held-out accuracy %1 on %2 examples (dense %3, needs ≥ %4)</source>
        <translation> · Genauigkeit %1 auf %2 zurückgehaltenen Beispielen (dicht %3, nötig ≥ %4)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source> · held-out check not run yet (Run all ends with it)</source>
        <translation> · Prüfung auf zurückgehaltenen Beispielen noch nicht gelaufen („Alles ausführen“ endet damit)</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::ResultSummary</name>
    <message>
        <location filename="../widgets/common/result_summary.cpp" line="+65"/>
        <source>Genetic search best</source>
        <translation>Bestes Ergebnis der genetischen Suche</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Uniform optimum of %1</source>
        <translation>Gleichmäßiges Optimum von %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Held-out accuracy %1 of the %2 GA best is below (1 − ε) × dense %3 = %4: the search examples overstate how well the pruned model does on new examples.</source>
        <translation>Die Genauigkeit %1 des besten GA-Ergebnisses (%2) auf zurückgehaltenen Beispielen liegt unter (1 − ε) × dicht %3 = %4: die Suchbeispiele überschätzen, wie gut das ausgedünnte Modell neue Beispiele löst.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Only %1 search examples: ε = %2 lets a pruned model lose no example at all (one is %3 of the accuracy), so every ε below %4 is the same test. Use a larger task or a smaller held-out share.</source>
        <translation>Nur %1 Suchbeispiele: ε = %2 erlaubt einem ausgedünnten Modell, kein einziges Beispiel zu verlieren (eines ist %3 der Genauigkeit), also ist jedes ε unter %4 derselbe Test. Eine größere Aufgabe oder einen kleineren zurückgehaltenen Anteil verwenden.</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::RunPanel</name>
    <message>
        <location filename="../widgets/panels/run_panel.cpp" line="+27"/>
        <source>Projection methods</source>
        <translation>Projektionsmethoden</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Search</source>
        <translation>Suche</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+30"/>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <location line="-28"/>
        <source>Allowed accuracy loss ε: a pruned model must keep accuracy ≥ (1 − ε)·a₀</source>
        <translation>Erlaubter Genauigkeitsverlust ε: Ein ausgedünntes Modell muss eine Genauigkeit ≥ (1 − ε)·a₀ behalten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Accuracy loss ε:</source>
        <translation>Genauigkeits&amp;verlust ε:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pruning levels a matrix may take (fraction of its parameters removed), ascending, starting at 0 (dense)</source>
        <translation>Ausdünnungsstufen, die eine Matrix annehmen darf (Anteil entfernter Parameter), aufsteigend, beginnend bei 0 (dicht)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Level grid (fractions removed):</source>
        <translation>&amp;Stufenraster (entfernte Anteile):</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Chromosomes per GA generation</source>
        <translation>Chromosomen je GA-Generation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>GA &amp;population:</source>
        <translation>GA-&amp;Population:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Most GA generations (the search stops early when the best stops improving)</source>
        <translation>Höchstzahl der GA-Generationen (die Suche endet früher, wenn sich das beste Ergebnis nicht mehr verbessert)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>GA &amp;generations:</source>
        <translation>GA-Ge&amp;nerationen:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Random seed: the same seed reproduces the same search</source>
        <translation>Zufallsstartwert: Derselbe Startwert wiederholt dieselbe Suche</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Seed:</source>
        <translation>Start&amp;wert:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Level each matrix is pruned to, alone, when measuring sensitivity</source>
        <translation>Stufe, auf die jede Matrix beim Messen der Sensitivität einzeln ausgedünnt wird</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sensiti&amp;vity level:</source>
        <translation>Sensitivitäts&amp;stufe:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Calibrate</source>
        <translation>Kalibrieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Measure a₀ and accumulate the Gram matrices on the task&apos;s calibration split</source>
        <translation>a₀ messen und die Gram-Matrizen auf dem Kalibrierungsteil der Aufgabe aufsummieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Uniform sweep</source>
        <translation>Gleichmäßiger Durchlauf</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Prune every matrix to the same level; find the largest feasible level</source>
        <translation>Jede Matrix auf dieselbe Stufe ausdünnen; die höchste zulässige Stufe finden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Genetic search</source>
        <translation>Genetische Suche</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search one level per matrix with the genetic algorithm</source>
        <translation>Mit dem genetischen Algorithmus eine Stufe je Matrix suchen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sensitivity</source>
        <translation>Sensitivität</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Prune each matrix alone to find the bottlenecks</source>
        <translation>Jede Matrix einzeln ausdünnen, um die Engpässe zu finden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Run all</source>
        <translation>Alles ausführen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Calibrate, sweep, search and measure sensitivity, in that order (F5)</source>
        <translation>Kalibrieren, durchlaufen, suchen und Sensitivität messen, in dieser Reihenfolge (F5)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancel the running job; the model is left dense (Esc)</source>
        <translation>Den laufenden Auftrag abbrechen; das Modell bleibt dicht (Esc)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Recover with LoRA…</source>
        <translation>Mit LoRA wiederherstellen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Train LoRA adapters for a pruned model on the task&apos;s calibration split and score it before and after</source>
        <translation>LoRA-Adapter für ein beschnittenes Modell auf dem Kalibrierungsteil der Aufgabe trainieren und es vorher und nachher bewerten</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>level grid entry &apos;%1&apos; is not a number</source>
        <translation>Rastereintrag „%1“ ist keine Zahl</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Choose at least one projection method</source>
        <translation>Wählen Sie mindestens eine Projektionsmethode</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Level grid: %1</source>
        <translation>Stufenraster: %1</translation>
    </message>
    <message>
        <location line="-139"/>
        <source>Also with &amp;8-bit factors</source>
        <translation>Auch mit &amp;8-Bit-Faktoren</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sweep each method again with its low-rank factors quantized to 8 bits (int8, one scale per factor row) and plot that curve beside the float one. Wanda keeps masks, not factors: it gets no 8-bit curve.</source>
        <translation>Jede Methode ein zweites Mal durchlaufen, mit ihren Niedrigrang-Faktoren auf 8 Bit quantisiert (int8, ein Skalenfaktor je Faktorzeile), und diese Kurve neben der Gleitkomma-Kurve zeichnen. Wanda behält Masken statt Faktoren: dafür gibt es keine 8-Bit-Kurve.</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::SensitivityView</name>
    <message>
        <location filename="../widgets/plots/sensitivity_view.cpp" line="+47"/>
        <source>accuracy drop</source>
        <translation>Genauigkeitsverlust</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Rank</source>
        <translation>Rang</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Matrix</source>
        <translation>Matrix</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>D × H</source>
        <translation>D × H</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Drop</source>
        <translation>Verlust</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Matrices ranked by the accuracy lost when each alone is pruned; the top ones are the task&apos;s bottlenecks</source>
        <translation>Matrizen, geordnet nach dem Genauigkeitsverlust beim einzelnen Ausdünnen; die obersten sind die Engpässe der Aufgabe</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Accuracy drop with each matrix alone pruned to %1</source>
        <translation>Genauigkeitsverlust bei einzeln auf %1 ausgedünnter Matrix</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Accuracy drop with each matrix alone pruned to %1 (%2)</source>
        <translation>Genauigkeitsverlust bei einzeln auf %1 ausgedünnter Matrix (%2)</translation>
    </message>
    <message>
        <location line="+115"/>
        <source>shape D × H: %1</source>
        <translation>Form D × H: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not measured yet</source>
        <translation>noch nicht gemessen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>alone at %1: accuracy %2 (drop %3)</source>
        <translation>einzeln bei %1: Genauigkeit %2 (Verlust %3)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>rank %1 of %2</source>
        <translation>Rang %1 von %2</translation>
    </message>
</context>
<context>
    <name>sieve::widgets::VersionText</name>
    <message>
        <location filename="../widgets/common/version_text.cpp" line="+13"/>
        <source>Sieve Workbench %1
Qt %2
libtorch %3
HDF5 %4
device %5</source>
        <translation>Sieve Workbench %1
Qt %2
libtorch %3
HDF5 %4
Gerät %5</translation>
    </message>
</context>
</TS>
