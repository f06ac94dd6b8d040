import Domain
import Foundation
import Security
import Testing

/// The role x permission matrix and the scopes it hands to the stores.
@Suite struct AccessControlTests {
    let site = UUID()
    let team = UUID()
    let employee = UUID()

    func principal(_ role: Role) -> Principal {
        Principal(userID: UUID(), organizationID: UUID(), role: role, employeeID: role == .employee ? employee : nil, siteIDs: [site], teamIDs: [team], sessionID: UUID(), email: "x@y.test")
    }

    @Test func adminHasTheWholeOrganisationForEveryDeclaredPermission() throws {
        let access = AccessControl()
        for resource in Permission.Resource.allCases {
            for action in Permission.Action.allCases {
                let permission = Permission(resource, action)
                if access.policy.permissions.contains(permission.description) {
                    #expect(try access.scope(for: principal(.admin), permission) == .organization, "\(permission)")
                } else {
                    // A permission the policy does not declare is nobody's, not even the admin's.
                    #expect(throws: DomainError.self) { try access.scope(for: principal(.admin), permission) }
                }
            }
        }
    }

    @Test func managerPlansOwnUnitsAndReadsTheOrganisation() throws {
        let access = AccessControl()
        let manager = principal(.manager)
        #expect(try access.scope(for: manager, .init(.shifts, .write)) == .units(sites: [site], teams: [team]))
        #expect(try access.scope(for: manager, .init(.employees, .read)) == .organization)
        #expect(try access.scope(for: manager, .init(.missions, .write)) == .organization)
        for resource in [Permission.Resource.sites, .teams, .employees, .users, .organization] {
            #expect(throws: DomainError.self) { try access.scope(for: manager, .init(resource, .write)) }
        }
    }

    @Test func employeeReadsOnlySelfAndWritesNothing() throws {
        let access = AccessControl()
        let me = principal(.employee)
        #expect(try access.scope(for: me, .init(.shifts, .read)) == .employee(employee))
        #expect(try access.scope(for: me, .init(.planning, .read)) == .employee(employee))
        #expect(try access.scope(for: me, .init(.employees, .read)) == .employee(employee))
        for resource in Permission.Resource.allCases {
            #expect(throws: DomainError.self) { try access.scope(for: me, .init(resource, .write)) }
        }
    }

    @Test func scopesAllowOnlyWhatTheyName() {
        let units = AccessScope.units(sites: [site], teams: [team])
        #expect(units.allows(siteID: site, teamID: nil, employeeID: nil))
        #expect(units.allows(siteID: UUID(), teamID: team, employeeID: nil))
        #expect(!units.allows(siteID: UUID(), teamID: UUID(), employeeID: nil))
        #expect(!AccessScope.employee(nil).allows(siteID: nil, teamID: nil, employeeID: nil))
        #expect(AccessScope.employee(employee).allows(siteID: nil, teamID: nil, employeeID: employee))
    }
}

@Suite struct SecureXMLDocumentTests {
    @Test func parsesAndCanonicalizes() throws {
        let xml = #"<?xml version="1.0"?><a:Root xmlns:a="urn:x" xmlns:unused="urn:y"   b="1"><a:Child>t</a:Child><!-- note --></a:Root>"#
        let document = try SecureXMLDocument(data: Data(xml.utf8))
        #expect(document.rootName == "Root")
        #expect(document.rootNamespace == "urn:x")
        let canonical = String(decoding: try document.exclusiveCanonicalization(), as: UTF8.self)
        #expect(canonical == #"<a:Root xmlns:a="urn:x" b="1"><a:Child>t</a:Child></a:Root>"#)
    }

    @Test func refusesDTDsSoExternalEntitiesNeverLoad() {
        let xxe = #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#
        #expect(throws: SecureXMLDocument.ParseError.self) { try SecureXMLDocument(data: Data(xxe.utf8)) }
        let bomb = #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><r>&b;</r>"#
        #expect(throws: SecureXMLDocument.ParseError.self) { try SecureXMLDocument(data: Data(bomb.utf8)) }
    }

    @Test func refusesMalformedXML() {
        #expect(throws: SecureXMLDocument.ParseError.self) { try SecureXMLDocument(data: Data("<a><b></a>".utf8)) }
        #expect(throws: SecureXMLDocument.ParseError.self) { try SecureXMLDocument(data: Data()) }
    }
}
