import CLibXML2
import Foundation

/// An XML document parsed by libxml2 with the settings SAML needs to be safe: no network access,
/// no entity expansion, and any DTD refused (XXE and entity-expansion bombs never load).
public final class SecureXMLDocument: @unchecked Sendable {
    // @unchecked: the document is never mutated after init and libxml2 reads are thread-safe on an
    // immutable tree; `pointer` is private and freed once in deinit.
    private let pointer: xmlDocPtr

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public init(data: Data) throws(ParseError) {
        guard !data.isEmpty, data.count <= 1 << 20 else { throw ParseError(message: "XML document empty or larger than 1 MiB") }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let parsed: xmlDocPtr? = data.withUnsafeBytes { buffer in
            xmlReadMemory(buffer.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(buffer.count), "noname.xml", nil, options)
        }
        guard let parsed else { throw ParseError(message: "malformed XML") }
        guard parsed.pointee.intSubset == nil else {
            xmlFreeDoc(parsed)
            throw ParseError(message: "XML with a DTD is refused")
        }
        self.pointer = parsed
    }

    deinit { xmlFreeDoc(pointer) }

    /// The root element's local name.
    public var rootName: String? {
        guard let root = xmlDocGetRootElement(pointer), let name = root.pointee.name else { return nil }
        return String(cString: name)
    }

    /// The root element's namespace URI.
    public var rootNamespace: String? {
        guard let root = xmlDocGetRootElement(pointer), let ns = root.pointee.ns, let href = ns.pointee.href else { return nil }
        return String(cString: href)
    }

    /// Exclusive XML canonicalization (exc-c14n, without comments) of the whole document.
    public func exclusiveCanonicalization() throws(ParseError) -> Data {
        var output: UnsafeMutablePointer<xmlChar>? = nil
        let length = xmlC14NDocDumpMemory(pointer, nil, Int32(XML_C14N_EXCLUSIVE_1_0.rawValue), nil, 0, &output)
        guard length >= 0, let output else { throw ParseError(message: "canonicalization failed") }
        defer { clibxml2_free(output) }
        return Data(bytes: output, count: Int(length))
    }
}
