import CZlib

/// gzip (RFC 1952) through the system zlib. The web app's files are compressed once when
/// they are loaded, so no request pays for it.
enum Gzip {
    /// The whole input as one gzip member, at zlib's best compression by default.
    static func compress(_ input: [UInt8], level: Int32 = 9) throws(GzipError) -> [UInt8] {
        var stream = z_stream()
        let started = gp4u_deflate_init_gzip(&stream, level)
        guard started == Z_OK else { throw .zlib(started) }
        defer { deflateEnd(&stream) }
        // deflateBound counts the gzip header and trailer once the stream knows its format,
        // so one Z_FINISH call always has room.
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))))
        let status = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw .zlib(status) }
        return Array(output.prefix(Int(stream.total_out)))
    }
}

/// zlib refused to compress; the status is zlib's own code (`Z_STREAM_ERROR`, ...).
enum GzipError: Error, Equatable {
    case zlib(Int32)
}
