package com.ixm.platform

import android.annotation.SuppressLint
import android.app.Activity
import android.app.NotificationChannel
import android.app.NotificationManager
import android.content.Intent
import android.net.Uri
import android.os.Build
import android.os.Bundle
import android.view.ViewGroup.LayoutParams.MATCH_PARENT
import android.view.ViewGroup.LayoutParams.WRAP_CONTENT
import android.widget.Button
import android.widget.HorizontalScrollView
import android.widget.LinearLayout
import android.webkit.WebResourceRequest
import android.webkit.WebView
import android.webkit.WebViewClient
import androidx.core.splashscreen.SplashScreen.Companion.installSplashScreen
import org.json.JSONObject

/**
 * The platform's launcher activity: it shows the tenant's splash, then hosts the web
 * workspace named in `assets/tenant.json` (written by ixm for each tenant).
 *
 * Nothing here names a tenant: the brand arrives as resources (label, icon, colours, splash),
 * as runtime config (tenant.json) and as the generated TenantModules.kt / TenantPush.kt, so
 * one code base serves every IXM partner. The module bar lists only the tenant's enabled
 * modules (TenantModules.enabled): a module the tenant turned off is not in the app at all.
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

        createNotificationChannel()
        workspace = Uri.parse(workspaceUrl(readTenantConfig()))
        webView = WebView(this).apply {
            settings.javaScriptEnabled = true
            settings.domStorageEnabled = true
            webViewClient = WorkspaceClient()
        }
        val root = LinearLayout(this).apply { orientation = LinearLayout.VERTICAL }
        if (TenantModules.enabled.isNotEmpty()) {
            root.addView(moduleBar(), LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT))
        }
        root.addView(webView, LinearLayout.LayoutParams(MATCH_PARENT, 0, 1f))
        setContentView(root)
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

    /**
     * The default channel push messages arrive on (FCM's default_notification_channel_id),
     * with the tenant's localised name. Android 8+ drops a notification whose channel does
     * not exist, so it is created at every start (creating an existing channel only renames
     * it, e.g. after a language change). A build without push has no channel (null).
     */
    private fun createNotificationChannel() {
        val (id, name) = TenantPush.defaultChannel ?: return
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.O) return
        val channel = NotificationChannel(id, getString(name), NotificationManager.IMPORTANCE_DEFAULT)
        getSystemService(NotificationManager::class.java).createNotificationChannel(channel)
    }

    /** One button per enabled module, titled in the user's language; opens its page. */
    private fun moduleBar(): HorizontalScrollView {
        val row = LinearLayout(this).apply { orientation = LinearLayout.HORIZONTAL }
        val tag = localeTag()
        for (module in TenantModules.enabled) {
            row.addView(Button(this).apply {
                text = module.title(tag)
                setOnClickListener { webView.loadUrl(moduleUrl(module)) }
            })
        }
        return HorizontalScrollView(this).apply { addView(row) }
    }

    /** The tenant locale for the device's languages (as Android chose the string resources). */
    private fun localeTag(): String {
        val device = resources.configuration.locales[0]
        val tags = TenantModules.locales
        return tags.firstOrNull { it.equals(device.toLanguageTag(), ignoreCase = true) }
            ?: tags.firstOrNull { it.substringBefore('-') == device.language }
            ?: TenantModules.DEFAULT_LOCALE
    }

    private fun moduleUrl(module: AppModule): String =
        workspace.buildUpon().encodedPath(
            workspace.encodedPath.orEmpty().trimEnd('/') + module.route
        ).build().toString()

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
