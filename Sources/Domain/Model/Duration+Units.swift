/// One place for turning a `Duration` into the plain numbers metrics, SQL intervals and timeouts take.
extension Duration {
    /// Whole and fractional seconds.
    public var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    /// Milliseconds, fractional.
    public var millisecondsValue: Double { Double(components.seconds) * 1_000 + Double(components.attoseconds) / 1e15 }
    /// Whole nanoseconds.
    public var nanosecondsValue: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
