// ixm platform shell (web): the same file for every tenant; the brand comes from tenant.json.
//
// It reads tenant.json, picks the best of the tenant's locales for the browser's languages,
// sets the page title, lang and dir, renders a tile for each ENABLED module and registers the
// service worker. Brand text is only ever assigned with textContent or as an attribute value,
// never parsed as HTML, so a name like `<b>{{ 7*7 }}</b>` shows exactly as written.
"use strict";

(() => {
  const MODULES = ["im", "attendance", "approvals", "docs", "meetings", "projects", "low_code"];

  // Module labels per UI language; a language missing here falls back to "en".
  const LABELS = {
    en: {
      im: "Messages",
      attendance: "Attendance",
      approvals: "Approvals",
      docs: "Docs",
      meetings: "Meetings",
      projects: "Projects",
      low_code: "Low-code apps",
    },
    "zh-Hans": {
      im: "消息",
      attendance: "考勤",
      approvals: "审批",
      docs: "文档",
      meetings: "会议",
      projects: "项目",
      low_code: "低代码应用",
    },
    "zh-Hant": {
      im: "訊息",
      attendance: "考勤",
      approvals: "簽核",
      docs: "文件",
      meetings: "會議",
      projects: "專案",
      low_code: "低程式碼應用",
    },
    de: {
      im: "Nachrichten",
      attendance: "Anwesenheit",
      approvals: "Freigaben",
      docs: "Dokumente",
      meetings: "Meetings",
      projects: "Projekte",
      low_code: "Low-Code-Apps",
    },
    ja: {
      im: "メッセージ",
      attendance: "勤怠",
      approvals: "承認",
      docs: "ドキュメント",
      meetings: "会議",
      projects: "プロジェクト",
      low_code: "ローコードアプリ",
    },
    ko: {
      im: "메시지",
      attendance: "근태",
      approvals: "결재",
      docs: "문서",
      meetings: "회의",
      projects: "프로젝트",
      low_code: "로우코드 앱",
    },
    fr: {
      im: "Messages",
      attendance: "Présence",
      approvals: "Approbations",
      docs: "Documents",
      meetings: "Réunions",
      projects: "Projets",
      low_code: "Apps low-code",
    },
    es: {
      im: "Mensajes",
      attendance: "Asistencia",
      approvals: "Aprobaciones",
      docs: "Documentos",
      meetings: "Reuniones",
      projects: "Proyectos",
      low_code: "Apps low-code",
    },
    ar: {
      im: "الرسائل",
      attendance: "الحضور",
      approvals: "الموافقات",
      docs: "المستندات",
      meetings: "الاجتماعات",
      projects: "المشاريع",
      low_code: "تطبيقات منخفضة الكود",
    },
    he: {
      im: "הודעות",
      attendance: "נוכחות",
      approvals: "אישורים",
      docs: "מסמכים",
      meetings: "פגישות",
      projects: "פרויקטים",
      low_code: "אפליקציות Low-code",
    },
  };

  const LOAD_FAILED = {
    en: "The workspace could not be loaded. Check your connection and try again.",
    "zh-Hans": "无法加载工作台，请检查网络后重试。",
    "zh-Hant": "無法載入工作台，請檢查網路後再試一次。",
    de: "Der Arbeitsbereich konnte nicht geladen werden. Prüfen Sie die Verbindung und versuchen Sie es erneut.",
    ja: "ワークスペースを読み込めませんでした。接続を確認してもう一度お試しください。",
    ko: "작업 공간을 불러올 수 없습니다. 연결을 확인한 뒤 다시 시도하세요.",
    fr: "Impossible de charger l’espace de travail. Vérifiez la connexion et réessayez.",
    es: "No se pudo cargar el espacio de trabajo. Comprueba la conexión e inténtalo de nuevo.",
    ar: "تعذّر تحميل مساحة العمل. تحقّق من الاتصال ثم حاول مرة أخرى.",
    he: "לא ניתן לטעון את סביבת העבודה. יש לבדוק את החיבור ולנסות שוב.",
  };

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

  function uiLanguage(tag) {
    return lookup(Object.keys(LABELS), [tag]) || "en";
  }

  function tile(key, label) {
    const item = document.createElement("li");
    item.className = "ixm-tile";
    item.dataset.module = key;
    const badge = document.createElement("span");
    badge.className = "ixm-tile-badge";
    badge.setAttribute("aria-hidden", "true");
    badge.textContent = Array.from(label)[0] || "";
    const text = document.createElement("span");
    text.className = "ixm-tile-label";
    text.textContent = label;
    item.append(badge, text);
    return item;
  }

  function render(tenant) {
    const supported = (tenant.locales && tenant.locales.supported) || [];
    const fallback = tenant.locales && tenant.locales.default;
    const tag = lookup(supported, preferredLanguages()) || fallback;
    const names = (tenant.names && tenant.names[tag]) || {};
    const root = document.documentElement;
    root.lang = tag;
    root.dir = names.dir === "rtl" ? "rtl" : "ltr";
    if (typeof names.name === "string") {
      document.title = names.name;
      document.getElementById("ixm-app-name").textContent = names.name;
    }
    const description = document.getElementById("ixm-description");
    description.textContent = typeof names.description === "string" ? names.description : "";
    description.hidden = !description.textContent;

    const labels = LABELS[uiLanguage(tag)];
    const features = tenant.features || {};
    const tiles = MODULES.filter((key) => features[key] === true).map((key) =>
      tile(key, labels[key] || LABELS.en[key]),
    );
    document.getElementById("ixm-modules").replaceChildren(...tiles);
    root.dataset.ixmLocale = tag;
    root.dataset.ixmReady = "true";
  }

  function fail(error) {
    const status = document.getElementById("ixm-status");
    const language = uiLanguage(document.documentElement.lang || "en");
    status.textContent = LOAD_FAILED[language] || LOAD_FAILED.en;
    status.hidden = false;
    document.documentElement.dataset.ixmReady = "error";
    console.error("ixm: could not load tenant.json", error);
  }

  async function start() {
    const response = await fetch("tenant.json", { cache: "no-cache" });
    if (!response.ok) {
      throw new Error(`tenant.json: HTTP ${response.status}`);
    }
    render(await response.json());
  }

  start().catch(fail);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker
      .register("sw.js")
      .catch((error) => console.warn("ixm: service worker not registered", error));
  }
})();
