import Foundation

/// The runtime configuration `ixm build` writes into the app bundle as `tenant.json`
/// (schema `ixm-tenant/v1`). Keys are mapped explicitly: a key-decoding strategy would also
/// rewrite dictionary keys such as feature names (`low_code`) and locale tags.
struct TenantConfig: Codable, Equatable {
    struct Ids: Codable, Equatable {
        let android: String
        let ios: String
    }

    struct Version: Codable, Equatable {
        let name: String
        let build: Int
    }

    struct Locales: Codable, Equatable {
        let `default`: String
        let supported: [String]
    }

    struct Names: Codable, Equatable {
        let name: String
        let shortName: String
        let description: String?
        /// "ltr" or "rtl".
        let dir: String

        enum CodingKeys: String, CodingKey {
            case name
            case shortName = "short_name"
            case description
            case dir
        }
    }

    /// `#RRGGBB` strings. The app draws with the asset catalog's named colours (BrandPrimary,
    /// …), which carry the same values with light and dark variants; these are for web content.
    struct Palette: Codable, Equatable {
        let primary: String
        let onPrimary: String
        let secondary: String
        let background: String
        let onBackground: String

        enum CodingKeys: String, CodingKey {
            case primary
            case onPrimary = "on_primary"
            case secondary
            case background
            case onBackground = "on_background"
        }
    }

    struct Colors: Codable, Equatable {
        let light: Palette
        let dark: Palette
    }

    struct Endpoints: Codable, Equatable {
        let api: URL
        let web: URL?
    }

    struct Storage: Codable, Equatable {
        /// "cloud" or "private" (the customer's own object store).
        let mode: String
        let endpoint: URL?
        let bucket: String?
        let region: String?
    }

    struct Legal: Codable, Equatable {
        let privacyURL: URL
        let termsURL: URL?
        let supportURL: URL?
        let supportEmail: String?

        enum CodingKeys: String, CodingKey {
            case privacyURL = "privacy_url"
            case termsURL = "terms_url"
            case supportURL = "support_url"
            case supportEmail = "support_email"
        }
    }

    let schema: String
    let tenant: String
    let environment: String
    let ids: Ids
    let version: Version
    let locales: Locales
    /// Locale tag -> names.
    let names: [String: Names]
    let colors: Colors
    /// Feature key (`im`, `attendance`, `low_code`, …) -> enabled.
    let features: [String: Bool]
    let endpoints: Endpoints
    let storage: Storage
    let legal: Legal

    enum LoadError: Error, CustomStringConvertible {
        case missing(String)
        case unsupportedSchema(String)

        var description: String {
            switch self {
            case .missing(let name): return "\(name) is not in the app bundle"
            case .unsupportedSchema(let schema): return "unsupported tenant.json schema \(schema)"
            }
        }
    }

    static let supportedSchema = "ixm-tenant/v1"

    /// Reads `tenant.json` from `bundle` (the main bundle by default).
    static func load(from bundle: Bundle = .main) throws -> TenantConfig {
        guard let url = bundle.url(forResource: "tenant", withExtension: "json") else {
            throw LoadError.missing("tenant.json")
        }
        return try decode(Data(contentsOf: url))
    }

    static func decode(_ data: Data) throws -> TenantConfig {
        let config = try JSONDecoder().decode(TenantConfig.self, from: data)
        guard config.schema == supportedSchema else {
            throw LoadError.unsupportedSchema(config.schema)
        }
        return config
    }

    /// The page the workspace opens: the tenant's web app, or its API origin without one.
    var workspaceURL: URL { endpoints.web ?? endpoints.api }

    func isEnabled(_ feature: String) -> Bool { features[feature] ?? false }

    /// Names for the user's preferred languages, falling back to the tenant's default locale.
    func localizedNames(preferred: [String] = Locale.preferredLanguages) -> Names? {
        let tags = Bundle.preferredLocalizations(from: locales.supported, forPreferences: preferred)
        for tag in tags + [locales.default] {
            if let names = names[tag] { return names }
        }
        return nil
    }
}
