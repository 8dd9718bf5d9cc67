// ixm platform shell (web): the same file for every tenant; the brand comes from tenant.json.
//
// It reads tenant.json, picks the best of the tenant's locales for the browser's languages
// (the tenant's default locale when none fits), sets the page title, lang and dir, and
// renders the page it is on: the workspace (index.html: a tile with an icon for each module
// in tenant.json's `modules`, which lists only the enabled ones, and a notice while offline)
// or the offline page (offline.html, which sw.js serves for a page it has not cached when
// the network is down). Opened from disk (file://) it says,
// in the browser's language, how to serve the folder instead. Brand text is only ever
// assigned with textContent or as an attribute value, never parsed as HTML, so a name like
// `<b>{{ 7*7 }}</b>` shows exactly as written.
"use strict";

(() => {
  // The wifi-off icon from Lucide 1.62.0 (https://lucide.dev, ISC licence: Copyright (c)
  // 2026 Lucide Icons and Contributors), as Lucide's icon nodes: [element, attributes] on a
  // 24 px grid. Module icons come with the modules in tenant.json (the base's catalog,
  // modules.yaml), as SVG path data on the same grid. Both are drawn with
  // stroke="currentColor", so they take the text colour (theme.css keeps that readable on
  // the brand colour).
  const ICONS = {
    offline: [ // wifi-off
      ["path", { d: "M12 20h.01" }],
      ["path", { d: "M8.5 16.429a5 5 0 0 1 7 0" }],
      ["path", { d: "M5 12.859a10 10 0 0 1 5.17-2.69" }],
      ["path", { d: "M19 12.859a10 10 0 0 0-2.007-1.523" }],
      ["path", { d: "M2 8.82a15 15 0 0 1 4.177-2.643" }],
      ["path", { d: "M22 8.82a15 15 0 0 0-11.288-3.764" }],
      ["path", { d: "m2 2 20 20" }],
    ],
  };

  // The command and address in the file:// message; code, not prose, so never translated.
  const SERVE_COMMAND = "python3 -m http.server 8000";
  const SERVE_URL = "http://localhost:8000/";

  // The shell's own words per UI language; a language missing here falls back to "en".
  // {command} and {url} stand for SERVE_COMMAND and SERVE_URL.
  const TEXT = {
    en: {
      loadFailed: "The workspace could not be loaded. Check your connection and try again.",
      offlineNotice: "You’re offline. The workspace will update when you’re back online.",
      offlineTitle: "You’re offline",
      offlineText: "This page needs a connection. Check your network, then try again.",
      retry: "Try again",
      openWorkspace: "Open the workspace",
      fileTitle: "Open this app from a web server",
      fileText:
        "Browsers don’t let a page opened from a file read its settings or work offline. To try it on this computer, run {command} in this folder, then open {url}.",
    },
    "zh-Hans": {
      loadFailed: "无法加载工作台，请检查网络后重试。",
      offlineNotice: "你已离线。恢复联网后，工作台会自动更新。",
      offlineTitle: "你已离线",
      offlineText: "此页面需要联网。请检查网络后重试。",
      retry: "重试",
      openWorkspace: "打开工作台",
      fileTitle: "请通过 Web 服务器打开此应用",
      fileText:
        "以文件方式打开的页面无法读取应用配置，也无法离线使用。要在本机试用，请在此文件夹中运行 {command}，然后打开 {url}。",
    },
    "zh-Hant": {
      loadFailed: "無法載入工作台，請檢查網路後再試一次。",
      offlineNotice: "你已離線。恢復連線後，工作台會自動更新。",
      offlineTitle: "你已離線",
      offlineText: "此頁面需要連線。請檢查網路後再試一次。",
      retry: "再試一次",
      openWorkspace: "開啟工作台",
      fileTitle: "請透過網頁伺服器開啟此應用程式",
      fileText:
        "以檔案方式開啟的頁面無法讀取應用程式設定，也無法離線使用。若要在這台電腦上試用，請在此資料夾中執行 {command}，然後開啟 {url}。",
    },
    de: {
      loadFailed:
        "Der Arbeitsbereich konnte nicht geladen werden. Prüfen Sie die Verbindung und versuchen Sie es erneut.",
      offlineNotice:
        "Sie sind offline. Der Arbeitsbereich wird aktualisiert, sobald Sie wieder online sind.",
      offlineTitle: "Sie sind offline",
      offlineText:
        "Diese Seite braucht eine Verbindung. Prüfen Sie Ihr Netzwerk und versuchen Sie es erneut.",
      retry: "Erneut versuchen",
      openWorkspace: "Arbeitsbereich öffnen",
      fileTitle: "Öffnen Sie diese App über einen Webserver",
      fileText:
        "Browser erlauben einer als Datei geöffneten Seite weder, ihre Einstellungen zu lesen, noch offline zu arbeiten. Zum Ausprobieren auf diesem Computer führen Sie in diesem Ordner {command} aus und öffnen dann {url}.",
    },
    ja: {
      loadFailed: "ワークスペースを読み込めませんでした。接続を確認してもう一度お試しください。",
      offlineNotice: "オフラインです。オンラインに戻るとワークスペースが更新されます。",
      offlineTitle: "オフラインです",
      offlineText: "このページを表示するには接続が必要です。ネットワークを確認してもう一度お試しください。",
      retry: "再試行",
      openWorkspace: "ワークスペースを開く",
      fileTitle: "このアプリは Web サーバーから開いてください",
      fileText:
        "ファイルとして開いたページは、設定の読み込みもオフラインでの動作もブラウザーに許可されません。このコンピューターで試すには、このフォルダーで {command} を実行し、{url} を開いてください。",
    },
    ko: {
      loadFailed: "작업 공간을 불러올 수 없습니다. 연결을 확인한 뒤 다시 시도하세요.",
      offlineNotice: "오프라인 상태입니다. 다시 연결되면 작업 공간이 업데이트됩니다.",
      offlineTitle: "오프라인 상태입니다",
      offlineText: "이 페이지를 보려면 연결이 필요합니다. 네트워크를 확인한 뒤 다시 시도하세요.",
      retry: "다시 시도",
      openWorkspace: "작업 공간 열기",
      fileTitle: "이 앱은 웹 서버에서 여세요",
      fileText:
        "파일로 연 페이지는 브라우저가 설정을 읽거나 오프라인으로 작동하도록 허용하지 않습니다. 이 컴퓨터에서 사용해 보려면 이 폴더에서 {command}을(를) 실행한 뒤 {url}을(를) 여세요.",
    },
    fr: {
      loadFailed: "Impossible de charger l’espace de travail. Vérifiez la connexion et réessayez.",
      offlineNotice:
        "Vous êtes hors ligne. L’espace de travail se mettra à jour dès votre retour en ligne.",
      offlineTitle: "Vous êtes hors ligne",
      offlineText: "Cette page a besoin d’une connexion. Vérifiez votre réseau, puis réessayez.",
      retry: "Réessayer",
      openWorkspace: "Ouvrir l’espace de travail",
      fileTitle: "Ouvrez cette application depuis un serveur web",
      fileText:
        "Les navigateurs n’autorisent pas une page ouverte depuis un fichier à lire ses réglages ni à fonctionner hors ligne. Pour l’essayer sur cet ordinateur, exécutez {command} dans ce dossier, puis ouvrez {url}.",
    },
    es: {
      loadFailed:
        "No se pudo cargar el espacio de trabajo. Comprueba la conexión e inténtalo de nuevo.",
      offlineNotice:
        "Estás sin conexión. El espacio de trabajo se actualizará cuando vuelvas a estar en línea.",
      offlineTitle: "Estás sin conexión",
      offlineText: "Esta página necesita conexión. Comprueba la red e inténtalo de nuevo.",
      retry: "Reintentar",
      openWorkspace: "Abrir el espacio de trabajo",
      fileTitle: "Abre esta aplicación desde un servidor web",
      fileText:
        "Los navegadores no permiten que una página abierta desde un archivo lea su configuración ni funcione sin conexión. Para probarla en este equipo, ejecuta {command} en esta carpeta y abre {url}.",
    },
    ar: {
      loadFailed: "تعذّر تحميل مساحة العمل. تحقّق من الاتصال ثم حاول مرة أخرى.",
      offlineNotice: "أنت غير متصل. ستُحدَّث مساحة العمل عند عودة الاتصال.",
      offlineTitle: "أنت غير متصل",
      offlineText: "تحتاج هذه الصفحة إلى اتصال. تحقّق من الشبكة ثم حاول مرة أخرى.",
      retry: "إعادة المحاولة",
      openWorkspace: "فتح مساحة العمل",
      fileTitle: "افتح هذا التطبيق من خادم ويب",
      fileText:
        "لا تسمح المتصفحات للصفحة المفتوحة من ملف بقراءة إعداداتها أو العمل دون اتصال. لتجربته على هذا الكمبيوتر، شغّل {command} في هذا المجلد ثم افتح {url}.",
    },
    he: {
      loadFailed: "לא ניתן לטעון את סביבת העבודה. יש לבדוק את החיבור ולנסות שוב.",
      offlineNotice: "אין חיבור לאינטרנט. סביבת העבודה תתעדכן כשהחיבור יחזור.",
      offlineTitle: "אין חיבור לאינטרנט",
      offlineText: "הדף הזה דורש חיבור. יש לבדוק את הרשת ולנסות שוב.",
      retry: "ניסיון חוזר",
      openWorkspace: "פתיחת סביבת העבודה",
      fileTitle: "יש לפתוח את האפליקציה משרת אינטרנט",
      fileText:
        "דפדפנים לא מאפשרים לדף שנפתח מקובץ לקרוא את ההגדרות שלו או לעבוד במצב לא מקוון. כדי לנסות אותו במחשב הזה, יש להריץ {command} בתיקייה הזו ולפתוח את {url}.",
    },
  };

  // UI languages written right to left: their messages get dir="rtl" even before tenant.json
  // (which knows each tenant locale's direction) could be read.
  const RTL_TEXT = new Set(["ar", "he"]);

  // Chinese without a script subtag: the region decides (zh-TW -> zh-Hant, zh-CN -> zh-Hans).
  const TRADITIONAL_REGIONS = new Set(["TW", "HK", "MO"]);

  function subtags(tag) {
    const parts = String(tag).split(/[-_]/).filter(Boolean);
    const language = (parts[0] || "").toLowerCase();
    let script = parts.slice(1).find((p) => /^[A-Za-z]{4}$/.test(p));
    const region = parts.slice(1).find((p) => /^([A-Za-z]{2}|\d{3})$/.test(p));
    if (script) {
      script = script[0].toUpperCase() + script.slice(1).toLowerCase();
    } else if (language === "zh") {
      script = region && TRADITIONAL_REGIONS.has(region.toUpperCase()) ? "Hant" : "Hans";
    }
    return { language, script, region: region && region.toUpperCase() };
  }

  // "zh-HK" -> zh-HK, zh-Hant-HK, zh-Hant, zh-HK, zh; "de-AT" -> de-AT, de-AT, de.
  function candidates(tag) {
    const { language, script, region } = subtags(tag);
    const out = [String(tag)];
    if (script && region) out.push(`${language}-${script}-${region}`);
    if (script) out.push(`${language}-${script}`);
    if (region) out.push(`${language}-${region}`);
    out.push(language);
    return out;
  }

  /** The first of `available` that serves `preferred` (in the user's order), or undefined. */
  function lookup(available, preferred) {
    const index = new Map(available.map((tag) => [tag.toLowerCase(), tag]));
    for (const wanted of preferred) {
      for (const candidate of candidates(wanted)) {
        const hit = index.get(candidate.toLowerCase());
        if (hit) return hit;
      }
      // Same language, another region or script, beats a language the user did not ask for.
      const language = subtags(wanted).language;
      const related = available.find((tag) => subtags(tag).language === language);
      if (related) return related;
    }
    return undefined;
  }

  function preferredLanguages() {
    const languages = Array.from(navigator.languages || []);
    return languages.length ? languages : [navigator.language || "en"];
  }

  /** The tenant locale for this browser: the first the user prefers, else the default. */
  function chooseLocale(supported, fallback) {
    return lookup(supported, preferredLanguages()) || fallback;
  }

  /** The tenant's locales as index.html/offline.html list them: usable without tenant.json. */
  function pageLocales() {
    const listed = (document.documentElement.dataset.ixmLocales || "").split(" ").filter(Boolean);
    return { supported: listed, fallback: listed[0] || "en" };
  }

  function uiLanguage(tag) {
    return lookup(Object.keys(TEXT), [tag]) || "en";
  }

  function uiText(tag) {
    return TEXT[uiLanguage(tag)];
  }

  const SVG = "http://www.w3.org/2000/svg";

  function icon(nodes) {
    const svg = document.createElementNS(SVG, "svg");
    for (const [key, value] of Object.entries({
      viewBox: "0 0 24 24",
      fill: "none",
      stroke: "currentColor",
      "stroke-width": "2",
      "stroke-linecap": "round",
      "stroke-linejoin": "round",
      "aria-hidden": "true",
      focusable: "false",
    })) {
      svg.setAttribute(key, value);
    }
    for (const [element, attributes] of nodes) {
      const node = document.createElementNS(SVG, element);
      for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
      svg.append(node);
    }
    return svg;
  }

  function tile(module, label) {
    const item = document.createElement("li");
    item.className = "ixm-tile";
    item.dataset.module = module.name;
    const badge = document.createElement("span");
    badge.className = "ixm-tile-icon";
    const paths = Array.isArray(module.icon) ? module.icon : [];
    badge.append(icon(paths.map((d) => ["path", { d: String(d) }])));
    const text = document.createElement("span");
    text.className = "ixm-tile-label";
    text.textContent = label;
    item.append(badge, text);
    return item;
  }

  /** Text in the shell's language ``language``, on an element that may differ from <html>. */
  function say(element, language, text) {
    element.textContent = text;
    element.lang = language;
    element.dir = RTL_TEXT.has(language) ? "rtl" : "ltr";
  }

  /** Title, lang, dir and header of either page, for tenant locale ``tag``. */
  function brand(tenant, tag, titlePrefix) {
    const names = (tenant.names && tenant.names[tag]) || {};
    const root = document.documentElement;
    root.lang = tag;
    root.dir = names.dir === "rtl" ? "rtl" : "ltr";
    if (typeof names.name === "string") {
      document.title = titlePrefix ? `${titlePrefix} – ${names.name}` : names.name;
      document.getElementById("ixm-app-name").textContent = names.name;
    }
    const description = document.getElementById("ixm-description");
    if (description) {
      description.textContent = typeof names.description === "string" ? names.description : "";
      description.hidden = !description.textContent;
    }
  }

  function renderWorkspace(tenant, tag) {
    brand(tenant, tag);
    const text = uiText(tag);
    // tenant.modules lists only the enabled modules, in the catalog's order: a module the
    // tenant turned off never reaches the page.
    const modules = Array.isArray(tenant.modules) ? tenant.modules : [];
    const tiles = modules.map((module) =>
      tile(module, (module.title && module.title[tag]) || module.name),
    );
    document.getElementById("ixm-modules").replaceChildren(...tiles);
    const notice = document.getElementById("ixm-notice");
    const showOnline = () => {
      notice.textContent = navigator.onLine ? "" : text.offlineNotice;
      notice.hidden = navigator.onLine;
    };
    window.addEventListener("online", showOnline);
    window.addEventListener("offline", showOnline);
    showOnline();
  }

  function renderOffline(tenant, tag) {
    const text = uiText(tag);
    brand(tenant, tag, text.offlineTitle);
    const language = uiLanguage(tag);
    say(document.getElementById("ixm-offline-title"), language, text.offlineTitle);
    say(document.getElementById("ixm-offline-text"), language, text.offlineText);
    const retry = document.getElementById("ixm-retry");
    say(retry, language, text.retry);
    retry.addEventListener("click", () => window.location.reload());
    say(document.getElementById("ixm-open-workspace"), language, text.openWorkspace);
    document.getElementById("ixm-offline-icon").replaceChildren(icon(ICONS.offline));
    // No automatic reload on the "online" event: it flaps (Chromium fires online/offline
    // pairs while a page loads offline), and a reload then would cancel the user's own click.
    document.getElementById("ixm-offline").hidden = false;
  }

  /** A message in the status area, in UI language ``language``. */
  function showStatus(language, title, body) {
    const text = TEXT[language];
    const status = document.getElementById("ixm-status");
    status.lang = language;
    status.dir = RTL_TEXT.has(language) ? "rtl" : "ltr";
    const parts = [];
    if (title) {
      const heading = document.createElement("h2");
      heading.textContent = text[title];
      parts.push(heading);
    }
    const paragraph = document.createElement("p");
    // {command} and {url} become <code> (left to right even inside Arabic or Hebrew text).
    for (const piece of text[body].split(/(\{command\}|\{url\})/)) {
      if (piece === "{command}" || piece === "{url}") {
        const code = document.createElement("code");
        code.dir = "ltr";
        code.textContent = piece === "{command}" ? SERVE_COMMAND : SERVE_URL;
        paragraph.append(code);
      } else if (piece) {
        paragraph.append(piece);
      }
    }
    parts.push(paragraph);
    status.replaceChildren(...parts);
    status.hidden = false;
  }

  /** The UI language for a tenant locale the browser asks for (else the default's). */
  function tenantUiLanguage() {
    const { supported, fallback } = pageLocales();
    return uiLanguage(chooseLocale(supported, fallback));
  }

  function fail(error) {
    showStatus(tenantUiLanguage(), null, "loadFailed");
    document.documentElement.dataset.ixmReady = "error";
    console.error("ixm: could not load tenant.json", error);
  }

  const page = document.documentElement.dataset.ixmPage || "workspace";

  async function start() {
    if (window.location.protocol === "file:") {
      // Browsers refuse fetch() and service workers on file:// pages: no tenant.json to read.
      // Whoever opened the files reads this, not the tenant's users: any language ixm speaks.
      const language = lookup(Object.keys(TEXT), preferredLanguages()) || tenantUiLanguage();
      showStatus(language, "fileTitle", "fileText");
      document.documentElement.dataset.ixmReady = "file";
      return;
    }
    const response = await fetch("tenant.json", { cache: "no-cache" });
    if (!response.ok) {
      throw new Error(`tenant.json: HTTP ${response.status}`);
    }
    const tenant = await response.json();
    const supported = (tenant.locales && tenant.locales.supported) || [];
    const tag = chooseLocale(supported, tenant.locales && tenant.locales.default);
    if (page === "offline") {
      renderOffline(tenant, tag);
    } else {
      renderWorkspace(tenant, tag);
    }
    document.documentElement.dataset.ixmLocale = tag;
    document.documentElement.dataset.ixmReady = "true";
  }

  start().catch(fail);

  if ("serviceWorker" in navigator && window.location.protocol !== "file:") {
    navigator.serviceWorker
      .register("sw.js")
      .catch((error) => console.warn("ixm: service worker not registered", error));
  }
})();
