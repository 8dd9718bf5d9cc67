// The ixm platform base: one unbranded app module. ixm lays a tenant's brand over this tree
// (app/build.gradle.kts, the manifest, res/values*, icons, assets/tenant.json); nothing here
// names a tenant.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "ixm-platform"
include(":app")
