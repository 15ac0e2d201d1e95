/// An email address in the one form it is stored, looked up and throttled by
/// (``normalized(_:)``), so two spellings can never be two accounts or two allowances.
///
/// Addresses are restricted to ASCII (the "ASCII-Only" level of Unicode's UTS #39
/// restriction profile): no control or invisible characters (NUL, U+200B, U+202E) and no
/// mixed-script look-alikes; an international domain is written in its `xn--` form.
/// Beyond that, validation is modest (RFC 5321 lengths, RFC 5322 dot-atoms, a dotted
/// domain of LDH labels): the only real check of an address is mail reaching it.
public struct Email: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    /// Surrounding whitespace (including newlines) trimmed and lower-cased: the key for
    /// every lookup, also of input that is not a valid address.
    public static func normalized(_ raw: String) -> String {
        raw.trimmingWhitespace().lowercased()
    }

    public init(_ raw: String) throws(AccountsError) {
        let address = Self.normalized(raw)
        guard address.utf8.count <= 254 else { throw .invalidEmail("is longer than 254 characters") }
        guard address.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else {
            throw .invalidEmail(
                "may hold only ASCII letters, digits and punctuation, without spaces (write an international domain "
                    + "in its xn-- form)")
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .invalidEmail("must look like name@example.com")
        }
        let (local, domain) = (parts[0], parts[1])
        let atext = Set("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-/=?^_`{|}~")
        guard local.utf8.count <= 64,
            local.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({
                !$0.isEmpty && $0.allSatisfy(atext.contains)
            })
        else { throw .invalidEmail("has a name part that is not a plain dotted name (at most 64 characters)") }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let ldh = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        guard labels.count >= 2,
            labels.allSatisfy({
                (1...63).contains($0.count) && $0.allSatisfy(ldh.contains) && $0.first != "-" && $0.last != "-"
            }),
            labels.last!.contains(where: \.isLetter)
        else { throw .invalidEmail("has no valid domain") }
        self.value = address
    }

    /// Taken as given, not validated: an address read back from storage (tightening the
    /// rules must never make an existing account unreadable) or a ``normalized(_:)`` key
    /// to look one up by.
    public init(verbatim value: String) { self.value = value }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        self = try Email(s)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
