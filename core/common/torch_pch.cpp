// Compiles the shared precompiled <torch/torch.h> (core/CMakeLists.txt); nothing else.
