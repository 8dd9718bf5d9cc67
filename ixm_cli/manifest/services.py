"""Checks of ``links``, ``services`` and ``signing.android.cert_sha256``: what the apps'
deep links, Firebase files and push notifications need to work for *this* tenant.

Kept apart from rules.py because these checks read files the manifest names (Firebase
configs) and judge them against the tenant's ids, per environment: the classic white-label
outage is brand B shipping with brand A's push config, and only the ids tell them apart.
"""

from __future__ import annotations

import json
import plistlib
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.parsers.expat import ExpatError

from ixm_cli.manifest.loader import Key
from ixm_cli.manifest.model import CERT_SHA256_PATTERN, HOST_PATTERN, SCHEME_PATTERN
from ixm_cli.manifest.rules import Checker, resolve_file

FIREBASE_MAX_BYTES = 1 << 20
"""A Firebase client config is a few kB; anything this large is not one."""
GOOGLE_SERVICES = "google-services.json"
GOOGLE_SERVICE_INFO = "GoogleService-Info.plist"
_SCHEME_CHARS = re.compile(r"[a-z0-9+.-]")
_HEX = re.compile(r"^[0-9A-Fa-f]+$")


def check_links(ck: Checker) -> None:
    domains = ck.value(("links", "domains"))
    seen: set[str] = set()
    if isinstance(domains, list):
        for i, domain in enumerate(domains):
            if not isinstance(domain, str):
                continue
            path: Key = ("links", "domains", i)
            problem = _host_problem(domain)
            if problem is not None:
                ck.error(path, *problem)
            elif domain in seen:
                ck.error(path, f"{domain!r} is listed twice", "remove the second one")
            seen.add(domain)
        if seen:
            _links_need(ck)
    scheme = ck.value(("links", "scheme"))
    if isinstance(scheme, str):
        problem = _scheme_problem(scheme)
        if problem is not None:
            ck.error(("links", "scheme"), *problem)


def _links_need(ck: Checker) -> None:
    """Verified links need the other side: the fingerprints Android checks assetlinks.json
    against and the team id Apple's association file names."""
    if not ck.value(("signing", "android", "cert_sha256")):
        ck.warn(
            ("links", "domains"),
            "Android will not verify these App Links: signing.android.cert_sha256 is not set, "
            "so .well-known/assetlinks.json is not written",
            "add cert_sha256: [the SHA-256 fingerprint Play Console shows under App integrity]"
            " below signing.android",
        )
    if ck.value(("signing", "ios", "team_id")) is None:
        ck.warn(
            ("links", "domains"),
            "iOS will not open these Universal Links: signing.ios.team_id is not set, so "
            ".well-known/apple-app-site-association is not written",
            "add team_id: under signing.ios (developer.apple.com → Membership)",
        )


def _host_problem(domain: str) -> tuple[str, str] | None:
    """(message, hint) when ``domain`` is not a bare host name."""
    if "://" in domain or domain.startswith("//"):
        try:
            host = urlsplit(domain if "://" in domain else "https:" + domain).hostname
        except ValueError:
            host = None
        fix = f"write just the host name: {host}" if host else "write just the host name"
        return (f"{domain!r} is a URL; links.domains lists host names",
                fix + " (the apps open every page on it)")
    if "/" in domain:
        host = domain.split("/", 1)[0]
        return (f"{domain!r} has a path; links.domains lists host names",
                f"write just the host name: {host} (the apps open every page on it)")
    if ":" in domain:
        host = domain.rsplit(":", 1)[0]
        return (f"{domain!r} has a port; phones check links over https on the standard port",
                f"write just the host name: {host}, and serve it on port 443")
    if "*" in domain:
        return (f"{domain!r} is a wildcard; each host serves its own .well-known files",
                "list every host name, e.g. ding.acme.example, www.acme.example")
    if not domain.isascii():
        return (f"{domain!r} has non-ASCII characters",
                "write the host in its xn-- (punycode) form")
    if domain != domain.lower():
        return (f"{domain!r} has capital letters; Android matches hosts exactly as written",
                f"write it in lower case: {domain.lower()}")
    if not re.fullmatch(HOST_PATTERN, domain):
        return (f"{domain!r} is not a host name",
                "dot-separated labels of letters, digits and '-', e.g. ding.acme.example")
    return None


def _scheme_problem(scheme: str) -> tuple[str, str] | None:
    """(message, hint) when ``scheme`` breaks RFC 3986 §3.1 or would not work as a custom
    scheme on both platforms."""
    bare = scheme.split(":", 1)[0]
    if ":" in scheme:
        return (f"{scheme!r} is more than a scheme", f"write the scheme alone: {bare}")
    if scheme.lower() in ("http", "https"):
        return (f"{scheme!r} is not a custom scheme",
                "https links go in links.domains; choose a scheme of your own, e.g. acmeding")
    if scheme != scheme.lower():
        return (f"{scheme!r} has capital letters; Android matches schemes exactly as written",
                f"write it in lower case: {scheme.lower()}")
    if re.fullmatch(SCHEME_PATTERN, scheme):
        return None
    if not scheme or not scheme[0].isalpha() or not scheme[0].isascii():
        return (f"{scheme!r} must start with a letter (RFC 3986)",
                "e.g. acmeding: a letter, then letters, digits, '+', '-' or '.'")
    bad = next(c for c in scheme if not _SCHEME_CHARS.fullmatch(c))
    return (f"{scheme!r} contains {bad!r}, which a URL scheme cannot hold (RFC 3986)",
            "use only letters, digits, '+', '-' and '.', e.g. acmeding")


def check_fingerprints(ck: Checker) -> None:
    prints = ck.value(("signing", "android", "cert_sha256"))
    if not isinstance(prints, list):
        return
    for i, value in enumerate(prints):
        if isinstance(value, str) and not re.fullmatch(CERT_SHA256_PATTERN, value.strip()):
            ck.error(("signing", "android", "cert_sha256", i), *_fingerprint_problem(value))


def _fingerprint_problem(value: str) -> tuple[str, str]:
    where = ("copy the SHA-256 certificate fingerprint from Play Console (App integrity → App "
             "signing), or run keytool -list -v -keystore <file>")
    digits = value.strip().replace(":", "")
    if _HEX.fullmatch(digits) and len(digits) == 40:
        return "this is a SHA-1 fingerprint (20 bytes); assetlinks.json needs SHA-256", where
    if _HEX.fullmatch(digits) and len(digits) == 64:
        pairs = ":".join(digits[i : i + 2] for i in range(0, 64, 2)).upper()
        return "the fingerprint needs ':' between its bytes", f"write {pairs}"
    if _HEX.fullmatch(digits) and len(digits) % 2 == 0:
        return (f"a SHA-256 fingerprint has 32 bytes; this one has {len(digits) // 2}", where)
    return "not a SHA-256 fingerprint (32 bytes written AB:CD:…, hexadecimal)", where


def check_push(ck: Checker) -> None:
    if ck.value(("services", "push")) is True:
        if ck.value(("assets", "icon_monochrome")) is None and (
            "assets", "icon_monochrome") not in ck.broken:
            ck.error(
                ("services", "push"),
                "push needs assets.icon_monochrome: Android draws the notification icon as a "
                "white silhouette of it",
                "add icon_monochrome: assets/icon-mono.png (a flat shape on transparency) "
                "under assets",
            )
    elif ck.value(("services", "push_channel")) is not None:
        ck.warn(("services", "push_channel"), "push_channel is unused while push is off",
                "set services.push: true, or remove push_channel")


def resolve_firebase(ck: Checker) -> dict[str, Path]:
    """The Firebase files (``android``, ``ios``) that exist, stay inside the tenant's folder
    and hold a client for this tenant's ids under the environment being checked."""
    found: dict[str, Path] = {}
    for platform, name, read in (("android", GOOGLE_SERVICES, _android_packages),
                                 ("ios", GOOGLE_SERVICE_INFO, _ios_bundles)):
        path: Key = ("services", "firebase", platform)
        value = ck.value(path)
        if not isinstance(value, str):
            continue
        if Path(value).name != name:
            ck.error(path, f"{value!r} is not a {name} file",
                     f"point at the {name} Firebase gives for this app, e.g. firebase/{name}")
            continue
        file = resolve_file(ck, path, value, example=f"firebase/{name}", kind=f"a {name} file")
        if file is None:
            continue
        if file.stat().st_size > FIREBASE_MAX_BYTES:
            ck.error(path, f"{value!r} is larger than a Firebase config can be (1 MiB)",
                     f"download {name} again from the Firebase console")
            continue
        try:
            ids = read(file.read_bytes())
        except ValueError as exc:
            ck.error(path, f"{value!r} cannot be read: {exc}",
                     f"download {name} again from the Firebase console")
            continue
        own = ck.value(("ids", platform))
        if isinstance(own, str) and own not in ids:
            _wrong_app(ck, path, value, platform, own, ids)
            continue
        found[platform] = file
    return found


def _wrong_app(ck: Checker, path: Key, value: str, platform: str, own: str,
               ids: list[str]) -> None:
    kind = "applicationId" if platform == "android" else "bundle id"
    app = "Android" if platform == "android" else "Apple"
    held = ", ".join(repr(i) for i in ids[:8]) or "no app"
    where = f" (environment {ck.env!r})" if ck.env else ""
    message = f"{value!r} is for {held}, not this tenant's {kind} {own!r}{where}"
    hint = (f"download the config of the Firebase {app} app registered for {own} (Firebase "
            "console → Project settings → Your apps)")
    if ck.env:
        hint += (f", and name it under environments.{ck.env}.services.firebase.{platform}")
    ck.error(path, message, hint)


def _android_packages(data: bytes) -> list[str]:
    """The package names google-services.json holds a client for (the Google Services
    Gradle plugin fails the build when none is the applicationId)."""
    try:
        doc: Any = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("it is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    clients = doc.get("client") if isinstance(doc, dict) else None
    if not isinstance(doc, dict) or "project_info" not in doc or not isinstance(clients, list):
        raise ValueError("it has no project_info and client list, so it is no "
                         "google-services.json")
    names = []
    for client in clients:
        info = client.get("client_info") if isinstance(client, dict) else None
        android = info.get("android_client_info") if isinstance(info, dict) else None
        name = android.get("package_name") if isinstance(android, dict) else None
        if isinstance(name, str):
            names.append(name)
    return names


def _ios_bundles(data: bytes) -> list[str]:
    try:
        doc: Any = plistlib.loads(data)
    except (plistlib.InvalidFileException, ExpatError, ValueError, TypeError, KeyError,
            OverflowError) as exc:
        raise ValueError(f"not a property list ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("GOOGLE_APP_ID"), str):
        raise ValueError("it has no GOOGLE_APP_ID, so it is no GoogleService-Info.plist")
    bundle = doc.get("BUNDLE_ID")
    return [bundle] if isinstance(bundle, str) else []


RULES = (check_links, check_fingerprints, check_push)
