package com.ixm.platform

import android.annotation.SuppressLint
import android.app.Activity
import android.content.Intent
import android.net.Uri
import android.os.Bundle
import android.webkit.WebResourceRequest
import android.webkit.WebView
import android.webkit.WebViewClient
import androidx.core.splashscreen.SplashScreen.Companion.installSplashScreen
import org.json.JSONObject

/**
 * The platform's launcher activity: it shows the tenant's splash, then hosts the web
 * workspace named in `assets/tenant.json` (written by ixm for each tenant).
 *
 * Nothing here names a tenant: the brand arrives as resources (label, icon, colours, splash)
 * and as runtime config (tenant.json), so one code base serves every IXM partner.
 */
class MainActivity : Activity() {
    private lateinit var webView: WebView
    private lateinit var workspace: Uri

    @SuppressLint("SetJavaScriptEnabled")
    override fun onCreate(savedInstanceState: Bundle?) {
        // Before super.onCreate: Android 12+ draws the system splash from
        // Theme.App.Starting (res/values-v31); older versions show its windowBackground.
        installSplashScreen()
        // The starting theme is only for the splash; the app itself runs in Theme.App.
        setTheme(R.style.Theme_App)
        super.onCreate(savedInstanceState)

        workspace = Uri.parse(workspaceUrl(readTenantConfig()))
        webView = WebView(this).apply {
            settings.javaScriptEnabled = true
            settings.domStorageEnabled = true
            webViewClient = WorkspaceClient()
        }
        setContentView(webView)
        if (savedInstanceState == null || webView.restoreState(savedInstanceState) == null) {
            webView.loadUrl(workspace.toString())
        }
    }

    override fun onSaveInstanceState(outState: Bundle) {
        super.onSaveInstanceState(outState)
        webView.saveState(outState)
    }

    @Deprecated("Activity.onBackPressed is the only back hook on API < 33 without androidx")
    override fun onBackPressed() {
        if (webView.canGoBack()) webView.goBack() else super.onBackPressed()
    }

    override fun onDestroy() {
        webView.destroy()
        super.onDestroy()
    }

    private fun readTenantConfig(): JSONObject =
        assets.open(TENANT_CONFIG).bufferedReader(Charsets.UTF_8).use { JSONObject(it.readText()) }

    /** endpoints.web is the workspace; a tenant without one gets the API origin's web UI. */
    private fun workspaceUrl(config: JSONObject): String {
        val endpoints = config.getJSONObject("endpoints")
        return endpoints.optString("web").ifEmpty { endpoints.getString("api") }
    }

    /** Pages of the workspace origin stay in the app; every other link opens the browser. */
    private inner class WorkspaceClient : WebViewClient() {
        override fun shouldOverrideUrlLoading(view: WebView, request: WebResourceRequest): Boolean {
            val url = request.url
            if (url.scheme == workspace.scheme && url.authority == workspace.authority) {
                return false
            }
            // No app for the link (e.g. no browser installed): stay on the current page.
            runCatching { startActivity(Intent(Intent.ACTION_VIEW, url)) }
            return true
        }
    }

    private companion object {
        const val TENANT_CONFIG = "tenant.json"
    }
}
