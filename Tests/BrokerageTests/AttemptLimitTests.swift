import Brokerage
import Testing

@Suite("Attempt limits")
struct AttemptLimitTests {
    @Test("a limit admits until `limit` attempts sit inside its window, then waits for the oldest of them to leave")
    func slidingWindow() {
        let limit = AttemptLimit(key: "k", limit: 3, window: 60)
        #expect(limit.wait(recent: [], now: 1_000) == nil)
        #expect(limit.wait(recent: [990, 995], now: 1_000) == nil)
        // The third-newest attempt (990) leaves the window at 1,050.
        #expect(limit.wait(recent: [995, 990, 999], now: 1_000) == 50)
        #expect(limit.wait(recent: [900, 990, 995, 999], now: 1_000) == 50)
        // Older attempts do not count.
        #expect(limit.wait(recent: [900, 939, 940, 999], now: 1_000) == nil)
        #expect(limit.wait(recent: [940, 999, 999], now: 999) == 1)
    }

    @Test("several limits: admitted only under all of them; the longest wait wins")
    func several() {
        let email = AttemptLimit(key: "e", limit: 1, window: 900)
        let ip = AttemptLimit(key: "i", limit: 2, window: 60)
        #expect(AttemptLimit.wait([(email, []), (ip, [])], now: 100) == nil)
        #expect(AttemptLimit.wait([(email, [50]), (ip, [])], now: 100) == 850)
        #expect(AttemptLimit.wait([(email, [50]), (ip, [90, 95])], now: 100) == 850)
        #expect(AttemptLimit.wait([(email, []), (ip, [90, 95])], now: 100) == 50)
    }
}
