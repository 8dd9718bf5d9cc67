import SwiftUI

/// The platform app. Every tenant ships this same code: the brand reaches it only as data
/// (Info.plist, the asset catalog's named colours and images, and `tenant.json`).
@main
struct IxmApp: App {
    /// Read once at launch; a broken bundle shows an explanation instead of crashing.
    private let config = Result { try TenantConfig.load() }

    var body: some Scene {
        WindowGroup {
            switch config {
            case .success(let tenant):
                WorkspaceView(tenant: tenant)
            case .failure(let error):
                ConfigErrorView(error: error)
            }
        }
    }
}

/// Shown only when `tenant.json` is missing or unreadable: a packaging error, not a user one.
struct ConfigErrorView: View {
    let error: Error

    var body: some View {
        VStack(spacing: 12) {
            Image(systemName: "exclamationmark.triangle")
                .font(.largeTitle)
                .foregroundColor(Color("BrandPrimary"))
            Text("This build is missing its tenant configuration.")
                .font(.headline)
                .multilineTextAlignment(.center)
            Text(String(describing: error))
                .font(.footnote)
                .foregroundColor(.secondary)
                .multilineTextAlignment(.center)
        }
        .padding(24)
        .frame(maxWidth: .infinity, maxHeight: .infinity)
        .background(Color("BrandBackground").ignoresSafeArea())
    }
}
