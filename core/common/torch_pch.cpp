// Compiles the shared precompiled header of core/common/torch_compat.h
// (core/CMakeLists.txt); nothing else.
