import Foundation
import NIOConcurrencyHelpers

extension PlanningRules {
    /// The rules stored as `text` (an organisation's `rules` column); rules that no longer decode are
    /// the defaults.
    ///
    /// Every planning read and every shift write reads its organisation, and `JSONDecoder` spent about
    /// 130 us on each 170-byte rules document. The decoded rules are kept by their exact text, so a
    /// change of rules is a new text and can never be answered with the old value; the few distinct
    /// texts a process sees are bounded by ``storedTextsKept``.
    static func stored(_ text: String) -> PlanningRules {
        if let known = decodedTexts.withLockedValue({ $0[text] }) { return known }
        let rules = (try? JSONDecoder().decode(PlanningRules.self, from: Data(text.utf8))) ?? .default
        decodedTexts.withLockedValue { kept in
            if kept.count >= storedTextsKept { kept.removeAll(keepingCapacity: true) }
            kept[text] = rules
        }
        return rules
    }

    /// How many distinct rules texts are kept decoded (one per organisation in use, at most this many).
    static let storedTextsKept = 1024

    private static let decodedTexts = NIOLockedValueBox<[String: PlanningRules]>([:])
}
