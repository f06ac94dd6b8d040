#if canImport(Glibc)
import Glibc
#endif

/// How the C library's allocator treats the memory a long-running server frees.
///
/// An uncached planning week allocates buffers of 64-256 KB (its JSON, the rows' bytes) and frees them
/// when the answer is sent. glibc hands such blocks back to the kernel as they are freed (`madvise`,
/// or `munmap` above its threshold for mapping), and the next request takes page faults to get them
/// again: 0.13 ms of kernel time per uncached week in a profile of the release server. Kept by the
/// allocator instead, they are reused at once: in alternating one-connection runs the week's p50 went
/// from 3.97 to 3.69 ms (about 7 %). The process keeps up to `trimThreshold` of freed memory per arena
/// at the top of its heaps; blocks above `mapThreshold` are still mapped and unmapped on their own.
public enum MemoryTuning {
    /// Blocks at least this large are mapped for themselves (glibc's own ceiling for its adaptive
    /// threshold is 32 MB; a fixed 4 MB keeps the week's buffers in the heap from the first request).
    public static let mapThreshold: Int32 = 4 << 20
    /// Freed memory at the top of a heap beyond this is returned to the kernel.
    public static let trimThreshold: Int32 = 64 << 20

    /// Applies the thresholds to this process; false where the C library has no such settings
    /// (Windows, macOS: their allocators keep freed memory by themselves) or refuses them.
    @discardableResult
    public static func keepFreedMemoryForReuse() -> Bool {
        #if canImport(Glibc)
        // `mallopt` is declared in <malloc.h>, which the Glibc module does not import; it is looked up
        // by name instead. Its option numbers are fixed by glibc's ABI.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let (mmapThresholdOption, trimThresholdOption): (Int32, Int32) = (-3, -1)  // M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
        return mallopt(mmapThresholdOption, mapThreshold) == 1 && mallopt(trimThresholdOption, trimThreshold) == 1
        #else
        return false
        #endif
    }
}
