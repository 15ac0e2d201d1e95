#ifndef GP4U_CMALLOC_SHIM_H
#define GP4U_CMALLOC_SHIM_H

/// glibc's allocator statistics and tuning (mallinfo2, malloc_trim, mallopt), which
/// Swift's Glibc module does not export.
#include <malloc.h>

#endif
