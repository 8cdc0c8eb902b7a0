// Anchor translation unit so the shared precompiled header has a target to live in.
