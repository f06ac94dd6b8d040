import CLibXML2
import Foundation

/// An XML document parsed by libxml2 with the settings SAML needs to be safe: no network access,
/// no entity expansion, and any DTD refused (XXE and entity-expansion bombs never load).
public final class SecureXMLDocument: @unchecked Sendable {
    // @unchecked: the document is never mutated after init and libxml2 reads are thread-safe on an
    // immutable tree; `pointer` is private and freed once in deinit (nodes keep the document alive).
    fileprivate let pointer: xmlDocPtr

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Canonicalization algorithms libxml2 implements that XML signatures name.
    public enum Canonicalization: Sendable {
        case exclusive, inclusive
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

    /// The root element.
    public var root: SecureXMLNode? {
        xmlDocGetRootElement(pointer).map { SecureXMLNode(document: self, pointer: $0) }
    }

    /// The root element's local name.
    public var rootName: String? { root?.name }

    /// The root element's namespace URI.
    public var rootNamespace: String? { root?.namespace }

    /// Exclusive XML canonicalization (exc-c14n, without comments) of the whole document.
    public func exclusiveCanonicalization() throws(ParseError) -> Data {
        var output: UnsafeMutablePointer<xmlChar>? = nil
        let length = xmlC14NDocDumpMemory(pointer, nil, Int32(XML_C14N_EXCLUSIVE_1_0.rawValue), nil, 0, &output)
        guard length >= 0, let output else { throw ParseError(message: "canonicalization failed") }
        defer { clibxml2_free(output) }
        return Data(bytes: output, count: Int(length))
    }

    /// Every element of the document, in document order.
    public var elements: [SecureXMLNode] {
        var found: [SecureXMLNode] = []
        func walk(_ node: xmlNodePtr?) {
            var current = node
            while let node = current {
                if node.pointee.type == XML_ELEMENT_NODE {
                    found.append(SecureXMLNode(document: self, pointer: node))
                    walk(node.pointee.children)
                }
                current = node.pointee.next
            }
        }
        walk(xmlDocGetRootElement(pointer))
        return found
    }

    /// The canonical form of `element`'s subtree without the `excluding` subtree (the enveloped
    /// signature transform), as XML signatures compute it over a same-document reference.
    public func canonicalize(
        _ element: SecureXMLNode, excluding: SecureXMLNode? = nil, algorithm: Canonicalization, withComments: Bool = false,
        inclusivePrefixes: [String] = []
    ) throws(ParseError) -> Data {
        guard element.document === self, excluding.map({ $0.document === self }) ?? true else {
            throw ParseError(message: "canonicalization of a node from another document")
        }
        var subset = (element.pointer, excluding?.pointer)
        let visible: xmlC14NIsVisibleCallback = { userData, node, parent in
            guard let userData, let node else { return 0 }
            let (target, excluded) = userData.load(as: (xmlNodePtr, xmlNodePtr?).self)
            // Namespace nodes (xmlNs) share the `type` offset with xmlNode but nothing else: their
            // place in the tree is the element libxml2 passes as `parent`.
            let typeOffset = MemoryLayout<xmlNode>.offset(of: \xmlNode.type)!
            let type = UnsafeRawPointer(node).load(fromByteOffset: typeOffset, as: xmlElementType.self)
            var current: xmlNodePtr? = type == XML_NAMESPACE_DECL ? parent : node
            while let node = current {
                if node == excluded { return 0 }
                if node == target { return 1 }
                current = node.pointee.parent
            }
            return 0
        }
        let mode = algorithm == .exclusive ? XML_C14N_EXCLUSIVE_1_0 : XML_C14N_1_0
        guard let buffer = xmlAllocOutputBuffer(nil) else { throw ParseError(message: "out of memory") }
        // libxml2 reads "#default" in this list as the default namespace, as the specification writes it.
        var prefixes: [UnsafeMutablePointer<xmlChar>?] = inclusivePrefixes.map { xmlStrdup($0) } + [nil]
        defer { for prefix in prefixes { if let prefix { clibxml2_free(prefix) } } }
        let status = withUnsafeMutablePointer(to: &subset) { subsetPointer in
            prefixes.withUnsafeMutableBufferPointer { list in
                xmlC14NExecute(
                    pointer, visible, UnsafeMutableRawPointer(subsetPointer), Int32(mode.rawValue),
                    algorithm == .exclusive && list.count > 1 ? list.baseAddress : nil, withComments ? 1 : 0, buffer)
            }
        }
        defer { xmlOutputBufferClose(buffer) }
        guard status >= 0, let content = xmlOutputBufferGetContent(buffer) else { throw ParseError(message: "canonicalization failed") }
        return Data(bytes: content, count: Int(xmlOutputBufferGetSize(buffer)))
    }
}

/// An element of a ``SecureXMLDocument`` (it keeps its document alive).
public struct SecureXMLNode: @unchecked Sendable, Equatable {
    // @unchecked: a read-only view of an immutable tree owned by `document`.
    let document: SecureXMLDocument
    let pointer: xmlNodePtr

    public static func == (lhs: SecureXMLNode, rhs: SecureXMLNode) -> Bool { lhs.pointer == rhs.pointer }

    /// The local name.
    public var name: String { pointer.pointee.name.map { String(cString: $0) } ?? "" }

    /// The namespace URI, if any.
    public var namespace: String? { pointer.pointee.ns?.pointee.href.map { String(cString: $0) } }

    public func isElement(_ name: String, in namespace: String) -> Bool { self.name == name && self.namespace == namespace }

    /// An attribute without a namespace (`ID`, `Destination`...).
    public func attribute(_ name: String) -> String? {
        guard let value = xmlGetNoNsProp(pointer, name) else { return nil }
        defer { clibxml2_free(value) }
        return String(cString: value)
    }

    /// The parent element.
    public var parent: SecureXMLNode? {
        guard let parent = pointer.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return SecureXMLNode(document: document, pointer: parent)
    }

    /// The child elements, in order.
    public var children: [SecureXMLNode] {
        var found: [SecureXMLNode] = []
        var current = pointer.pointee.children
        while let node = current {
            if node.pointee.type == XML_ELEMENT_NODE { found.append(SecureXMLNode(document: document, pointer: node)) }
            current = node.pointee.next
        }
        return found
    }

    public func children(_ name: String, in namespace: String) -> [SecureXMLNode] {
        children.filter { $0.isElement(name, in: namespace) }
    }

    /// The elements below this one (not itself) with that name, in document order.
    public func descendants(_ name: String, in namespace: String) -> [SecureXMLNode] {
        children.flatMap { child in (child.isElement(name, in: namespace) ? [child] : []) + child.descendants(name, in: namespace) }
    }

    /// Whether `other` is this element or inside it.
    public func contains(_ other: SecureXMLNode) -> Bool {
        var current: xmlNodePtr? = other.pointer
        while let node = current {
            if node == pointer { return true }
            current = node.pointee.parent
        }
        return false
    }

    /// The text of an element that holds text only; nil when it holds anything else (a comment, a
    /// processing instruction, an element), which a signed value must never contain: exc-c14n drops
    /// comments, so `a@x.test<!---->.evil` would verify while reading differently.
    public var plainText: String? {
        var text = ""
        var current = pointer.pointee.children
        while let node = current {
            guard node.pointee.type == XML_TEXT_NODE, let content = node.pointee.content else { return nil }
            text += String(cString: content)
            current = node.pointee.next
        }
        return text
    }
}
