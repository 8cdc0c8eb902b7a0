<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
        <source>Not a folder, not added to the recent runs: %1
</source>
        <translation>不是文件夹，未加入最近的运行：%1
</translation>
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
</context>
</TS>
