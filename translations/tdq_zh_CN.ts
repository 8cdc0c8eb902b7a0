<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>QObject</name>
    <message>
        <source>override row %1, %2: &apos;%3&apos; is not %4..%5, fp or empty</source>
        <translation>覆盖设置第 %1 行，%2：“%3”不是 %4..%5、fp 或空值</translation>
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
    <name>tdq::views::CleanTemporariesDialog</name>
    <message>
        <source>Clean Stale Temporaries</source>
        <translation>清理残留临时文件</translation>
    </message>
    <message>
        <source>No leftovers of stopped runs in %1.</source>
        <translation>%1 中没有中断运行的残留。</translation>
    </message>
    <message numerus="yes">
        <source>%n leftover(s) of runs stopped by a kill or a crash in %1. Removing them never touches a finished run, a running writer or a resumable checkpoint.</source>
        <translation>
            <numerusform>%1 中有 %n 个被终止或崩溃的运行留下的残留。删除它们不会触及已完成的运行、正在写入的进程或可恢复的检查点。</numerusform>
        </translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message numerus="yes">
        <source>Removed %n leftover(s) of stopped runs from %1</source>
        <translation>
            <numerusform>已从 %1 删除 %n 个中断运行的残留</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n leftover(s) of stopped runs next to this run: File &gt; Clean Stale Temporaries removes them</source>
        <translation>
            <numerusform>此运行旁有 %n 个中断运行的残留：文件 &gt; 清理残留临时文件 可删除它们</numerusform>
        </translation>
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
        <translation>不打开窗口，将运行文件夹中的所有图表和表格写入 --out，然后退出。</translation>
    </message>
    <message>
        <source>run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Report folder for --export-report.</source>
        <translation>--export-report 的报告文件夹。</translation>
    </message>
    <message>
        <source>folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>--export-report and --out go together.</source>
        <translation>--export-report 与 --out 必须同时使用。</translation>
    </message>
    <message>
        <source>tdq-workbench: cannot export the report: %1
</source>
        <translation>tdq-workbench：无法导出报告：%1
</translation>
    </message>
    <message>
        <source>tdq-workbench: %1
</source>
        <translation>tdq-workbench：%1
</translation>
    </message>
    <message>
        <source>Report written to %1
</source>
        <translation>报告已写入 %1
</translation>
    </message>
</context>
<context>
    <name>tdq::views::CompareView</name>
    <message>
        <source>B better on this side</source>
        <translation>此侧 B 更好</translation>
    </message>
    <message>
        <source>sampling step</source>
        <translation>采样步</translation>
    </message>
    <message>
        <source>layer quantized in both (A&apos;s order)</source>
        <translation>两者均量化的层（按 A 的顺序）</translation>
    </message>
    <message>
        <source>B&apos;s gain over A (dB)</source>
        <translation>B 相对 A 的增益（dB）</translation>
    </message>
    <message>
        <source>Export figure...</source>
        <translation>导出图表...</translation>
    </message>
    <message>
        <source>Input MSE (local)</source>
        <translation>输入 MSE（局部）</translation>
    </message>
    <message>
        <source>Input SQNR (local)</source>
        <translation>输入 SQNR（局部）</translation>
    </message>
    <message>
        <source>Scatter: A vs B</source>
        <translation>散点图：A 对 B</translation>
    </message>
    <message>
        <source>Heatmap: B&apos;s gain per step</source>
        <translation>热图：B 每步的增益</translation>
    </message>
    <message>
        <source>Open two analyze runs of one model (with a quantized twin) and choose them as A and B.</source>
        <translation>打开同一模型的两个分析运行（带量化副本），并将它们选为 A 和 B。</translation>
    </message>
    <message>
        <source>B (%1) better in %2 of %3 layers, A (%4) in %5; B better in %6 of %7 layer x step cells.</source>
        <translation>B（%1）在 %3 层中的 %2 层更好，A（%4）在 %5 层更好；在 %7 个层 × 步单元中 B 在 %6 个更好。</translation>
    </message>
    <message>
        <source>A: %1, %2</source>
        <translation>A：%1，%2</translation>
    </message>
    <message>
        <source>B: %1, %2</source>
        <translation>B：%1，%2</translation>
    </message>
    <message>
        <source>%1 of %2 (A) and %3 (B) per layer: %4</source>
        <translation>%2（A）与 %3（B）每层的%1：%4</translation>
    </message>
    <message>
        <source>Gain of %1 (B) over %2 (A) per layer and step, dB</source>
        <translation>%1（B）相对 %2（A）每层每步的增益，dB</translation>
    </message>
</context>
<context>
    <name>tdq::views::ErrorView</name>
    <message>
        <source>Quantization error vs sampling step</source>
        <translation>量化误差随采样步的变化</translation>
    </message>
    <message>
        <source>time step t</source>
        <translation>时间步 t</translation>
    </message>
    <message>
        <source>MSE vs FP</source>
        <translation>相对 FP 的 MSE</translation>
    </message>
    <message>
        <source>layer SQNR (dB)</source>
        <translation>层 SQNR (dB)</translation>
    </message>
    <message>
        <source>Output error and the input error of %1</source>
        <translation>输出误差与 %1 的输入误差</translation>
    </message>
    <message>
        <source>output, local</source>
        <translation>输出，局部</translation>
    </message>
    <message>
        <source>output, trajectory</source>
        <translation>输出，轨迹</translation>
    </message>
    <message>
        <source>layer input, local</source>
        <translation>层输入，局部</translation>
    </message>
    <message>
        <source>layer input, trajectory</source>
        <translation>层输入，轨迹</translation>
    </message>
    <message>
        <source>layer SQNR (right axis)</source>
        <translation>层 SQNR（右轴）</translation>
    </message>
</context>
<context>
    <name>tdq::views::ExperimentPanel</name>
    <message>
        <source>Cancelling...</source>
        <translation>正在取消...</translation>
    </message>
    <message>
        <source>Done: %1</source>
        <translation>完成：%1</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Cancelled; no run was written.</source>
        <translation>已取消；未写入任何运行。</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>Runs folder:</source>
        <translation>运行文件夹：</translation>
    </message>
    <message>
        <source>Method:</source>
        <translation>方法：</translation>
    </message>
    <message>
        <source>Weight bits:</source>
        <translation>权重位宽：</translation>
    </message>
    <message>
        <source>Activation bits:</source>
        <translation>激活位宽：</translation>
    </message>
    <message>
        <source>Layer overrides:</source>
        <translation>逐层覆盖：</translation>
    </message>
    <message>
        <source>Calibration:</source>
        <translation>校准：</translation>
    </message>
    <message>
        <source>QAT steps:</source>
        <translation>QAT 步数：</translation>
    </message>
    <message>
        <source>Analyze samples:</source>
        <translation>分析样本数：</translation>
    </message>
    <message>
        <source>Analyze steps:</source>
        <translation>分析步数：</translation>
    </message>
    <message>
        <source>Layer pattern</source>
        <translation>层匹配模式</translation>
    </message>
    <message>
        <source>W bits</source>
        <translation>W 位宽</translation>
    </message>
    <message>
        <source>A bits</source>
        <translation>A 位宽</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>method default</source>
        <translation>方法默认值</translation>
    </message>
    <message>
        <source> samples</source>
        <translation> 个样本</translation>
    </message>
    <message>
        <source>Training steps for LSQ, PACT, NIPQ and TDQ (ignored by PTQ methods unless set)</source>
        <translation>LSQ、PACT、NIPQ 和 TDQ 的训练步数（PTQ 方法除非设置否则忽略）</translation>
    </message>
    <message>
        <source> DDIM steps</source>
        <translation> 步 DDIM</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation>就绪。</translation>
    </message>
    <message>
        <source>override row %1, %2</source>
        <translation>覆盖设置第 %1 行，%2</translation>
    </message>
    <message>
        <source>override row %1: the layer pattern is empty</source>
        <translation>覆盖设置第 %1 行：层匹配模式为空</translation>
    </message>
    <message>
        <source>Not started: %1</source>
        <translation>未启动：%1</translation>
    </message>
    <message>
        <source>Not started: cannot create the runs folder &apos;%1&apos;</source>
        <translation>未启动：无法创建运行文件夹“%1”</translation>
    </message>
    <message>
        <source>Not started: an experiment is running already.</source>
        <translation>未启动：已有实验正在运行。</translation>
    </message>
    <message>
        <source>Running %1...</source>
        <translation>正在运行 %1...</translation>
    </message>
    <message>
        <source>ETA: estimating...</source>
        <translation>预计剩余时间：正在估算...</translation>
    </message>
    <message>
        <source>ETA: %1 (%2)</source>
        <translation>预计剩余时间：%1（%2）</translation>
    </message>
    <message>
        <source>Shell globs over module paths, e.g. up_blocks.*.conv1. Bits %1..%2; empty keeps the global bits; fp keeps that tensor (weight or input) in floating point. A bits per time window: t_min:bits from the noisiest down to 0, e.g. 600:8 200:fp 0:4.</source>
        <translation>按模块路径匹配的 Shell 通配符，例如 up_blocks.*.conv1。位宽为 %1..%2；留空则沿用全局位宽；fp 表示该张量（权重或输入）保持浮点。A 位宽可按时间窗口设置：t_min:位宽，从噪声最大处依次到 0，例如 600:8 200:fp 0:4。</translation>
    </message>
</context>
<context>
    <name>tdq::views::FidRunsModel</name>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>Seeds</source>
        <translation>种子</translation>
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
        <translation>添加 FID 运行</translation>
    </message>
    <message>
        <source>Add every FID run in</source>
        <translation>添加以下位置中的所有 FID 运行</translation>
    </message>
    <message>
        <source>Add FID run...</source>
        <translation>添加 FID 运行...</translation>
    </message>
    <message>
        <source>Add all in folder...</source>
        <translation>添加文件夹中的全部...</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>sampling steps</source>
        <translation>采样步数</translation>
    </message>
    <message>
        <source>FID (mean ± std over seeds)</source>
        <translation>FID（各种子的均值 ± 标准差）</translation>
    </message>
    <message>
        <source>%1 is listed already.</source>
        <translation>%1 已在列表中。</translation>
    </message>
    <message>
        <source>Cannot add %1: %2</source>
        <translation>无法添加 %1：%2</translation>
    </message>
    <message numerus="yes">
        <source>%n FID run(s).</source>
        <translation>
            <numerusform>%n 个 FID 运行。</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot scan %1: %2</source>
        <translation>无法扫描 %1：%2</translation>
    </message>
    <message numerus="yes">
        <source>Added %n FID run(s) from %1.</source>
        <translation>
            <numerusform>已从 %1 添加 %n 个 FID 运行。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tdq::views::FigureExport</name>
    <message>
        <source>Cannot export %1: no plot or an empty size</source>
        <translation>无法导出 %1：没有图表或尺寸为空</translation>
    </message>
    <message>
        <source>Cannot write the figure %1</source>
        <translation>无法写入图表 %1</translation>
    </message>
</context>
<context>
    <name>tdq::views::FigureExportDialog</name>
    <message>
        <source>Export Figure</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>PNG (raster)</source>
        <translation>PNG（位图）</translation>
    </message>
    <message>
        <source>SVG (vector)</source>
        <translation>SVG（矢量）</translation>
    </message>
    <message>
        <source>PDF (vector)</source>
        <translation>PDF（矢量）</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>浏览...</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Width:</source>
        <translation>宽度：</translation>
    </message>
    <message>
        <source>Height:</source>
        <translation>高度：</translation>
    </message>
    <message>
        <source>DPI (PNG):</source>
        <translation>DPI（PNG）：</translation>
    </message>
    <message>
        <source>Figures (*.png *.svg *.pdf)</source>
        <translation>图表 (*.png *.svg *.pdf)</translation>
    </message>
</context>
<context>
    <name>tdq::views::HeatmapView</name>
    <message>
        <source>Thermal</source>
        <translation>热成像</translation>
    </message>
    <message>
        <source>Polar</source>
        <translation>双极</translation>
    </message>
    <message>
        <source>Grayscale</source>
        <translation>灰度</translation>
    </message>
    <message>
        <source>Jet</source>
        <translation>Jet</translation>
    </message>
    <message>
        <source>Hot</source>
        <translation>炽热</translation>
    </message>
    <message>
        <source>Linear</source>
        <translation>线性</translation>
    </message>
    <message>
        <source>Logarithmic</source>
        <translation>对数</translation>
    </message>
    <message>
        <source>Metric:</source>
        <translation>指标：</translation>
    </message>
    <message>
        <source>Colours:</source>
        <translation>配色：</translation>
    </message>
    <message>
        <source>sampling step</source>
        <translation>采样步</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Layer x step heatmap of %1</source>
        <translation>%1 的层 × 步热力图</translation>
    </message>
</context>
<context>
    <name>tdq::views::ImagePairCanvas</name>
    <message>
        <source>No samples: open an analyze run.</source>
        <translation>没有样本：请打开一个分析运行。</translation>
    </message>
    <message>
        <source>(no quantized samples in this run)</source>
        <translation>（此运行中没有量化样本）</translation>
    </message>
    <message>
        <source>%1 | %2 (drag to swipe)</source>
        <translation>%1 | %2（拖动以滑动对比）</translation>
    </message>
    <message>
        <source>|%1 - %2| x %3</source>
        <translation>|%1 - %2| × %3</translation>
    </message>
</context>
<context>
    <name>tdq::views::JobDocks</name>
    <message>
        <source>FID vs sampling steps</source>
        <translation>FID 随采样步数的变化</translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Sample compare</source>
        <translation>样本对比</translation>
    </message>
    <message>
        <source>FID runs</source>
        <translation>FID 运行</translation>
    </message>
</context>
<context>
    <name>tdq::views::LayerCurvesView</name>
    <message>
        <source>Activation range of the selected layer</source>
        <translation>所选层的激活范围</translation>
    </message>
    <message>
        <source>Activation range of %1</source>
        <translation>%1 的激活范围</translation>
    </message>
    <message>
        <source>time step t</source>
        <translation>时间步 t</translation>
    </message>
    <message>
        <source>activation value</source>
        <translation>激活值</translation>
    </message>
    <message>
        <source>FP min / max</source>
        <translation>FP 最小值 / 最大值</translation>
    </message>
    <message>
        <source>p0.1 / p99.9</source>
        <translation>p0.1 / p99.9</translation>
    </message>
    <message>
        <source>%1 interval (%2, A%3)</source>
        <translation>%1 区间（%2，A%3）</translation>
    </message>
    <message numerus="yes">
        <source>clipped (%n steps)</source>
        <translation>
            <numerusform>截断（%n 步）</numerusform>
        </translation>
    </message>
    <message>
        <source>oracle interval s*(t) (MSE-optimal per step)</source>
        <translation>oracle 区间 s*(t)（每步 MSE 最优）</translation>
    </message>
</context>
<context>
    <name>tdq::views::LayerTableModel</name>
    <message>
        <source>Module path</source>
        <translation>模块路径</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>W bits</source>
        <translation>W 位宽</translation>
    </message>
    <message>
        <source>A bits</source>
        <translation>A 位宽</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Pearson r</source>
        <translation>皮尔逊 r</translation>
    </message>
    <message>
        <source>Mean range</source>
        <translation>平均范围</translation>
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
        <translation>截断 %</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>W step</source>
        <translation>权重步长</translation>
    </message>
    <message>
        <source>%1 of %2: &apos;%3&apos; is not %4..%5 or fp</source>
        <translation>%2 的%1：“%3”不是 %4..%5 或 fp</translation>
    </message>
    <message>
        <source>Edited; as placed: %1</source>
        <translation>已编辑；原放置：%1</translation>
    </message>
    <message>
        <source>%1..%2 or fp; edit, then start an experiment with these bits</source>
        <translation>%1..%2 或 fp；编辑后可用这些位宽开始实验</translation>
    </message>
</context>
<context>
    <name>tdq::views::LayerTableView</name>
    <message>
        <source>Filter layers by module path</source>
        <translation>按模块路径筛选层</translation>
    </message>
    <message>
        <source>No run is open.</source>
        <translation>没有打开的运行。</translation>
    </message>
    <message>
        <source>Cannot start an experiment from %1: %2</source>
        <translation>无法从 %1 开始实验：%2</translation>
    </message>
    <message>
        <source>Start Experiment With These Bits</source>
        <translation>用这些位宽开始实验</translation>
    </message>
    <message>
        <source>Quantize and analyze with the W/A bits shown (double-click a bits cell to edit it)</source>
        <translation>用所示的 W/A 位宽量化并分析（双击位宽单元格可编辑）</translation>
    </message>
    <message>
        <source>Reset Bits</source>
        <translation>重置位宽</translation>
    </message>
</context>
<context>
    <name>tdq::views::MainWindow</name>
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
        <translation>未打开任何运行。</translation>
    </message>
    <message>
        <source>Export Report Into Folder</source>
        <translation>将报告导出到文件夹</translation>
    </message>
    <message>
        <source>Report written to %1</source>
        <translation>报告已写入 %1</translation>
    </message>
    <message>
        <source>&amp;Export Report...</source>
        <translation>导出报告(&amp;E)...</translation>
    </message>
    <message>
        <source>Write every figure (PNG, SVG, PDF) and table of the current run into a folder</source>
        <translation>将当前运行的所有图表（PNG、SVG、PDF）和表格写入文件夹</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Layer x Step Heatmap</source>
        <translation>层 × 步热力图</translation>
    </message>
    <message>
        <source>Layer Range</source>
        <translation>层范围</translation>
    </message>
    <message>
        <source>Pearson r</source>
        <translation>皮尔逊 r</translation>
    </message>
    <message>
        <source>Error vs Step</source>
        <translation>误差随步数变化</translation>
    </message>
    <message>
        <source>FID run: %1</source>
        <translation>FID 运行：%1</translation>
    </message>
    <message>
        <source>%1 run: %2</source>
        <translation>%1 运行：%2</translation>
    </message>
    <message>
        <source>Clean Stale Temporaries In Folder</source>
        <translation>清理文件夹中的残留临时文件</translation>
    </message>
    <message>
        <source>&amp;Clean Stale Temporaries...</source>
        <translation>清理残留临时文件(&amp;C)...</translation>
    </message>
    <message>
        <source>List and remove the leftovers of runs stopped by a kill or a crash, as tdq clean does</source>
        <translation>列出并删除被终止或崩溃的运行留下的残留，与 tdq clean 相同</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
</context>
<context>
    <name>tdq::views::ParetoView</name>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>weight bits</source>
        <translation>权重位宽</translation>
    </message>
    <message>
        <source>input bits</source>
        <translation>输入位宽</translation>
    </message>
    <message>
        <source>Front:</source>
        <translation>前沿：</translation>
    </message>
    <message>
        <source>Error axis:</source>
        <translation>误差轴：</translation>
    </message>
    <message>
        <source>Linear</source>
        <translation>线性</translation>
    </message>
    <message>
        <source>Logarithmic</source>
        <translation>对数</translation>
    </message>
    <message>
        <source>predicted, best weight mix</source>
        <translation>预测值，最佳权重组合</translation>
    </message>
    <message>
        <source>predicted, best input mix</source>
        <translation>预测值，最佳输入组合</translation>
    </message>
    <message>
        <source>validated configs, measured</source>
        <translation>已验证配置，实测值</translation>
    </message>
    <message>
        <source>mean weight bits (parameter-weighted)</source>
        <translation>平均权重位宽（按参数加权）</translation>
    </message>
    <message>
        <source>mean input bits (element-weighted)</source>
        <translation>平均输入位宽（按元素加权）</translation>
    </message>
    <message>
        <source>error (MSE of the predicted noise)</source>
        <translation>误差（预测噪声的 MSE）</translation>
    </message>
    <message>
        <source>Searched at %1 mean bits</source>
        <translation>搜索预算 %1 平均位宽</translation>
    </message>
    <message>
        <source>Predicted and measured error against mean weight bits</source>
        <translation>预测与实测误差随平均权重位宽的变化</translation>
    </message>
    <message>
        <source>Predicted and measured error against mean input bits</source>
        <translation>预测与实测误差随平均输入位宽的变化</translation>
    </message>
    <message>
        <source>Searched at %1 mean bits
Spearman rank correlation of predicted and measured: %2</source>
        <translation>搜索预算 %1 平均位宽
预测与实测的 Spearman 秩相关：%2</translation>
    </message>
</context>
<context>
    <name>tdq::views::PearsonView</name>
    <message>
        <source>Time dependence of the activation ranges</source>
        <translation>激活范围的时间依赖性</translation>
    </message>
    <message numerus="yes">
        <source>|r| &gt; 0.5: %1 (paper %2)
|r| &gt; 0.7: %3 (paper %4)
%n layers</source>
        <translation>
            <numerusform>|r| &gt; 0.5：%1（论文 %2）
|r| &gt; 0.7：%3（论文 %4）
共 %n 层</numerusform>
        </translation>
    </message>
    <message>
        <source>Pearson r (t, max - min)</source>
        <translation>皮尔逊 r（t，max - min）</translation>
    </message>
    <message>
        <source>layers</source>
        <translation>层数</translation>
    </message>
</context>
<context>
    <name>tdq::views::PlotView</name>
    <message>
        <source>Export figure...</source>
        <translation>导出图表...</translation>
    </message>
</context>
<context>
    <name>tdq::views::Report</name>
    <message>
        <source>Cannot create the report folder %1</source>
        <translation>无法创建报告文件夹 %1</translation>
    </message>
    <message>
        <source>TDQ Workbench report: %1</source>
        <translation>TDQ Workbench 报告：%1</translation>
    </message>
    <message>
        <source>Run folder</source>
        <translation>运行文件夹</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>FP only</source>
        <translation>仅 FP</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>采样器</translation>
    </message>
    <message numerus="yes">
        <source>%n steps</source>
        <translation>
            <numerusform>%n 步</numerusform>
        </translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Time dependence</source>
        <translation>时间依赖性</translation>
    </message>
    <message>
        <source>this run</source>
        <translation>本次运行</translation>
    </message>
    <message>
        <source>paper</source>
        <translation>论文</translation>
    </message>
    <message>
        <source>Figures</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Tables</source>
        <translation>表格</translation>
    </message>
    <message>
        <source>the layer table</source>
        <translation>层表</translation>
    </message>
    <message>
        <source>Written by TDQ Workbench on %1.</source>
        <translation>由 TDQ Workbench 于 %1 生成。</translation>
    </message>
</context>
<context>
    <name>tdq::views::RunBrowser</name>
    <message>
        <source>Open runs</source>
        <translation>已打开的运行</translation>
    </message>
    <message>
        <source>Recent runs (double-click to open)</source>
        <translation>最近的运行（双击打开）</translation>
    </message>
</context>
<context>
    <name>tdq::views::RunData</name>
    <message>
        <source>Not a run folder: %1</source>
        <translation>不是运行文件夹：%1</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>Cannot open %1: its run.json names no kind of run</source>
        <translation>无法打开 %1：其 run.json 未注明运行类型</translation>
    </message>
    <message>
        <source>Cannot open %1: a &apos;%2&apos; run; the run views show analyze and quantize runs</source>
        <translation>无法打开 %1：这是“%2”运行；运行视图只显示 analyze 与 quantize 运行</translation>
    </message>
</context>
<context>
    <name>tdq::views::SampleCompareView</name>
    <message>
        <source>Open an analyze run</source>
        <translation>打开分析运行</translation>
    </message>
    <message>
        <source>Open analyze run...</source>
        <translation>打开分析运行...</translation>
    </message>
    <message>
        <source>Side by side</source>
        <translation>并排</translation>
    </message>
    <message>
        <source>Swipe</source>
        <translation>滑动对比</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>x_t</source>
        <translation>x_t</translation>
    </message>
    <message>
        <source>predicted x_0</source>
        <translation>预测的 x_0</translation>
    </message>
    <message>
        <source>At a kept step: the noisy image x_t the model saw, or the clean image x_0 it predicted from it</source>
        <translation>在保留的步上：模型看到的含噪图像 x_t，或模型据此预测的干净图像 x_0</translation>
    </message>
    <message>
        <source>Cannot show %1: %2</source>
        <translation>无法显示 %1：%2</translation>
    </message>
    <message>
        <source>%1: %2 samples, seed %3, %4 steps; FP and %5 from the same initial noise.</source>
        <translation>%1：%2 个样本，种子 %3，%4 步；FP 与 %5 使用相同的初始噪声。</translation>
    </message>
    <message>
        <source>no quantized model</source>
        <translation>无量化模型</translation>
    </message>
    <message>
        <source>final samples</source>
        <translation>最终样本</translation>
    </message>
    <message>
        <source>step %1 (t = %2)</source>
        <translation>第 %1 步（t = %2）</translation>
    </message>
    <message>
        <source>quantized</source>
        <translation>量化</translation>
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
        <translation>层 × 窗口敏感度</translation>
    </message>
    <message>
        <source>Bit Search</source>
        <translation>位宽搜索</translation>
    </message>
</context>
<context>
    <name>tdq::views::SensitivityView</name>
    <message>
        <source>Export figure...</source>
        <translation>导出图表...</translation>
    </message>
    <message>
        <source>Cannot open %1: a sensitivity run of whole-model errors only (--whole) has no per-layer matrices to show</source>
        <translation>无法打开 %1：仅含整模型误差（--whole）的敏感度运行没有可显示的逐层矩阵</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>weight %1 bits</source>
        <translation>权重 %1 位</translation>
    </message>
    <message>
        <source>input %1 bits</source>
        <translation>输入 %1 位</translation>
    </message>
    <message>
        <source>weight %1 bits, at the final sample</source>
        <translation>权重 %1 位，最终样本处</translation>
    </message>
    <message>
        <source>input %1 bits, at the final sample</source>
        <translation>输入 %1 位，最终样本处</translation>
    </message>
    <message>
        <source>keep FP gain</source>
        <translation>保留浮点增益</translation>
    </message>
    <message>
        <source>Matrix:</source>
        <translation>矩阵：</translation>
    </message>
    <message>
        <source>Colours:</source>
        <translation>配色：</translation>
    </message>
    <message>
        <source>Linear</source>
        <translation>线性</translation>
    </message>
    <message>
        <source>Logarithmic</source>
        <translation>对数</translation>
    </message>
    <message>
        <source>time window (t from-to)</source>
        <translation>时间窗口（t 起-止）</translation>
    </message>
    <message>
        <source>layer (row of the run)</source>
        <translation>层（运行中的行）</translation>
    </message>
    <message>
        <source>mean damage (MSE)</source>
        <translation>平均损伤（MSE）</translation>
    </message>
    <message>
        <source> (MSE, mean over seeds)</source>
        <translation>（MSE，各种子平均）</translation>
    </message>
    <message>
        <source>%1, layer %2 (row %3)</source>
        <translation>%1，层 %2（第 %3 行）</translation>
    </message>
    <message>
        <source>Weight against input damage per layer at %1 bits</source>
        <translation>%1 位时各层权重与输入损伤对比</translation>
    </message>
    <message>
        <source>Layer x time-window sensitivity: %1</source>
        <translation>层 × 时间窗口敏感度：%1</translation>
    </message>
</context>
<context>
    <name>tdq::views::SettingsCheck</name>
    <message>
        <source>Settings file %1 cannot be read; using the defaults</source>
        <translation>无法读取设置文件 %1；使用默认设置</translation>
    </message>
    <message>
        <source>Settings file %1 is damaged; using what could be read and the defaults for the rest</source>
        <translation>设置文件 %1 已损坏；使用能读取的部分，其余使用默认设置</translation>
    </message>
    <message>
        <source>Settings file %1: no translation for language &apos;%2&apos; (%3); using English</source>
        <translation>设置文件 %1：没有语言 &apos;%2&apos; 的翻译（%3）；使用英文</translation>
    </message>
</context>
</TS>
