import Logging
import Server
import Synchronization
import Testing

@Suite("Deferred metadata log handler")
struct DeferredMetadataLogHandlerTests {
    /// Collects written lines.
    final class Lines: TextOutputStream, Sendable {
        let text = Mutex("")
        func write(_ string: String) { text.withLock { $0 += string } }
    }

    /// A metadata value that counts how often it is rendered.
    final class Counted: CustomStringConvertible, Sendable {
        let renders = Atomic(0)
        var description: String {
            renders.add(1, ordering: .relaxed)
            return "r1"
        }
    }

    func logger(_ lines: Lines) -> Logger {
        var logger = Logger(label: "t") {
            DeferredMetadataLogHandler(StreamLogHandler(label: $0, stream: lines, metadataProvider: nil))
        }
        logger.logLevel = .info
        return logger
    }

    @Test("metadata is rendered only when a message is written, with the call's metadata winning")
    func deferred() {
        let lines = Lines()
        var logger = logger(lines)
        let id = Counted()
        logger[metadataKey: "request.id"] = .stringConvertible(id)
        logger[metadataKey: "user"] = "u1"
        logger.debug("below the level")
        #expect(id.renders.load(ordering: .relaxed) == 0)
        #expect(lines.text.withLock { $0 }.isEmpty)
        logger.info("request", metadata: ["user": "u2", "http.status": "200"])
        #expect(id.renders.load(ordering: .relaxed) == 1)
        let line = lines.text.withLock { $0 }
        #expect(line.contains("request.id=r1"))
        #expect(line.contains("user=u2") && !line.contains("user=u1"))
        #expect(line.contains("http.status=200") && line.contains("request"))
        #expect(logger[metadataKey: "user"] == "u1")
    }
}
