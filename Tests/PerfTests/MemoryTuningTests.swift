import Perf
import Testing

/// The server keeps the memory it frees for its next requests (the effect is shown by load runs).
@Suite struct MemoryTuningTests {
    /// glibc takes both thresholds; elsewhere the call says it did nothing rather than failing.
    @Test func theAllocatorTakesTheThresholds() {
        #if canImport(Glibc)
        #expect(MemoryTuning.keepFreedMemoryForReuse())
        #else
        #expect(!MemoryTuning.keepFreedMemoryForReuse())
        #endif
        #expect(MemoryTuning.mapThreshold < MemoryTuning.trimThreshold)
    }
}
