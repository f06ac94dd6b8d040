import NIOCore
import PostgresNIO

/// A read that runs as a named prepared statement on each connection (see ``PreparedStatements``):
/// parameterised SQL written as a `PostgresQuery` is, by interpolation, with its values kept as
/// `PostgresData` so they can be bound to a statement prepared earlier.
package struct PreparedRead: Sendable, ExpressibleByStringInterpolation {
    package var sql: String
    package var binds: [PostgresData]

    package init(sql: String, binds: [PostgresData] = []) {
        self.sql = sql
        self.binds = binds
    }

    package init(stringLiteral value: String) { self.init(sql: value) }

    package init(stringInterpolation: StringInterpolation) { self.init(sql: stringInterpolation.sql, binds: stringInterpolation.binds) }

    /// Appends `value` as the next parameter and returns its placeholder (`$n::TYPE`).
    package mutating func bind<Value: PostgresNonThrowingEncodable>(_ value: Value) -> String {
        binds.append(Self.data(value))
        return Self.placeholder(binds.count, Value.self)
    }

    /// `$n` cast to the type of the value bound to it. postgres-nio's `PreparedQuery` prepares a
    /// statement without parameter types, so PostgreSQL infers each from where it stands (an int4
    /// column, a CASE, a text function): a value bound later in another binary form would be refused
    /// ("incorrect binary data format") or misread. The cast fixes the type to the value's own.
    static func placeholder<Value: PostgresNonThrowingEncodable>(_ index: Int, _: Value.Type) -> String {
        guard let name = Value.psqlType.knownSQLName else { return "$\(index)" }
        return "$\(index)::\(name)"
    }

    /// The same read as an unnamed statement.
    package var query: PostgresQuery {
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds { bindings.append(bind) }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    static func data<Value: PostgresNonThrowingEncodable>(_ value: Value) -> PostgresData {
        var buffer = ByteBuffer()
        value.encode(into: &buffer, context: .default)
        return PostgresData(type: Value.psqlType, formatCode: Value.psqlFormat, value: buffer)
    }

    package struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var binds: [PostgresData] = []

        package init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + 3 * interpolationCount)
            binds.reserveCapacity(interpolationCount)
        }

        package mutating func appendLiteral(_ literal: String) { sql += literal }

        package mutating func appendInterpolation<Value: PostgresNonThrowingEncodable>(_ value: Value) {
            binds.append(PreparedRead.data(value))
            sql += PreparedRead.placeholder(binds.count, Value.self)
        }

        /// SQL text written as it is (column lists); never a value.
        package mutating func appendInterpolation(unescaped text: String) { sql += text }
    }
}
