/// BigUInt is the 256-bit quantity type of this module's public API (values, fees, token
/// amounts), so users of Ethereum get it without a separate dependency.
@_exported import BigInt
