<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>QObject</name>
    <message>
        <source>override row %1, %2: &apos;%3&apos; is not 2..8, fp or empty</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::AboutDialog</name>
    <message>
        <source>About TDQ Workbench</source>
        <translation>关于 TDQ Workbench</translation>
    </message>
    <message>
        <source>TDQ Workbench</source>
        <translation>TDQ Workbench</translation>
    </message>
    <message>
        <source>A workbench for studying low-bit quantization of diffusion models with TDQ, Temporal Dynamic Quantization (NeurIPS 2023), which adapts the activation quantization intervals to the denoising time step.</source>
        <translation>用于研究扩散模型低比特量化的工作台。TDQ（时间动态量化，Temporal Dynamic Quantization，NeurIPS 2023）根据去噪时间步调整激活值的量化区间。</translation>
    </message>
    <message>
        <source>Version:</source>
        <translation>版本：</translation>
    </message>
    <message>
        <source>Qt:</source>
        <translation>Qt：</translation>
    </message>
    <message>
        <source>LibTorch:</source>
        <translation>LibTorch：</translation>
    </message>
    <message>
        <source>OpenCV:</source>
        <translation>OpenCV：</translation>
    </message>
    <message>
        <source>not built in</source>
        <translation>未内置</translation>
    </message>
    <message>
        <source>CUDA available:</source>
        <translation>CUDA 可用：</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>tdq::views::CommandLine</name>
    <message>
        <source>TDQ Workbench: study low-bit quantization of diffusion models.</source>
        <translation>TDQ Workbench：研究扩散模型的低比特量化。</translation>
    </message>
    <message>
        <source>User interface language: %1. Default: the one chosen last, else the system&apos;s.</source>
        <translation>界面语言：%1。默认使用上次选择的语言，否则使用系统语言。</translation>
    </message>
    <message>
        <source>language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Run folders to add to the recent runs.</source>
        <translation>要加入最近运行列表的运行文件夹。</translation>
    </message>
    <message>
        <source>[run folder...]</source>
        <translation>[运行文件夹...]</translation>
    </message>
    <message>
        <source>Try &apos;%1 --help&apos; for more information.</source>
        <translation>运行“%1 --help”查看更多信息。</translation>
    </message>
    <message>
        <source>Unknown language &apos;%1&apos;; expected one of: %2.</source>
        <translation>未知语言“%1”；可选值：%2。</translation>
    </message>
    <message>
        <source>TDQ Workbench %1 (Qt %2, LibTorch %3, OpenCV %4, CUDA available: %5)</source>
        <translation>TDQ Workbench %1（Qt %2，LibTorch %3，OpenCV %4，CUDA 可用：%5）</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Write every figure and table of the run folder into --out, without a window, and exit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Report folder for --export-report.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--export-report and --out go together.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tdq-workbench: cannot export the report: %1
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tdq-workbench: %1
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Report written to %1
</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::ErrorView</name>
    <message>
        <source>Quantization error vs sampling step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>time step t</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MSE vs FP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>layer SQNR (dB)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output error and the input error of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>output, local</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>output, trajectory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>layer input, local</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>layer input, trajectory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>layer SQNR (right axis)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::ExperimentPanel</name>
    <message>
        <source>Cancelling...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled; no run was written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Method:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight bits:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Activation bits:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer overrides:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calibration:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>QAT steps:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Analyze samples:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Analyze steps:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer pattern</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>W bits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A bits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shell globs over module paths, e.g. up_blocks.*.conv1. Bits 2..8; empty keeps the global bits; fp keeps the layer in floating point.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>method default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> samples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training steps for LSQ, PACT, NIPQ and TDQ (ignored by PTQ methods unless set)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> DDIM steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>override row %1: the layer pattern is empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not started: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not started: cannot create the runs folder &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not started: an experiment is running already.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running %1...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ETA: estimating...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ETA: %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::FidRunsModel</name>
    <message>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Samples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seeds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>IS</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::FidView</name>
    <message>
        <source>Add a FID run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add every FID run in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add FID run...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add all in folder...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sampling steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FID (mean ± std over seeds)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is listed already.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot add %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n FID run(s).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot scan %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Added %n FID run(s) from %1.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tdq::views::FigureExport</name>
    <message>
        <source>Cannot export %1: no plot or an empty size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write the figure %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::FigureExportDialog</name>
    <message>
        <source>Export Figure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PNG (raster)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SVG (vector)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF (vector)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Format:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Width:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Height:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>DPI (PNG):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Figures (*.png *.svg *.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::HeatmapView</name>
    <message>
        <source>Thermal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Polar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grayscale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Jet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Linear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Logarithmic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Metric:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Colours:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sampling step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer x step heatmap of %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::ImagePairCanvas</name>
    <message>
        <source>No samples: open an analyze run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no quantized samples in this run)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 | %2 (drag to swipe)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>|%1 - %2| x %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::JobDocks</name>
    <message>
        <source>FID vs sampling steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sample compare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FID runs</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::LayerCurvesView</name>
    <message>
        <source>Activation range of the selected layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Activation range of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>time step t</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>activation value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FP min / max</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>p0.1 / p99.9</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 interval (%2, A%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>clipped (%n steps)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tdq::views::LayerTableModel</name>
    <message>
        <source>Module path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>W bits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A bits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pearson r</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mean range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MSE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SQNR (dB)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clip %</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::LayerTableView</name>
    <message>
        <source>Filter layers by module path</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::MainWindow</name>
    <message>
        <source>Not a folder: %1</source>
        <translation>不是文件夹：%1</translation>
    </message>
    <message>
        <source>Run folder: %1</source>
        <translation>运行文件夹：%1</translation>
    </message>
    <message>
        <source>TDQ Workbench</source>
        <translation>TDQ Workbench</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open Run...</source>
        <translation>打开运行(&amp;O)...</translation>
    </message>
    <message>
        <source>Choose a run folder written by the tdq command line tool</source>
        <translation>选择由 tdq 命令行工具写出的运行文件夹</translation>
    </message>
    <message>
        <source>&amp;Recent Runs</source>
        <translation>最近的运行(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Clear List</source>
        <translation>清空列表(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Docks</source>
        <translation>停靠窗口(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;System</source>
        <translation>跟随系统(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About TDQ Workbench</source>
        <translation>关于 TDQ Workbench(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 Qt(&amp;Q)</translation>
    </message>
    <message>
        <source>A workbench for studying low-bit quantization of diffusion models and Temporal Dynamic Quantization.</source>
        <translation>用于研究扩散模型低比特量化与时间动态量化（TDQ）的工作台。</translation>
    </message>
    <message>
        <source>Open a run folder written by the tdq command line tool to begin. Run folders given on the command line are added to the recent runs.</source>
        <translation>打开由 tdq 命令行工具写出的运行文件夹即可开始。命令行中给出的运行文件夹会加入最近的运行列表。</translation>
    </message>
    <message>
        <source>Open a run folder</source>
        <translation>打开运行文件夹</translation>
    </message>
    <message>
        <source>Open a recent run</source>
        <translation>打开最近的运行</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Open Run Folder</source>
        <translation>打开运行文件夹</translation>
    </message>
    <message>
        <source>No translation for %1</source>
        <translation>没有 %1 的翻译</translation>
    </message>
    <message>
        <source>Shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>No run is open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Report Into Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Report written to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export Report...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write every figure (PNG, SVG, PDF) and table of the current run into a folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer x Step Heatmap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer Range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pearson r</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error vs Step</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::PearsonView</name>
    <message>
        <source>Time dependence of the activation ranges</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>|r| &gt; 0.5: %1 (paper %2)
|r| &gt; 0.7: %3 (paper %4)
%n layers</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Pearson r (t, max - min)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>layers</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::PlotView</name>
    <message>
        <source>Export figure...</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::Report</name>
    <message>
        <source>Cannot create the report folder %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TDQ Workbench report: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FP only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n steps</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time dependence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>this run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>paper</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Figures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tables</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the layer table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Written by TDQ Workbench on %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::RunBrowser</name>
    <message>
        <source>Open runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent runs (double-click to open)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::RunData</name>
    <message>
        <source>Not a run folder: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::SampleCompareView</name>
    <message>
        <source>Open an analyze run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open analyze run...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Side by side</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Swipe</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Difference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>x_t</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>predicted x_0</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At a kept step: the noisy image x_t the model saw, or the clean image x_0 it predicted from it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot show %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 samples, seed %3, %4 steps; FP and %5 from the same initial noise.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no quantized model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>final samples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step %1 (t = %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>quantized</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FP</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
