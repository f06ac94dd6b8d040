import Foundation

extension SAMLServiceProvider {
    /// Verifies a `SAMLResponse` form field (base64) and returns what its one assertion says.
    ///
    /// Order matters: the structure is checked first (one Response, exactly one Assertion, directly
    /// inside it, unique IDs, no encrypted assertion), then the signatures (every signature present
    /// must verify, and the assertion must be covered by one: its own or the Response's), and only
    /// then is anything read, and only from the covered node. The request ID it answers and the
    /// assertion ID are returned for the caller to spend once.
    public func validate(response encoded: String, now: Date = Date()) throws(SAMLError) -> SAMLAssertion {
        let p = Self.protocolNamespace
        let a = Self.assertionNamespace
        let ds = XMLSignatureVerifier.namespace
        guard encoded.utf8.count <= 1 << 20, let data = Data(base64Encoded: String(encoded.filter { !$0.isWhitespace })) else {
            throw SAMLError(.malformed, "SAMLResponse is not base64")
        }
        let document: SecureXMLDocument
        do { document = try SecureXMLDocument(data: data) } catch { throw SAMLError(.malformed, error.message) }
        guard let response = document.root, response.isElement("Response", in: p), response.attribute("Version") == "2.0" else {
            throw SAMLError(.malformed, "not a SAML 2.0 Response")
        }

        var seen = Set<String>()
        for element in document.elements {
            guard let id = element.attribute("ID") else { continue }
            guard seen.insert(id).inserted else { throw SAMLError(.structure, "the ID \(id) appears twice") }
        }
        guard response.descendants("EncryptedAssertion", in: a).isEmpty else {
            throw SAMLError(.structure, "encrypted assertions are not supported")
        }
        let assertions = response.descendants("Assertion", in: a)
        guard assertions.count == 1, let assertion = assertions.first, assertion.parent == response else {
            throw SAMLError(.structure, "the response must hold exactly one assertion, directly inside it (found \(assertions.count))")
        }

        let responseSignatures = response.children("Signature", in: ds)
        let assertionSignatures = assertion.children("Signature", in: ds)
        guard responseSignatures.count <= 1, assertionSignatures.count <= 1 else { throw SAMLError(.structure, "more than one signature on one element") }
        var covered = false
        for signature in responseSignatures + assertionSignatures {
            let signed: SecureXMLNode
            do { signed = try verifier.verify(signature) } catch { throw SAMLError(.signature, error.message) }
            covered = covered || signed.contains(assertion)
        }
        guard covered else { throw SAMLError(.signature, "the assertion is not signed") }

        // From here on, everything read is inside the signed node(s).
        let skew = TimeInterval(configuration.clockSkewSeconds)
        if let destination = response.attribute("Destination") {
            guard destination == acsURL else { throw SAMLError(.destination, "the response is for \(destination)") }
        } else if !responseSignatures.isEmpty {
            throw SAMLError(.destination, "a signed response must name its Destination")
        }
        if let issuer = response.children("Issuer", in: a).first {
            guard issuer.plainText == configuration.idpEntityID else { throw SAMLError(.issuer, "the response comes from another issuer") }
        }
        let statusCode = response.children("Status", in: p).first?.children("StatusCode", in: p).first?.attribute("Value")
        guard statusCode == Self.success else { throw SAMLError(.status, "the identity provider answered \(statusCode ?? "no status")") }

        guard assertion.attribute("Version") == "2.0", let assertionID = assertion.attribute("ID"), !assertionID.isEmpty else {
            throw SAMLError(.malformed, "the assertion has no ID or is not SAML 2.0")
        }
        guard assertion.children("Issuer", in: a).count == 1, assertion.children("Issuer", in: a)[0].plainText == configuration.idpEntityID else {
            throw SAMLError(.issuer, "the assertion comes from another issuer")
        }

        let subject = try Self.one(assertion.children("Subject", in: a), "Subject")
        let nameIDs = subject.children("NameID", in: a)
        guard nameIDs.count == 1, let nameID = nameIDs[0].plainText?.trimmingCharacters(in: .whitespacesAndNewlines), !nameID.isEmpty else {
            throw SAMLError(.nameID, "the NameID is missing or holds something other than text (a comment, for one)")
        }

        // One bearer confirmation for this ACS, still valid, answering a request of ours.
        var inResponseTo: String?
        var confirmationProblem = SAMLError(.recipient, "no bearer subject confirmation")
        var bearerUntil = now
        for confirmation in subject.children("SubjectConfirmation", in: a) where confirmation.attribute("Method") == Self.bearer {
            guard let data = confirmation.children("SubjectConfirmationData", in: a).first else { continue }
            guard data.attribute("Recipient") == acsURL else {
                confirmationProblem = SAMLError(.recipient, "the assertion is for another recipient")
                continue
            }
            guard let until = Self.date(data.attribute("NotOnOrAfter")), now < until.addingTimeInterval(skew) else {
                confirmationProblem = SAMLError(.expired, "the subject confirmation has expired")
                continue
            }
            if let notBefore = Self.date(data.attribute("NotBefore")), now < notBefore.addingTimeInterval(-skew) {
                confirmationProblem = SAMLError(.notYetValid, "the subject confirmation is not valid yet")
                continue
            }
            guard let answered = data.attribute("InResponseTo"), !answered.isEmpty else {
                confirmationProblem = SAMLError(.inResponseTo, "unsolicited responses are refused (sign in from Crewplan)")
                continue
            }
            inResponseTo = answered
            bearerUntil = until
            break
        }
        guard let inResponseTo else { throw confirmationProblem }
        if let answered = response.attribute("InResponseTo"), answered != inResponseTo {
            throw SAMLError(.inResponseTo, "the response and its assertion answer different requests")
        }

        let conditions = try Self.one(assertion.children("Conditions", in: a), "Conditions")
        if let notBefore = Self.date(conditions.attribute("NotBefore")), now < notBefore.addingTimeInterval(-skew) {
            throw SAMLError(.notYetValid, "the assertion is not valid yet")
        }
        let conditionsUntil = Self.date(conditions.attribute("NotOnOrAfter"))
        if let until = conditionsUntil, now >= until.addingTimeInterval(skew) {
            throw SAMLError(.expired, "the assertion has expired")
        }
        let restrictions = conditions.children("AudienceRestriction", in: a)
        guard !restrictions.isEmpty,
            restrictions.allSatisfy({ $0.children("Audience", in: a).contains { $0.plainText?.trimmingCharacters(in: .whitespaces) == entityID } })
        else { throw SAMLError(.audience, "the assertion is not meant for \(entityID)") }

        var attributes: [String: [String]] = [:]
        for attribute in assertion.children("AttributeStatement", in: a).flatMap({ $0.children("Attribute", in: a) }) {
            guard let name = attribute.attribute("Name") else { continue }
            for value in attribute.children("AttributeValue", in: a) {
                guard let text = value.plainText else { throw SAMLError(.malformed, "the attribute \(name) holds something other than text") }
                attributes[name, default: []].append(text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        let email = (configuration.emailAttribute.flatMap { attributes[$0]?.first } ?? nameID).lowercased()
        guard email.contains("@"), !email.contains(where: \.isWhitespace) else { throw SAMLError(.nameID, "the assertion carries no email address") }

        return SAMLAssertion(
            id: assertionID, inResponseTo: inResponseTo, nameID: nameID, email: email, groups: attributes[configuration.groupsAttribute] ?? [],
            attributes: attributes, rememberUntil: max(bearerUntil, conditionsUntil ?? bearerUntil).addingTimeInterval(skew))
    }

    static func one(_ nodes: [SecureXMLNode], _ name: String) throws(SAMLError) -> SecureXMLNode {
        guard nodes.count == 1 else { throw SAMLError(.structure, "expected exactly one \(name), found \(nodes.count)") }
        return nodes[0]
    }
}
