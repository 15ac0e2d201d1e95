#ifndef GP4U_CZLIB_SHIM_H
#define GP4U_CZLIB_SHIM_H

#include <zlib.h>

/// deflateInit2 is a macro, which Swift cannot call: this starts a deflate stream that
/// writes the gzip format (window bits 15 + 16) at the given level.
static inline int gp4u_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

#endif
