<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>QObject</name>
    <message>
        <source>override row %1, %2: &apos;%3&apos; is not %4..%5, fp or empty</source>
        <translation>override row %1, %2: &apos;%3&apos; is not %4..%5, fp or empty</translation>
    </message>
</context>
<context>
    <name>tdq::views::AboutDialog</name>
    <message>
        <source>About TDQ Workbench</source>
        <translation>About TDQ Workbench</translation>
    </message>
    <message>
        <source>TDQ Workbench</source>
        <translation>TDQ Workbench</translation>
    </message>
    <message>
        <source>A workbench for studying low-bit quantization of diffusion models with TDQ, Temporal Dynamic Quantization (NeurIPS 2023), which adapts the activation quantization intervals to the denoising time step.</source>
        <translation>A workbench for studying low-bit quantization of diffusion models with TDQ, Temporal Dynamic Quantization (NeurIPS 2023), which adapts the activation quantization intervals to the denoising time step.</translation>
    </message>
    <message>
        <source>Version:</source>
        <translation>Version:</translation>
    </message>
    <message>
        <source>Qt:</source>
        <translation>Qt:</translation>
    </message>
    <message>
        <source>LibTorch:</source>
        <translation>LibTorch:</translation>
    </message>
    <message>
        <source>OpenCV:</source>
        <translation>OpenCV:</translation>
    </message>
    <message>
        <source>not built in</source>
        <translation>not built in</translation>
    </message>
    <message>
        <source>CUDA available:</source>
        <translation>CUDA available:</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>yes</translation>
    </message>
    <message>
        <source>no</source>
        <translation>no</translation>
    </message>
</context>
<context>
    <name>tdq::views::CleanTemporariesDialog</name>
    <message>
        <source>Clean Stale Temporaries</source>
        <translation>Clean Stale Temporaries</translation>
    </message>
    <message>
        <source>No leftovers of stopped runs in %1.</source>
        <translation>No leftovers of stopped runs in %1.</translation>
    </message>
    <message numerus="yes">
        <source>%n leftover(s) of runs stopped by a kill or a crash in %1. Removing them never touches a finished run, a running writer or a resumable checkpoint.</source>
        <translation>
            <numerusform>%n leftover of runs stopped by a kill or a crash in %1. Removing them never touches a finished run, a running writer or a resumable checkpoint.</numerusform>
            <numerusform>%n leftovers of runs stopped by a kill or a crash in %1. Removing them never touches a finished run, a running writer or a resumable checkpoint.</numerusform>
        </translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Remove</translation>
    </message>
    <message numerus="yes">
        <source>Removed %n leftover(s) of stopped runs from %1</source>
        <translation>
            <numerusform>Removed %n leftover of stopped runs from %1</numerusform>
            <numerusform>Removed %n leftovers of stopped runs from %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n leftover(s) of stopped runs next to this run: File &gt; Clean Stale Temporaries removes them</source>
        <translation>
            <numerusform>%n leftover of stopped runs next to this run: File &gt; Clean Stale Temporaries removes them</numerusform>
            <numerusform>%n leftovers of stopped runs next to this run: File &gt; Clean Stale Temporaries removes them</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tdq::views::CommandLine</name>
    <message>
        <source>TDQ Workbench: study low-bit quantization of diffusion models.</source>
        <translation>TDQ Workbench: study low-bit quantization of diffusion models.</translation>
    </message>
    <message>
        <source>User interface language: %1. Default: the one chosen last, else the system&apos;s.</source>
        <translation>User interface language: %1. Default: the one chosen last, else the system&apos;s.</translation>
    </message>
    <message>
        <source>language</source>
        <translation>language</translation>
    </message>
    <message>
        <source>Run folders to add to the recent runs.</source>
        <translation>Run folders to add to the recent runs.</translation>
    </message>
    <message>
        <source>[run folder...]</source>
        <translation>[run folder...]</translation>
    </message>
    <message>
        <source>Try &apos;%1 --help&apos; for more information.</source>
        <translation>Try &apos;%1 --help&apos; for more information.</translation>
    </message>
    <message>
        <source>Unknown language &apos;%1&apos;; expected one of: %2.</source>
        <translation>Unknown language &apos;%1&apos;; expected one of: %2.</translation>
    </message>
    <message>
        <source>TDQ Workbench %1 (Qt %2, LibTorch %3, OpenCV %4, CUDA available: %5)</source>
        <translation>TDQ Workbench %1 (Qt %2, LibTorch %3, OpenCV %4, CUDA available: %5)</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>yes</translation>
    </message>
    <message>
        <source>no</source>
        <translation>no</translation>
    </message>
    <message>
        <source>Write every figure and table of the run folder into --out, without a window, and exit.</source>
        <translation>Write every figure and table of the run folder into --out, without a window, and exit.</translation>
    </message>
    <message>
        <source>run</source>
        <translation>run</translation>
    </message>
    <message>
        <source>Report folder for --export-report.</source>
        <translation>Report folder for --export-report.</translation>
    </message>
    <message>
        <source>folder</source>
        <translation>folder</translation>
    </message>
    <message>
        <source>--export-report and --out go together.</source>
        <translation>--export-report and --out go together.</translation>
    </message>
    <message>
        <source>tdq-workbench: cannot export the report: %1
</source>
        <translation>tdq-workbench: cannot export the report: %1
</translation>
    </message>
    <message>
        <source>tdq-workbench: %1
</source>
        <translation>tdq-workbench: %1
</translation>
    </message>
    <message>
        <source>Report written to %1
</source>
        <translation>Report written to %1
</translation>
    </message>
</context>
<context>
    <name>tdq::views::CompareView</name>
    <message>
        <source>B better on this side</source>
        <translation>B better on this side</translation>
    </message>
    <message>
        <source>sampling step</source>
        <translation>sampling step</translation>
    </message>
    <message>
        <source>layer quantized in both (A&apos;s order)</source>
        <translation>layer quantized in both (A&apos;s order)</translation>
    </message>
    <message>
        <source>B&apos;s gain over A (dB)</source>
        <translation>B&apos;s gain over A (dB)</translation>
    </message>
    <message>
        <source>Export figure...</source>
        <translation>Export figure...</translation>
    </message>
    <message>
        <source>Input MSE (local)</source>
        <translation>Input MSE (local)</translation>
    </message>
    <message>
        <source>Input SQNR (local)</source>
        <translation>Input SQNR (local)</translation>
    </message>
    <message>
        <source>Scatter: A vs B</source>
        <translation>Scatter: A vs B</translation>
    </message>
    <message>
        <source>Heatmap: B&apos;s gain per step</source>
        <translation>Heatmap: B&apos;s gain per step</translation>
    </message>
    <message>
        <source>Open two analyze runs of one model (with a quantized twin) and choose them as A and B.</source>
        <translation>Open two analyze runs of one model (with a quantized twin) and choose them as A and B.</translation>
    </message>
    <message>
        <source>B (%1) better in %2 of %3 layers, A (%4) in %5; B better in %6 of %7 layer x step cells.</source>
        <translation>B (%1) better in %2 of %3 layers, A (%4) in %5; B better in %6 of %7 layer x step cells.</translation>
    </message>
    <message>
        <source>A: %1, %2</source>
        <translation>A: %1, %2</translation>
    </message>
    <message>
        <source>B: %1, %2</source>
        <translation>B: %1, %2</translation>
    </message>
    <message>
        <source>%1 of %2 (A) and %3 (B) per layer: %4</source>
        <translation>%1 of %2 (A) and %3 (B) per layer: %4</translation>
    </message>
    <message>
        <source>Gain of %1 (B) over %2 (A) per layer and step, dB</source>
        <translation>Gain of %1 (B) over %2 (A) per layer and step, dB</translation>
    </message>
</context>
<context>
    <name>tdq::views::ErrorView</name>
    <message>
        <source>Quantization error vs sampling step</source>
        <translation>Quantization error vs sampling step</translation>
    </message>
    <message>
        <source>time step t</source>
        <translation>time step t</translation>
    </message>
    <message>
        <source>MSE vs FP</source>
        <translation>MSE vs FP</translation>
    </message>
    <message>
        <source>layer SQNR (dB)</source>
        <translation>layer SQNR (dB)</translation>
    </message>
    <message>
        <source>Output error and the input error of %1</source>
        <translation>Output error and the input error of %1</translation>
    </message>
    <message>
        <source>output, local</source>
        <translation>output, local</translation>
    </message>
    <message>
        <source>output, trajectory</source>
        <translation>output, trajectory</translation>
    </message>
    <message>
        <source>layer input, local</source>
        <translation>layer input, local</translation>
    </message>
    <message>
        <source>layer input, trajectory</source>
        <translation>layer input, trajectory</translation>
    </message>
    <message>
        <source>layer SQNR (right axis)</source>
        <translation>layer SQNR (right axis)</translation>
    </message>
</context>
<context>
    <name>tdq::views::ExperimentPanel</name>
    <message>
        <source>Cancelling...</source>
        <translation>Cancelling...</translation>
    </message>
    <message>
        <source>Done: %1</source>
        <translation>Done: %1</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Failed: %1</translation>
    </message>
    <message>
        <source>Cancelled; no run was written.</source>
        <translation>Cancelled; no run was written.</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>Choose a folder</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Model:</translation>
    </message>
    <message>
        <source>Runs folder:</source>
        <translation>Runs folder:</translation>
    </message>
    <message>
        <source>Method:</source>
        <translation>Method:</translation>
    </message>
    <message>
        <source>Weight bits:</source>
        <translation>Weight bits:</translation>
    </message>
    <message>
        <source>Activation bits:</source>
        <translation>Activation bits:</translation>
    </message>
    <message>
        <source>Layer overrides:</source>
        <translation>Layer overrides:</translation>
    </message>
    <message>
        <source>Calibration:</source>
        <translation>Calibration:</translation>
    </message>
    <message>
        <source>QAT steps:</source>
        <translation>QAT steps:</translation>
    </message>
    <message>
        <source>Analyze samples:</source>
        <translation>Analyze samples:</translation>
    </message>
    <message>
        <source>Analyze steps:</source>
        <translation>Analyze steps:</translation>
    </message>
    <message>
        <source>Layer pattern</source>
        <translation>Layer pattern</translation>
    </message>
    <message>
        <source>W bits</source>
        <translation>W bits</translation>
    </message>
    <message>
        <source>A bits</source>
        <translation>A bits</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>method default</source>
        <translation>method default</translation>
    </message>
    <message>
        <source> samples</source>
        <translation> samples</translation>
    </message>
    <message>
        <source>Training steps for LSQ, PACT, NIPQ and TDQ (ignored by PTQ methods unless set)</source>
        <translation>Training steps for LSQ, PACT, NIPQ and TDQ (ignored by PTQ methods unless set)</translation>
    </message>
    <message>
        <source> DDIM steps</source>
        <translation> DDIM steps</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation>Ready.</translation>
    </message>
    <message>
        <source>override row %1, %2</source>
        <translation>override row %1, %2</translation>
    </message>
    <message>
        <source>override row %1: the layer pattern is empty</source>
        <translation>override row %1: the layer pattern is empty</translation>
    </message>
    <message>
        <source>Not started: %1</source>
        <translation>Not started: %1</translation>
    </message>
    <message>
        <source>Not started: cannot create the runs folder &apos;%1&apos;</source>
        <translation>Not started: cannot create the runs folder &apos;%1&apos;</translation>
    </message>
    <message>
        <source>Not started: an experiment is running already.</source>
        <translation>Not started: an experiment is running already.</translation>
    </message>
    <message>
        <source>Running %1...</source>
        <translation>Running %1...</translation>
    </message>
    <message>
        <source>ETA: estimating...</source>
        <translation>ETA: estimating...</translation>
    </message>
    <message>
        <source>ETA: %1 (%2)</source>
        <translation>ETA: %1 (%2)</translation>
    </message>
    <message>
        <source>Shell globs over module paths, e.g. up_blocks.*.conv1. Bits %1..%2; empty keeps the global bits; fp keeps that tensor (weight or input) in floating point. A bits per time window: t_min:bits from the noisiest down to 0, e.g. 600:8 200:fp 0:4.</source>
        <translation>Shell globs over module paths, e.g. up_blocks.*.conv1. Bits %1..%2; empty keeps the global bits; fp keeps that tensor (weight or input) in floating point. A bits per time window: t_min:bits from the noisiest down to 0, e.g. 600:8 200:fp 0:4.</translation>
    </message>
</context>
<context>
    <name>tdq::views::FidRunsModel</name>
    <message>
        <source>Run</source>
        <translation>Run</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Model</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Steps</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>Samples</translation>
    </message>
    <message>
        <source>Seeds</source>
        <translation>Seeds</translation>
    </message>
    <message>
        <source>FID</source>
        <translation>FID</translation>
    </message>
    <message>
        <source>IS</source>
        <translation>IS</translation>
    </message>
</context>
<context>
    <name>tdq::views::FidView</name>
    <message>
        <source>Add a FID run</source>
        <translation>Add a FID run</translation>
    </message>
    <message>
        <source>Add every FID run in</source>
        <translation>Add every FID run in</translation>
    </message>
    <message>
        <source>Add FID run...</source>
        <translation>Add FID run...</translation>
    </message>
    <message>
        <source>Add all in folder...</source>
        <translation>Add all in folder...</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>sampling steps</source>
        <translation>sampling steps</translation>
    </message>
    <message>
        <source>FID (mean ± std over seeds)</source>
        <translation>FID (mean ± std over seeds)</translation>
    </message>
    <message>
        <source>%1 is listed already.</source>
        <translation>%1 is listed already.</translation>
    </message>
    <message>
        <source>Cannot add %1: %2</source>
        <translation>Cannot add %1: %2</translation>
    </message>
    <message numerus="yes">
        <source>%n FID run(s).</source>
        <translation>
            <numerusform>%n FID run.</numerusform>
            <numerusform>%n FID runs.</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot scan %1: %2</source>
        <translation>Cannot scan %1: %2</translation>
    </message>
    <message numerus="yes">
        <source>Added %n FID run(s) from %1.</source>
        <translation>
            <numerusform>Added %n FID run from %1.</numerusform>
            <numerusform>Added %n FID runs from %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tdq::views::FigureExport</name>
    <message>
        <source>Cannot export %1: no plot or an empty size</source>
        <translation>Cannot export %1: no plot or an empty size</translation>
    </message>
    <message>
        <source>Cannot write the figure %1</source>
        <translation>Cannot write the figure %1</translation>
    </message>
</context>
<context>
    <name>tdq::views::FigureExportDialog</name>
    <message>
        <source>Export Figure</source>
        <translation>Export Figure</translation>
    </message>
    <message>
        <source>PNG (raster)</source>
        <translation>PNG (raster)</translation>
    </message>
    <message>
        <source>SVG (vector)</source>
        <translation>SVG (vector)</translation>
    </message>
    <message>
        <source>PDF (vector)</source>
        <translation>PDF (vector)</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>Browse...</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>File:</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <source>Width:</source>
        <translation>Width:</translation>
    </message>
    <message>
        <source>Height:</source>
        <translation>Height:</translation>
    </message>
    <message>
        <source>DPI (PNG):</source>
        <translation>DPI (PNG):</translation>
    </message>
    <message>
        <source>Figures (*.png *.svg *.pdf)</source>
        <translation>Figures (*.png *.svg *.pdf)</translation>
    </message>
</context>
<context>
    <name>tdq::views::HeatmapView</name>
    <message>
        <source>Thermal</source>
        <translation>Thermal</translation>
    </message>
    <message>
        <source>Polar</source>
        <translation>Polar</translation>
    </message>
    <message>
        <source>Grayscale</source>
        <translation>Grayscale</translation>
    </message>
    <message>
        <source>Jet</source>
        <translation>Jet</translation>
    </message>
    <message>
        <source>Hot</source>
        <translation>Hot</translation>
    </message>
    <message>
        <source>Linear</source>
        <translation>Linear</translation>
    </message>
    <message>
        <source>Logarithmic</source>
        <translation>Logarithmic</translation>
    </message>
    <message>
        <source>Metric:</source>
        <translation>Metric:</translation>
    </message>
    <message>
        <source>Colours:</source>
        <translation>Colours:</translation>
    </message>
    <message>
        <source>sampling step</source>
        <translation>sampling step</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>layer</translation>
    </message>
    <message>
        <source>Layer x step heatmap of %1</source>
        <translation>Layer x step heatmap of %1</translation>
    </message>
</context>
<context>
    <name>tdq::views::ImagePairCanvas</name>
    <message>
        <source>No samples: open an analyze run.</source>
        <translation>No samples: open an analyze run.</translation>
    </message>
    <message>
        <source>(no quantized samples in this run)</source>
        <translation>(no quantized samples in this run)</translation>
    </message>
    <message>
        <source>%1 | %2 (drag to swipe)</source>
        <translation>%1 | %2 (drag to swipe)</translation>
    </message>
    <message>
        <source>|%1 - %2| x %3</source>
        <translation>|%1 - %2| x %3</translation>
    </message>
</context>
<context>
    <name>tdq::views::JobDocks</name>
    <message>
        <source>FID vs sampling steps</source>
        <translation>FID vs sampling steps</translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation>Experiment</translation>
    </message>
    <message>
        <source>Sample compare</source>
        <translation>Sample compare</translation>
    </message>
    <message>
        <source>FID runs</source>
        <translation>FID runs</translation>
    </message>
</context>
<context>
    <name>tdq::views::LayerCurvesView</name>
    <message>
        <source>Activation range of the selected layer</source>
        <translation>Activation range of the selected layer</translation>
    </message>
    <message>
        <source>Activation range of %1</source>
        <translation>Activation range of %1</translation>
    </message>
    <message>
        <source>time step t</source>
        <translation>time step t</translation>
    </message>
    <message>
        <source>activation value</source>
        <translation>activation value</translation>
    </message>
    <message>
        <source>FP min / max</source>
        <translation>FP min / max</translation>
    </message>
    <message>
        <source>p0.1 / p99.9</source>
        <translation>p0.1 / p99.9</translation>
    </message>
    <message>
        <source>%1 interval (%2, A%3)</source>
        <translation>%1 interval (%2, A%3)</translation>
    </message>
    <message numerus="yes">
        <source>clipped (%n steps)</source>
        <translation>
            <numerusform>clipped (%n step)</numerusform>
            <numerusform>clipped (%n steps)</numerusform>
        </translation>
    </message>
    <message>
        <source>oracle interval s*(t) (MSE-optimal per step)</source>
        <translation>oracle interval s*(t) (MSE-optimal per step)</translation>
    </message>
</context>
<context>
    <name>tdq::views::LayerTableModel</name>
    <message>
        <source>Module path</source>
        <translation>Module path</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>W bits</source>
        <translation>W bits</translation>
    </message>
    <message>
        <source>A bits</source>
        <translation>A bits</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Method</translation>
    </message>
    <message>
        <source>Pearson r</source>
        <translation>Pearson r</translation>
    </message>
    <message>
        <source>Mean range</source>
        <translation>Mean range</translation>
    </message>
    <message>
        <source>MSE</source>
        <translation>MSE</translation>
    </message>
    <message>
        <source>SQNR (dB)</source>
        <translation>SQNR (dB)</translation>
    </message>
    <message>
        <source>Clip %</source>
        <translation>Clip %</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>Grid</translation>
    </message>
    <message>
        <source>W step</source>
        <translation>W step</translation>
    </message>
    <message>
        <source>%1 of %2: &apos;%3&apos; is not %4..%5 or fp</source>
        <translation>%1 of %2: &apos;%3&apos; is not %4..%5 or fp</translation>
    </message>
    <message>
        <source>Edited; as placed: %1</source>
        <translation>Edited; as placed: %1</translation>
    </message>
    <message>
        <source>%1..%2 or fp; edit, then start an experiment with these bits</source>
        <translation>%1..%2 or fp; edit, then start an experiment with these bits</translation>
    </message>
</context>
<context>
    <name>tdq::views::LayerTableView</name>
    <message>
        <source>Filter layers by module path</source>
        <translation>Filter layers by module path</translation>
    </message>
    <message>
        <source>No run is open.</source>
        <translation>No run is open.</translation>
    </message>
    <message>
        <source>Cannot start an experiment from %1: %2</source>
        <translation>Cannot start an experiment from %1: %2</translation>
    </message>
    <message>
        <source>Start Experiment With These Bits</source>
        <translation>Start Experiment With These Bits</translation>
    </message>
    <message>
        <source>Quantize and analyze with the W/A bits shown (double-click a bits cell to edit it)</source>
        <translation>Quantize and analyze with the W/A bits shown (double-click a bits cell to edit it)</translation>
    </message>
    <message>
        <source>Reset Bits</source>
        <translation>Reset Bits</translation>
    </message>
</context>
<context>
    <name>tdq::views::MainWindow</name>
    <message>
        <source>Run folder: %1</source>
        <translation>Run folder: %1</translation>
    </message>
    <message>
        <source>TDQ Workbench</source>
        <translation>TDQ Workbench</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;Open Run...</source>
        <translation>&amp;Open Run...</translation>
    </message>
    <message>
        <source>Choose a run folder written by the tdq command line tool</source>
        <translation>Choose a run folder written by the tdq command line tool</translation>
    </message>
    <message>
        <source>&amp;Recent Runs</source>
        <translation>&amp;Recent Runs</translation>
    </message>
    <message>
        <source>&amp;Clear List</source>
        <translation>&amp;Clear List</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>&amp;Docks</source>
        <translation>&amp;Docks</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <source>&amp;System</source>
        <translation>&amp;System</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>&amp;About TDQ Workbench</source>
        <translation>&amp;About TDQ Workbench</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>About &amp;Qt</translation>
    </message>
    <message>
        <source>A workbench for studying low-bit quantization of diffusion models and Temporal Dynamic Quantization.</source>
        <translation>A workbench for studying low-bit quantization of diffusion models and Temporal Dynamic Quantization.</translation>
    </message>
    <message>
        <source>Open a run folder written by the tdq command line tool to begin. Run folders given on the command line are added to the recent runs.</source>
        <translation>Open a run folder written by the tdq command line tool to begin. Run folders given on the command line are added to the recent runs.</translation>
    </message>
    <message>
        <source>Open a run folder</source>
        <translation>Open a run folder</translation>
    </message>
    <message>
        <source>Open a recent run</source>
        <translation>Open a recent run</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>Open Run Folder</source>
        <translation>Open Run Folder</translation>
    </message>
    <message>
        <source>No translation for %1</source>
        <translation>No translation for %1</translation>
    </message>
    <message>
        <source>Shortcuts</source>
        <translation>Shortcuts</translation>
    </message>
    <message>
        <source>No run is open.</source>
        <translation>No run is open.</translation>
    </message>
    <message>
        <source>Export Report Into Folder</source>
        <translation>Export Report Into Folder</translation>
    </message>
    <message>
        <source>Report written to %1</source>
        <translation>Report written to %1</translation>
    </message>
    <message>
        <source>&amp;Export Report...</source>
        <translation>&amp;Export Report...</translation>
    </message>
    <message>
        <source>Write every figure (PNG, SVG, PDF) and table of the current run into a folder</source>
        <translation>Write every figure (PNG, SVG, PDF) and table of the current run into a folder</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>Runs</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>Layers</translation>
    </message>
    <message>
        <source>Layer x Step Heatmap</source>
        <translation>Layer x Step Heatmap</translation>
    </message>
    <message>
        <source>Layer Range</source>
        <translation>Layer Range</translation>
    </message>
    <message>
        <source>Pearson r</source>
        <translation>Pearson r</translation>
    </message>
    <message>
        <source>Error vs Step</source>
        <translation>Error vs Step</translation>
    </message>
    <message>
        <source>FID run: %1</source>
        <translation>FID run: %1</translation>
    </message>
    <message>
        <source>%1 run: %2</source>
        <translation>%1 run: %2</translation>
    </message>
    <message>
        <source>Clean Stale Temporaries In Folder</source>
        <translation>Clean Stale Temporaries In Folder</translation>
    </message>
    <message>
        <source>&amp;Clean Stale Temporaries...</source>
        <translation>&amp;Clean Stale Temporaries...</translation>
    </message>
    <message>
        <source>List and remove the leftovers of runs stopped by a kill or a crash, as tdq clean does</source>
        <translation>List and remove the leftovers of runs stopped by a kill or a crash, as tdq clean does</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>Compare</translation>
    </message>
</context>
<context>
    <name>tdq::views::ParetoView</name>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>Cannot open %1: %2</translation>
    </message>
    <message>
        <source>weight bits</source>
        <translation>weight bits</translation>
    </message>
    <message>
        <source>input bits</source>
        <translation>input bits</translation>
    </message>
    <message>
        <source>Front:</source>
        <translation>Front:</translation>
    </message>
    <message>
        <source>Error axis:</source>
        <translation>Error axis:</translation>
    </message>
    <message>
        <source>Linear</source>
        <translation>Linear</translation>
    </message>
    <message>
        <source>Logarithmic</source>
        <translation>Logarithmic</translation>
    </message>
    <message>
        <source>predicted, best weight mix</source>
        <translation>predicted, best weight mix</translation>
    </message>
    <message>
        <source>predicted, best input mix</source>
        <translation>predicted, best input mix</translation>
    </message>
    <message>
        <source>validated configs, measured</source>
        <translation>validated configs, measured</translation>
    </message>
    <message>
        <source>mean weight bits (parameter-weighted)</source>
        <translation>mean weight bits (parameter-weighted)</translation>
    </message>
    <message>
        <source>mean input bits (element-weighted)</source>
        <translation>mean input bits (element-weighted)</translation>
    </message>
    <message>
        <source>error (MSE of the predicted noise)</source>
        <translation>error (MSE of the predicted noise)</translation>
    </message>
    <message>
        <source>Searched at %1 mean bits</source>
        <translation>Searched at %1 mean bits</translation>
    </message>
    <message>
        <source>Predicted and measured error against mean weight bits</source>
        <translation>Predicted and measured error against mean weight bits</translation>
    </message>
    <message>
        <source>Predicted and measured error against mean input bits</source>
        <translation>Predicted and measured error against mean input bits</translation>
    </message>
    <message>
        <source>Searched at %1 mean bits
Spearman rank correlation of predicted and measured: %2</source>
        <translation>Searched at %1 mean bits
Spearman rank correlation of predicted and measured: %2</translation>
    </message>
</context>
<context>
    <name>tdq::views::PearsonView</name>
    <message>
        <source>Time dependence of the activation ranges</source>
        <translation>Time dependence of the activation ranges</translation>
    </message>
    <message numerus="yes">
        <source>|r| &gt; 0.5: %1 (paper %2)
|r| &gt; 0.7: %3 (paper %4)
%n layers</source>
        <translation>
            <numerusform>|r| &gt; 0.5: %1 (paper %2)
|r| &gt; 0.7: %3 (paper %4)
%n layers</numerusform>
            <numerusform>|r| &gt; 0.5: %1 (paper %2)
|r| &gt; 0.7: %3 (paper %4)
%n layers</numerusform>
        </translation>
    </message>
    <message>
        <source>Pearson r (t, max - min)</source>
        <translation>Pearson r (t, max - min)</translation>
    </message>
    <message>
        <source>layers</source>
        <translation>layers</translation>
    </message>
</context>
<context>
    <name>tdq::views::PlotView</name>
    <message>
        <source>Export figure...</source>
        <translation>Export figure...</translation>
    </message>
</context>
<context>
    <name>tdq::views::Report</name>
    <message>
        <source>Cannot create the report folder %1</source>
        <translation>Cannot create the report folder %1</translation>
    </message>
    <message>
        <source>TDQ Workbench report: %1</source>
        <translation>TDQ Workbench report: %1</translation>
    </message>
    <message>
        <source>Run folder</source>
        <translation>Run folder</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Method</translation>
    </message>
    <message>
        <source>FP only</source>
        <translation>FP only</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>Sampler</translation>
    </message>
    <message numerus="yes">
        <source>%n steps</source>
        <translation>
            <numerusform>%n step</numerusform>
            <numerusform>%n steps</numerusform>
        </translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>Layers</translation>
    </message>
    <message>
        <source>Time dependence</source>
        <translation>Time dependence</translation>
    </message>
    <message>
        <source>this run</source>
        <translation>this run</translation>
    </message>
    <message>
        <source>paper</source>
        <translation>paper</translation>
    </message>
    <message>
        <source>Figures</source>
        <translation>Figures</translation>
    </message>
    <message>
        <source>Tables</source>
        <translation>Tables</translation>
    </message>
    <message>
        <source>the layer table</source>
        <translation>the layer table</translation>
    </message>
    <message>
        <source>Written by TDQ Workbench on %1.</source>
        <translation>Written by TDQ Workbench on %1.</translation>
    </message>
</context>
<context>
    <name>tdq::views::RunBrowser</name>
    <message>
        <source>Open runs</source>
        <translation>Open runs</translation>
    </message>
    <message>
        <source>Recent runs (double-click to open)</source>
        <translation>Recent runs (double-click to open)</translation>
    </message>
</context>
<context>
    <name>tdq::views::RunData</name>
    <message>
        <source>Not a run folder: %1</source>
        <translation>Not a run folder: %1</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>Cannot open %1: %2</translation>
    </message>
    <message>
        <source>Cannot open %1: its run.json names no kind of run</source>
        <translation>Cannot open %1: its run.json names no kind of run</translation>
    </message>
    <message>
        <source>Cannot open %1: a &apos;%2&apos; run; the run views show analyze and quantize runs</source>
        <translation>Cannot open %1: a &apos;%2&apos; run; the run views show analyze and quantize runs</translation>
    </message>
</context>
<context>
    <name>tdq::views::SampleCompareView</name>
    <message>
        <source>Open an analyze run</source>
        <translation>Open an analyze run</translation>
    </message>
    <message>
        <source>Open analyze run...</source>
        <translation>Open analyze run...</translation>
    </message>
    <message>
        <source>Side by side</source>
        <translation>Side by side</translation>
    </message>
    <message>
        <source>Swipe</source>
        <translation>Swipe</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>Difference</translation>
    </message>
    <message>
        <source>x_t</source>
        <translation>x_t</translation>
    </message>
    <message>
        <source>predicted x_0</source>
        <translation>predicted x_0</translation>
    </message>
    <message>
        <source>At a kept step: the noisy image x_t the model saw, or the clean image x_0 it predicted from it</source>
        <translation>At a kept step: the noisy image x_t the model saw, or the clean image x_0 it predicted from it</translation>
    </message>
    <message>
        <source>Cannot show %1: %2</source>
        <translation>Cannot show %1: %2</translation>
    </message>
    <message>
        <source>%1: %2 samples, seed %3, %4 steps; FP and %5 from the same initial noise.</source>
        <translation>%1: %2 samples, seed %3, %4 steps; FP and %5 from the same initial noise.</translation>
    </message>
    <message>
        <source>no quantized model</source>
        <translation>no quantized model</translation>
    </message>
    <message>
        <source>final samples</source>
        <translation>final samples</translation>
    </message>
    <message>
        <source>step %1 (t = %2)</source>
        <translation>step %1 (t = %2)</translation>
    </message>
    <message>
        <source>quantized</source>
        <translation>quantized</translation>
    </message>
    <message>
        <source>FP</source>
        <translation>FP</translation>
    </message>
</context>
<context>
    <name>tdq::views::SensitivityDocks</name>
    <message>
        <source>Layer x Window Sensitivity</source>
        <translation>Layer x Window Sensitivity</translation>
    </message>
    <message>
        <source>Bit Search</source>
        <translation>Bit Search</translation>
    </message>
</context>
<context>
    <name>tdq::views::SensitivityView</name>
    <message>
        <source>Export figure...</source>
        <translation>Export figure...</translation>
    </message>
    <message>
        <source>Cannot open %1: a sensitivity run of whole-model errors only (--whole) has no per-layer matrices to show</source>
        <translation>Cannot open %1: a sensitivity run of whole-model errors only (--whole) has no per-layer matrices to show</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>Cannot open %1: %2</translation>
    </message>
    <message>
        <source>weight %1 bits</source>
        <translation>weight %1 bits</translation>
    </message>
    <message>
        <source>input %1 bits</source>
        <translation>input %1 bits</translation>
    </message>
    <message>
        <source>weight %1 bits, at the final sample</source>
        <translation>weight %1 bits, at the final sample</translation>
    </message>
    <message>
        <source>input %1 bits, at the final sample</source>
        <translation>input %1 bits, at the final sample</translation>
    </message>
    <message>
        <source>keep FP gain</source>
        <translation>keep FP gain</translation>
    </message>
    <message>
        <source>Matrix:</source>
        <translation>Matrix:</translation>
    </message>
    <message>
        <source>Colours:</source>
        <translation>Colours:</translation>
    </message>
    <message>
        <source>Linear</source>
        <translation>Linear</translation>
    </message>
    <message>
        <source>Logarithmic</source>
        <translation>Logarithmic</translation>
    </message>
    <message>
        <source>time window (t from-to)</source>
        <translation>time window (t from-to)</translation>
    </message>
    <message>
        <source>layer (row of the run)</source>
        <translation>layer (row of the run)</translation>
    </message>
    <message>
        <source>mean damage (MSE)</source>
        <translation>mean damage (MSE)</translation>
    </message>
    <message>
        <source> (MSE, mean over seeds)</source>
        <translation> (MSE, mean over seeds)</translation>
    </message>
    <message>
        <source>%1, layer %2 (row %3)</source>
        <translation>%1, layer %2 (row %3)</translation>
    </message>
    <message>
        <source>Weight against input damage per layer at %1 bits</source>
        <translation>Weight against input damage per layer at %1 bits</translation>
    </message>
    <message>
        <source>Layer x time-window sensitivity: %1</source>
        <translation>Layer x time-window sensitivity: %1</translation>
    </message>
</context>
<context>
    <name>tdq::views::SettingsCheck</name>
    <message>
        <source>Settings file %1 cannot be read; using the defaults</source>
        <translation>Settings file %1 cannot be read; using the defaults</translation>
    </message>
    <message>
        <source>Settings file %1 is damaged; using what could be read and the defaults for the rest</source>
        <translation>Settings file %1 is damaged; using what could be read and the defaults for the rest</translation>
    </message>
    <message>
        <source>Settings file %1: no translation for language &apos;%2&apos; (%3); using English</source>
        <translation>Settings file %1: no translation for language &apos;%2&apos; (%3); using English</translation>
    </message>
</context>
</TS>
