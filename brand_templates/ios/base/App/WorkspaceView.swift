import SwiftUI
import UIKit
import WebKit

/// The workspace: the tenant's web app in a WKWebView, framed by the brand's named colours.
///
/// Colours come from the asset catalog (BrandPrimary, BrandBackground, …), so light and dark
/// mode follow the system without code; the page to open comes from `tenant.json`.
struct WorkspaceView: View {
    let tenant: TenantConfig

    @StateObject private var model = WorkspaceModel()

    var body: some View {
        ZStack(alignment: .top) {
            Color("BrandBackground").ignoresSafeArea()
            WebView(url: tenant.workspaceURL, model: model)
                .opacity(model.failure == nil ? 1 : 0)
            if model.isLoading {
                ProgressView(value: model.progress)
                    .progressViewStyle(.linear)
                    .tint(Color("BrandPrimary"))
            }
            if let failure = model.failure {
                failureView(failure)
            }
        }
    }

    private func failureView(_ message: String) -> some View {
        VStack(spacing: 16) {
            Image(systemName: "wifi.exclamationmark")
                .font(.largeTitle)
                .foregroundColor(Color("BrandPrimary"))
            Text(message)
                .foregroundColor(Color("BrandOnBackground"))
                .multilineTextAlignment(.center)
            Button {
                model.reload()
            } label: {
                Text("Retry")
                    .padding(.horizontal, 24)
                    .padding(.vertical, 10)
                    .foregroundColor(Color("BrandOnPrimary"))
                    .background(Capsule().fill(Color("BrandPrimary")))
            }
        }
        .padding(24)
        .frame(maxWidth: .infinity, maxHeight: .infinity)
    }
}

/// Loading state shared between SwiftUI and the web view's delegate.
@MainActor
final class WorkspaceModel: ObservableObject {
    @Published var isLoading = false
    @Published var progress = 0.0
    @Published var failure: String?

    fileprivate weak var webView: WKWebView?

    func reload() {
        failure = nil
        webView?.reload()
    }
}

/// WKWebView as a SwiftUI view. Navigation inside the workspace's host stays in the app;
/// any other link (store pages, mail, maps) is handed to the system.
struct WebView: UIViewRepresentable {
    let url: URL
    let model: WorkspaceModel

    func makeCoordinator() -> Coordinator { Coordinator(home: url, model: model) }

    func makeUIView(context: Context) -> WKWebView {
        let configuration = WKWebViewConfiguration()
        configuration.allowsInlineMediaPlayback = true
        configuration.websiteDataStore = .default()
        let webView = WKWebView(frame: .zero, configuration: configuration)
        webView.navigationDelegate = context.coordinator
        webView.allowsBackForwardNavigationGestures = true
        webView.isOpaque = false
        webView.backgroundColor = UIColor(named: "BrandBackground")
        webView.scrollView.backgroundColor = UIColor(named: "BrandBackground")
        webView.tintColor = UIColor(named: "BrandPrimary")
        context.coordinator.observe(webView)
        model.webView = webView
        webView.load(URLRequest(url: url))
        return webView
    }

    func updateUIView(_ webView: WKWebView, context: Context) {}

    final class Coordinator: NSObject, WKNavigationDelegate {
        private let home: URL
        private let model: WorkspaceModel
        private var progressObservation: NSKeyValueObservation?

        init(home: URL, model: WorkspaceModel) {
            self.home = home
            self.model = model
        }

        func observe(_ webView: WKWebView) {
            progressObservation = webView.observe(\.estimatedProgress, options: [.new]) {
                [weak self] view, _ in
                let value = view.estimatedProgress
                Task { @MainActor in self?.model.progress = value }
            }
        }

        func webView(
            _ webView: WKWebView,
            decidePolicyFor navigationAction: WKNavigationAction,
            decisionHandler: @escaping (WKNavigationActionPolicy) -> Void
        ) {
            guard let target = navigationAction.request.url else {
                decisionHandler(.cancel)
                return
            }
            let isWeb = target.scheme == "https" || target.scheme == "http"
            if isWeb && (target.host == home.host || navigationAction.targetFrame?.isMainFrame == false) {
                decisionHandler(.allow)
                return
            }
            if target.scheme != "about" {
                UIApplication.shared.open(target)
            }
            decisionHandler(.cancel)
        }

        func webView(_ webView: WKWebView, didStartProvisionalNavigation navigation: WKNavigation!) {
            Task { @MainActor in
                model.isLoading = true
                model.failure = nil
            }
        }

        func webView(_ webView: WKWebView, didFinish navigation: WKNavigation!) {
            Task { @MainActor in model.isLoading = false }
        }

        func webView(
            _ webView: WKWebView, didFail navigation: WKNavigation!, withError error: Error
        ) {
            fail(error)
        }

        func webView(
            _ webView: WKWebView,
            didFailProvisionalNavigation navigation: WKNavigation!,
            withError error: Error
        ) {
            fail(error)
        }

        private func fail(_ error: Error) {
            // A navigation cancelled by a newer one is not a failure.
            if (error as NSError).code == NSURLErrorCancelled { return }
            let message = error.localizedDescription
            Task { @MainActor in
                model.isLoading = false
                model.failure = message
            }
        }
    }
}
