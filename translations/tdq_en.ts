<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>tdq::views::AboutDialog</name>
    <message>
        <source>About TDQ Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TDQ Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A workbench for studying low-bit quantization of diffusion models with TDQ, Temporal Dynamic Quantization (NeurIPS 2023), which adapts the activation quantization intervals to the denoising time step.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Qt:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LibTorch:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenCV:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not built in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CUDA available:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::CommandLine</name>
    <message>
        <source>TDQ Workbench: study low-bit quantization of diffusion models.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User interface language: %1. Default: the one chosen last, else the system&apos;s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run folders to add to the recent runs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[run folder...]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try &apos;%1 --help&apos; for more information.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown language &apos;%1&apos;; expected one of: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TDQ Workbench %1 (Qt %2, LibTorch %3, OpenCV %4, CUDA available: %5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a folder, not added to the recent runs: %1
</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tdq::views::MainWindow</name>
    <message>
        <source>Not a folder: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run folder: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TDQ Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open Run...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a run folder written by the tdq command line tool</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Recent Runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Clear List</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Docks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;System</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About TDQ Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A workbench for studying low-bit quantization of diffusion models and Temporal Dynamic Quantization.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a run folder written by the tdq command line tool to begin. Run folders given on the command line are added to the recent runs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a run folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a recent run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Run Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No translation for %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
