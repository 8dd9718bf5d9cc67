// Plugin versions are pinned here, once, so every tenant builds with the same toolchain.
// AGP 8.7 needs Gradle >= 8.9 (gradle/wrapper/gradle-wrapper.properties) and JDK 17.
plugins {
    id("com.android.application") version "8.7.3" apply false
    id("org.jetbrains.kotlin.android") version "2.0.21" apply false
{%- for plugin in cookiecutter._ixm.extensions.android.gradle_plugins %}
    id({{ plugin.id|gradle_kts_string }}){% if plugin.version %} version {{ plugin.version|gradle_kts_string }}{% endif %} apply false
{%- endfor %}
{%- set gms = cookiecutter._ixm.android.google_services_plugin %}
{%- if cookiecutter._ixm.android.firebase and gms.id not in cookiecutter._ixm.extensions.android.gradle_plugins|map(attribute="id")|list %}
    id({{ gms.id|gradle_kts_string }}) version {{ gms.version|gradle_kts_string }} apply false
{%- endif %}
}
