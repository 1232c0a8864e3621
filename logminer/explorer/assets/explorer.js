/* logminer API explorer: the catalog document inline, shown as a filterable list and one method at a time.
   Every string from the data goes into the page as text (textContent, attribute values): never as HTML. */
(function () {
  "use strict";

  const doc = JSON.parse(document.getElementById("logminer-data").textContent);
  const config = JSON.parse(document.getElementById("logminer-config").textContent);
  const methods = Array.isArray(doc.methods) ? doc.methods : [];
  const byName = new Map();
  const modules = new Map();
  const entries = [];
  const TEXT_LIMIT = 300;
  const KNOWN_TYPES = ["int", "bool", "decimal", "string", "date", "datetime", "email", "ip", "empty", "array"];

  // --- building blocks ------------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [key, value] of Object.entries(attrs)) {
        if (value === null || value === undefined || value === false) continue;
        if (key === "class") node.className = value;
        else if (key === "text") node.textContent = value;
        else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value === true ? "" : String(value));
      }
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    return node;
  }

  // A data string shown as text, bidi-isolated, cut when very long (the whole text in the tooltip).
  function shown(value, className) {
    const text = String(value);
    const node = el("bdi", { class: className || null });
    if (text.length > TEXT_LIMIT) {
      node.textContent = text.slice(0, TEXT_LIMIT) + "…";
      node.title = text.length + " characters";
    } else {
      node.textContent = text;
    }
    return node;
  }

  function chip(value) {
    if (value === "") return el("code", { class: "chip blank", text: "empty string" });
    return el("code", { class: "chip" }, shown(value));
  }

  const number = new Intl.NumberFormat("en");
  function count(n) { return number.format(Number(n) || 0); }
  function plural(n, word) { return count(n) + " " + word + (Number(n) === 1 ? "" : "s"); }
  function when(text) { return text ? String(text).replace("T", " ") : "never"; }
  function day(text) { return text ? String(text).slice(0, 10) : "—"; }
  function percent(share) { return (Math.round(share * 1000) / 10) + "%"; }
  function time(text) { return text ? el("time", { datetime: text, text: when(text) }) : "never"; }

  function methodHref(name, argument) {
    return "#method=" + encodeURIComponent(name) + (argument ? "&argument=" + encodeURIComponent(argument) : "");
  }
  function moduleHref(name) { return "#module=" + encodeURIComponent(name); }

  function moduleOf(method) {
    if (typeof method.module === "string" && method.module) return method.module;
    const name = String(method.method);
    return name.includes(".") ? name.slice(0, name.indexOf(".")) : name;
  }

  function paramsOf(method) { return Array.isArray(method.params) ? method.params : []; }

  function facts(pairs) {
    const list = el("dl", { class: "facts" });
    for (const [term, value] of pairs) {
      if (value === null || value === undefined) continue;
      list.appendChild(el("div", null, el("dt", { text: term }), el("dd", null, value)));
    }
    return list;
  }

  function toast(text) {
    const box = document.getElementById("toast");
    box.textContent = text;
    box.classList.add("show");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => box.classList.remove("show"), 1800);
  }

  // --- copying -------------------------------------------------------------------------------------

  // The Clipboard API where the browser allows it; otherwise (file:// in some browsers) the text in
  // a visible, selected textarea to copy by hand.
  function copyButton(label, text, holder) {
    return el("button", {
      type: "button", class: "copy", "aria-label": "Copy " + label,
      onclick: () => {
        const fallback = () => showFallback(holder, label, text);
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(() => toast("Copied " + label), fallback);
        } else {
          fallback();
        }
      },
    }, "Copy");
  }

  function showFallback(holder, label, text) {
    let area = holder.querySelector("textarea.fallback");
    if (!area) {
      area = el("textarea", { class: "fallback", readonly: true, "aria-label": label + " to copy" });
      holder.appendChild(el("p", { class: "small muted", text: "Copying is blocked here: press Ctrl+C (⌘C) to copy the selected text." }));
      holder.appendChild(area);
    }
    area.value = text;
    area.focus();
    area.select();
  }

  function copyable(label, text) {
    const holder = el("div", { class: "copyable" });
    append(holder, [
      el("div", { class: "copyhead" }, el("span", { text: label }), copyButton(label, text, holder)),
      el("pre", null, el("code", { text: text })),
    ]);
    return holder;
  }

  // --- the list ------------------------------------------------------------------------------------

  function buildIndex() {
    for (const method of methods) {
      if (!method || typeof method.method !== "string") continue;
      const module = moduleOf(method);
      const entry = {
        method: method,
        name: method.method,
        lower: method.method.toLowerCase(),
        module: module,
        args: paramsOf(method).map((p) => String(p.name)),
        lowerArgs: paramsOf(method).map((p) => String(p.name).toLowerCase()),
        last: Date.parse(method.last_seen || "") || 0,
        node: null, link: null, match: null,
      };
      byName.set(entry.name, entry);
      if (!modules.has(module)) modules.set(module, { name: module, entries: [], node: null, list: null, calls: 0, last: 0, lastSeen: null });
      const group = modules.get(module);
      group.entries.push(entry);
      group.calls += Number(method.calls) || 0;
      if (entry.last > group.last) { group.last = entry.last; group.lastSeen = method.last_seen; }
      entries.push(entry);
    }
  }

  function buildList() {
    const container = document.getElementById("method-list");
    const fragment = document.createDocumentFragment();
    for (const group of modules.values()) {
      group.list = el("ul");
      group.node = el("section", { class: "module", "data-module": group.name },
        el("h2", null, el("a", { href: moduleHref(group.name) }, shown(group.name))), group.list);
      for (const entry of group.entries) {
        entry.match = el("span", { class: "entry-match", hidden: true });
        entry.link = el("a", { href: methodHref(entry.name) },
          el("span", { class: "entry-name" }, shown(entry.name)),
          el("span", { class: "entry-meta", text: plural(entry.method.calls, "call") + " · last " + day(entry.method.last_seen) }),
          entry.match);
        entry.node = el("li", { "data-method": entry.name }, entry.link);
        group.list.appendChild(entry.node);
      }
      fragment.appendChild(group.node);
    }
    container.appendChild(fragment);
    sortList("name");
  }

  const SORTS = {
    name: [(a, b) => compare(a.name, b.name), (a, b) => compare(a.name, b.name)],
    calls: [(a, b) => b.calls - a.calls || compare(a.name, b.name),
      (a, b) => (Number(b.method.calls) || 0) - (Number(a.method.calls) || 0) || compare(a.name, b.name)],
    last: [(a, b) => b.last - a.last || compare(a.name, b.name), (a, b) => b.last - a.last || compare(a.name, b.name)],
  };
  function compare(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  function sortList(how) {
    const [byModule, byMethod] = SORTS[how] || SORTS.name;
    const container = document.getElementById("method-list");
    for (const group of [...modules.values()].sort(byModule)) {
      for (const entry of group.entries.sort(byMethod)) group.list.appendChild(entry.node);
      container.appendChild(group.node);
    }
  }

  // A glob (with * or ?) matches the whole name; anything else is a substring. [ and ] are literal.
  function matcher(text) {
    const pattern = text.trim().toLowerCase();
    if (!pattern) return null;
    if (/[*?]/.test(pattern)) {
      const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
      const regex = new RegExp("^" + source + "$", "s");
      return (name) => regex.test(name);
    }
    return (name) => name.includes(pattern);
  }

  function applyFilter() {
    const started = performance.now();
    const test = matcher(document.getElementById("filter").value);
    let shownCount = 0;
    for (const entry of entries) {
      let hits = [];
      let visible = true;
      if (test) {
        for (let i = 0; i < entry.lowerArgs.length; i++) if (test(entry.lowerArgs[i])) hits.push(entry.args[i]);
        visible = test(entry.lower) || hits.length > 0;
      }
      if (entry.node.hidden === visible) entry.node.hidden = !visible;
      const text = hits.length ? (hits.length === 1 ? "argument: " : "arguments: ") + hits.slice(0, 3).join(", ") +
        (hits.length > 3 ? " (+" + (hits.length - 3) + ")" : "") : "";
      if (entry.match.textContent !== text) {
        entry.match.textContent = text;
        entry.match.hidden = !text;
        entry.link.setAttribute("href", methodHref(entry.name, hits.length ? hits[0] : null));
      }
      if (visible) shownCount++;
    }
    for (const group of modules.values()) {
      const any = group.entries.some((entry) => !entry.node.hidden);
      if (group.node.hidden === any) group.node.hidden = !any;
    }
    document.getElementById("filter-count").textContent = test
      ? count(shownCount) + " of " + plural(entries.length, "method")
      : plural(entries.length, "method");
    performance.measure("logminer-filter", { start: started, end: performance.now() });
  }

  function visibleLinks() {
    return entries.filter((entry) => !entry.node.hidden && !entry.node.parentNode.parentNode.hidden)
      .sort((a, b) => a.node.compareDocumentPosition(b.node) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1)
      .map((entry) => entry.link);
  }

  function setupControls() {
    const input = document.getElementById("filter");
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(applyFilter, entries.length > 300 ? 60 : 0);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        clearTimeout(timer);
        applyFilter();
        const first = visibleLinks()[0];
        if (first) { event.preventDefault(); location.hash = first.getAttribute("href"); }
      } else if (event.key === "ArrowDown") {
        const first = visibleLinks()[0];
        if (first) { event.preventDefault(); first.focus(); }
      } else if (event.key === "Escape" && input.value) {
        input.value = "";
        applyFilter();
      }
    });
    document.getElementById("method-list").addEventListener("keydown", (event) => {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      const links = visibleLinks();
      const at = links.indexOf(document.activeElement);
      if (at < 0) return;
      event.preventDefault();
      if (event.key === "ArrowDown" && at + 1 < links.length) links[at + 1].focus();
      else if (event.key === "ArrowUp") (at > 0 ? links[at - 1] : input).focus();
    });
    document.getElementById("sort").addEventListener("change", (event) => sortList(event.target.value));
    document.addEventListener("keydown", (event) => {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target;
      if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
      event.preventDefault();
      input.focus();
      input.select();
    });
  }

  // --- views ---------------------------------------------------------------------------------------

  function parseHash() {
    const route = {};
    for (const part of location.hash.replace(/^#/, "").split("&")) {
      const at = part.indexOf("=");
      if (at < 1) continue;
      try {
        route[part.slice(0, at)] = decodeURIComponent(part.slice(at + 1));
      } catch (error) {
        route[part.slice(0, at)] = part.slice(at + 1);
      }
    }
    return route;
  }

  function render(moveFocus) {
    const route = parseHash();
    const main = document.getElementById("main");
    let view;
    let current = null;
    if (route.method !== undefined) {
      const entry = byName.get(route.method);
      view = entry ? methodView(entry) : missingView(route.method);
      current = entry || null;
    } else if (route.module !== undefined) {
      view = moduleView(route.module);
    } else {
      view = homeView();
    }
    main.replaceChildren(view);
    for (const entry of entries) {
      if (entry === current) entry.link.setAttribute("aria-current", "page");
      else if (entry.link.hasAttribute("aria-current")) entry.link.removeAttribute("aria-current");
    }
    document.title = (route.method || route.module || "API explorer") + " · logminer";
    const target = route.argument === undefined ? null
      : [...main.querySelectorAll("tr[data-argument]")].find((row) => row.dataset.argument === route.argument);
    if (target) {
      target.classList.add("target");
      target.scrollIntoView({ block: "center" });
      if (moveFocus) target.querySelector("th").focus();
    } else if (moveFocus) {
      main.scrollTop = 0;
      main.querySelector("h1").focus();
    }
  }

  function homeView() {
    const catalog = doc.catalog || {};
    const table = el("table", { class: "overview" },
      el("thead", null, el("tr", null, ["Module", "Methods", "Calls", "Last seen"].map((h) => el("th", { scope: "col", text: h })))));
    const body = el("tbody");
    for (const group of [...modules.values()].sort((a, b) => compare(a.name, b.name))) {
      body.appendChild(el("tr", null,
        el("td", null, el("a", { href: moduleHref(group.name) }, shown(group.name))),
        el("td", { text: count(group.entries.length) }), el("td", { text: count(group.calls) }),
        el("td", { text: day(group.lastSeen) })));
    }
    table.appendChild(body);
    const sources = Array.isArray(catalog.sources) ? catalog.sources : [];
    return el("article", null,
      el("h1", { tabindex: "-1", text: "JeraSoft Billing Management API" }),
      el("p", { class: "muted", text: "Methods and arguments as logminer observed them in the billing's runtime log: how often each was sent, with which types and values." }),
      facts([
        ["Methods", count(catalog.methods !== undefined ? catalog.methods : entries.length)],
        ["Calls", count(catalog.calls)],
        ["First seen", time(catalog.first_seen)],
        ["Last seen", time(catalog.last_seen)],
        ["Generated", time(doc.generated)],
        ["By", "logminer " + (doc.logminer || "")],
      ]),
      sources.length ? el("p", { class: "small" }, "Mined from ", sources.map((s, i) => [i ? ", " : "", el("code", null, shown(s))])) : null,
      el("h2", { text: "Modules" }), table);
  }

  function missingView(name) {
    const close = entries.map((entry) => [distance(name.toLowerCase(), entry.lower), entry])
      .filter(([d, entry]) => d <= Math.max(2, Math.floor(entry.name.length / 3)))
      .sort((a, b) => a[0] - b[0]).slice(0, 3);
    return el("article", null,
      el("h1", { tabindex: "-1" }, "No method ", shown(name)),
      el("p", { text: "This catalog has no method of that name." }),
      close.length ? el("p", null, "Did you mean ", close.map(([, entry], i) => [i ? ", " : "", el("a", { href: methodHref(entry.name) }, shown(entry.name))]), "?") : null);
  }

  function distance(a, b) {
    if (Math.abs(a.length - b.length) > 8) return 99;
    let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      for (let j = 1; j <= b.length; j++) {
        row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      previous = row;
    }
    return previous[b.length];
  }

  function moduleView(name) {
    const group = modules.get(name);
    const table = el("table", { class: "overview" },
      el("thead", null, el("tr", null, ["Method", "Calls", "Arguments", "Last seen"].map((h) => el("th", { scope: "col", text: h })))));
    const body = el("tbody");
    for (const entry of group ? group.entries : []) {
      body.appendChild(el("tr", null,
        el("td", null, el("a", { href: methodHref(entry.name) }, shown(entry.name))),
        el("td", { text: count(entry.method.calls) }), el("td", { text: count(entry.args.length) }),
        el("td", { text: day(entry.method.last_seen) })));
    }
    table.appendChild(body);
    const referrers = [];
    for (const entry of entries) {
      for (const param of paramsOf(entry.method)) {
        if (param.refers_to === name) referrers.push([entry, String(param.name)]);
      }
    }
    return el("article", null,
      el("p", { class: "crumb", text: "Module" }),
      el("h1", { tabindex: "-1" }, shown(name)),
      group ? el("p", { text: plural(group.entries.length, "method") + ", " + plural(group.calls, "call") + "." })
        : el("p", { class: "note", text: "No method of this module was seen in the log." }),
      group ? table : null,
      referrers.length ? el("h2", { text: "Arguments that refer to it" }) : null,
      referrers.length ? el("ul", null, referrers.slice(0, 500).map(([entry, argument]) =>
        el("li", null, el("a", { href: methodHref(entry.name, argument) }, shown(entry.name), " ", el("code", null, shown(argument)))))) : null);
  }

  function methodView(entry) {
    const method = entry.method;
    const components = Object.entries(method.components || {}).map(([k, v], i) => [i ? ", " : "", shown(k), ":" + count(v)]);
    const article = el("article", null,
      el("p", { class: "crumb" }, "Module ", el("a", { href: moduleHref(entry.module) }, shown(entry.module))),
      el("h1", { tabindex: "-1" }, shown(entry.name)),
      facts([
        ["Calls", count(method.calls)],
        ["First seen", time(method.first_seen)],
        ["Last seen", time(method.last_seen)],
        ["From", components.length ? el("span", null, components) : "—"],
        ["Arguments", count(entry.args.length)],
        Number(method.dropped_arguments) > 0 ? ["Arguments not kept", count(method.dropped_arguments)] : [null, null],
      ]));
    const legacy = Number(method.legacy_calls) || 0;
    if (legacy > 0) {
      const dated = Object.keys(method.calls_by_day || {}).sort()[0];
      article.appendChild(el("p", { class: "note", text: plural(legacy, "call") + (dated ? " before " + dated : "") +
        " not dated: an older catalog counted them without their days, exemplars or containers." }));
    }
    article.appendChild(el("h2", { text: "Calls per day" }));
    article.appendChild(chart(method.calls_by_day || {}));
    article.appendChild(el("h2", { text: "Arguments (" + count(entry.args.length) + ")" }));
    article.appendChild(argumentsTable(method));
    const exemplars = Array.isArray(method.exemplars) ? method.exemplars : [];
    article.appendChild(el("h2", { text: "Example calls" }));
    if (!exemplars.length) article.appendChild(el("p", { class: "muted", text: "No example call was kept." }));
    exemplars.forEach((exemplar, i) => article.appendChild(exemplarView(exemplar, i)));
    if (config.tryIt) article.appendChild(tryIt(entry));
    return article;
  }

  // --- calls per day -------------------------------------------------------------------------------

  function chart(byDay) {
    const months = [];
    const days = new Map();
    for (const [key, value] of Object.entries(byDay)) {
      if (/^\d{4}-\d{2}$/.test(key)) months.push([key, Number(value) || 0]);
      else if (/^\d{4}-\d{2}-\d{2}$/.test(key)) days.set(key, Number(value) || 0);
    }
    months.sort((a, b) => compare(a[0], b[0]));
    const dayKeys = [...days.keys()].sort();
    if (!months.length && !dayKeys.length) return el("p", { class: "muted", text: "No dated calls." });
    const series = [];
    if (dayKeys.length) {
      // Every day from the first to the last, so that quiet days show as gaps.
      const start = Date.parse(dayKeys[0] + "T00:00:00Z");
      const end = Date.parse(dayKeys[dayKeys.length - 1] + "T00:00:00Z");
      for (let t = start, n = 0; t <= end && n < 800; t += 86400000, n++) {
        const key = new Date(t).toISOString().slice(0, 10);
        series.push([key, days.get(key) || 0]);
      }
    }
    const box = el("div", { class: months.length ? "charts" : "charts days-only" });
    if (months.length) box.appendChild(bars(months, "months", "By month", "month"));
    if (series.length) box.appendChild(bars(series, "days", "By day", "day"));
    return box;
  }

  function bars(series, kind, caption, unit) {
    const peak = series.reduce((best, item) => (item[1] > best[1] ? item : best), series[0]);
    const total = series.reduce((sum, item) => sum + item[1], 0);
    const height = 100;
    const width = series.length * 10;
    const picture = svg("svg", { class: "chart " + kind, viewBox: "0 0 " + width + " " + height, preserveAspectRatio: "none",
      role: "img", "aria-label": caption + ": " + plural(total, "call") + " from " + series[0][0] + " to " +
        series[series.length - 1][0] + ", at most " + count(peak[1]) + " on " + peak[0] });
    series.forEach(([key, value], i) => {
      if (!value) return;
      const h = Math.max(2, Math.round((value / (peak[1] || 1)) * height));
      const rect = svg("rect", { x: i * 10 + 1, y: height - h, width: 8, height: h });
      const title = svg("title");
      title.textContent = key + ": " + plural(value, "call");
      rect.appendChild(title);
      picture.appendChild(rect);
    });
    const figure = el("figure", null,
      el("figcaption", { text: caption + " (" + plural(series.length, unit) + ", at most " + count(peak[1]) + " a " + unit + ")" }),
      picture,
      el("div", { class: "chart-axis", "aria-hidden": "true" }, el("span", { text: series[0][0] }), el("span", { text: series[series.length - 1][0] })));
    // A few bars stay narrow rather than fill the width.
    figure.style.maxWidth = Math.max(18, series.length * 1.5) + "rem";
    return figure;
  }

  // --- arguments -----------------------------------------------------------------------------------

  function parentPath(path) {
    const at = path.lastIndexOf("[");
    return at > 0 && path.endsWith("]") ? path.slice(0, at) : null;
  }

  // The bracket paths as a tree: filter is the parent of filter[sub]; a parent the catalog did not
  // record on its own becomes a plain group row.
  function argumentTree(params) {
    const nodes = new Map();
    const roots = [];
    function node(path, param) {
      let item = nodes.get(path);
      if (!item) {
        item = { path: path, param: null, children: [], depth: 0, row: null, button: null, open: true };
        nodes.set(path, item);
        const parent = parentPath(path);
        if (parent === null) roots.push(item);
        else {
          const up = node(parent, null);
          item.depth = up.depth + 1;
          up.children.push(item);
        }
      }
      if (param && !item.param) item.param = param;
      return item;
    }
    for (const param of params) node(String(param.name), param);
    return roots;
  }

  function argumentsTable(method) {
    const params = paramsOf(method);
    if (!params.length) return el("p", { class: "muted", text: "No argument was seen." });
    const roots = argumentTree(params);
    const body = el("tbody");
    const all = [];
    const walk = (item) => {
      all.push(item);
      body.appendChild(argumentRow(item));
      item.children.forEach(walk);
    };
    roots.forEach(walk);
    const table = el("table", { class: "args" },
      el("thead", null, el("tr", null, ["Argument", "Presence", "Types", "Examples", "Values"].map((h) => el("th", { scope: "col", text: h })))),
      body);
    const folding = all.some((item) => item.children.length);
    const tools = folding ? el("div", { class: "tools" },
      el("button", { type: "button", onclick: () => all.forEach((item) => setOpen(item, true)) }, "Unfold all"),
      el("button", { type: "button", onclick: () => all.forEach((item) => setOpen(item, false)) }, "Fold all")) : null;
    return el("div", null, tools, table);
  }

  function setOpen(item, open) {
    if (!item.button) return;
    item.open = open;
    item.button.setAttribute("aria-expanded", String(open));
    item.button.textContent = open ? "▾" : "▸";
    const show = (child, visible) => {
      child.row.hidden = !visible;
      child.children.forEach((grand) => show(grand, visible && child.open));
    };
    item.children.forEach((child) => show(child, open && !item.row.hidden));
  }

  function label(item) {
    if (item.depth === 0) return item.path;
    return item.path.slice(parentPath(item.path).length);
  }

  function argumentRow(item) {
    const param = item.param;
    const name = el("span", { class: "argname" });
    if (item.children.length) {
      item.button = el("button", { type: "button", class: "fold", "aria-expanded": "true", "aria-label": "Fold " + item.path,
        onclick: () => setOpen(item, !item.open) }, "▾");
      name.appendChild(item.button);
    } else {
      name.appendChild(el("span", { class: "fold-space", "aria-hidden": "true" }));
    }
    name.appendChild(el("code", { title: item.path }, shown(label(item))));
    const head = el("th", { scope: "row", tabindex: "-1" }, name);
    head.style.paddingLeft = (0.5 + item.depth * 1.2) + "em";
    if (!param) {
      item.row = el("tr", { class: "group", "data-group": item.path }, head,
        el("td", { class: "small muted", "data-label": "Presence", text: "not recorded on its own" }), el("td"), el("td"), el("td"));
      return item.row;
    }
    if (param.required) name.appendChild(el("span", { class: "req", title: "sent in every call", text: "required" }));
    if (param.refers_to) {
      const target = String(param.refers_to);
      name.appendChild(modules.has(target)
        ? el("a", { class: "ref", href: moduleHref(target), title: "methods of module " + target }, "→ ", shown(target))
        : el("span", { class: "ref muted", title: "no method of this module was seen" }, "→ ", shown(target)));
    }
    item.row = el("tr", { "data-argument": String(param.name) }, head,
      el("td", { "data-label": "Presence" }, presence(param)),
      el("td", { "data-label": "Types" }, types(param.types)),
      el("td", { "data-label": "Examples" }, examples(param)),
      el("td", { "data-label": "Values" }, values(param)));
    return item.row;
  }

  function presence(param) {
    const known = Number(param.known_calls);
    const seen = Number(param.seen) || 0;
    if (param.known_calls !== undefined && !known) return el("span", { class: "muted", text: "unknown" });
    const share = known ? seen / known : Number(param.share) || 0;
    const meter = el("span", { class: "meter", role: "img", "aria-label": "present in " + percent(share) + " of calls" }, el("span"));
    meter.firstChild.style.width = Math.min(100, share * 100) + "%";
    return [meter, el("span", { class: "small", text: count(seen) + (known ? "/" + count(known) : "") + " · " + percent(share) })];
  }

  function types(counts) {
    const pairs = Object.entries(counts || {}).map(([k, v]) => [k, Number(v) || 0]).sort((a, b) => b[1] - a[1]);
    if (!pairs.length) return el("span", { class: "muted", text: "—" });
    const total = pairs.reduce((sum, pair) => sum + pair[1], 0) || 1;
    const stack = el("span", { class: "stack", "aria-hidden": "true" });
    for (const [type, n] of pairs) {
      const part = el("span", { class: "t-" + (KNOWN_TYPES.includes(type) ? type : "other"), title: type + ": " + n });
      part.style.width = (n / total) * 100 + "%";
      stack.appendChild(part);
    }
    return [stack, el("span", { class: "small mono" }, pairs.map(([type, n], i) => [i ? " " : "", shown(type), ":" + n]))];
  }

  function examples(param) {
    if (param.secret) return el("span", { class: "secret", text: "secret: not kept" });
    const list = Array.isArray(param.examples) ? param.examples : [];
    if (!list.length) return param.container ? el("span", { class: "muted small", text: "see its items" }) : "";
    return el("span", { class: "chips" }, list.map(chip));
  }

  function values(param) {
    if (param.secret) return el("span", { class: "secret", text: "secret: not kept" });
    if (param.values === null || param.values === undefined) {
      return param.container || !(param.examples || []).length ? "" : el("span", { class: "muted small", text: "many distinct values" });
    }
    const pairs = Object.entries(param.values).sort((a, b) => (Number(b[1]) || 0) - (Number(a[1]) || 0));
    return [
      el("span", { class: "chips" }, pairs.map(([value, n]) => el("span", null, chip(value), el("span", { class: "small", text: ":" + count(n) })))),
      param.closed_set ? el("span", { class: "badge", title: "calls are checked against these values", text: "closed set" }) : null,
    ];
  }

  // --- example calls -------------------------------------------------------------------------------

  function exemplarView(exemplar, index) {
    const call = exemplar.call || {};
    return el("div", { class: "exemplar" },
      el("h3", null, "Example " + (index + 1) + " · ", time(exemplar.time),
        exemplar.arguments !== undefined ? " · " + plural(exemplar.arguments, "argument") : ""),
      typeof call.cli === "string" ? copyable("Command line", call.cli) : null,
      typeof call.python === "string" ? copyable("Python", call.python) : null,
      typeof call.json === "string" ? copyable("JSON-RPC body", call.json) : null);
  }

  // --- try it (served by logminer explore) ---------------------------------------------------------

  const token = new URLSearchParams(location.search).get("token") || "";

  function post(path, body) {
    return fetch(path, {
      method: "POST", credentials: "omit", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-Logminer-Token": token },
      body: JSON.stringify(body),
    }).then((response) => response.json().catch(() => ({})).then((data) => {
      if (!response.ok) throw new Error(data.error || "The explorer's server answered " + response.status + ".");
      return data;
    }));
  }

  // Request items as PHP reads a query string: a[b] nests, a[] appends, a[0] sets an index.
  function paramsFromRows(rows) {
    const root = new Map();
    for (const { name, value } of rows) {
      const key = name.trim();
      if (!key) continue;
      const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
      if (!match) throw new Error(key + " is not a name with optional [key] parts, e.g. fields[0][id] or cp_modules[].");
      const path = [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1])];
      let node = root;
      path.forEach((segment, depth) => {
        let part = segment;
        if (part === "") part = nextIndex(node);
        else if (depth > 0 && /^(0|[1-9]\d*)$/.test(part)) part = Number(part);
        if (depth === path.length - 1) {
          if (node.has(part)) throw new Error(key + " is given twice; use " + match[1] + "[]= for a list.");
          node.set(part, value);
        } else {
          if (!node.has(part)) node.set(part, new Map());
          node = node.get(part);
          if (!(node instanceof Map)) throw new Error(key + ": " + path.slice(0, depth + 1).join("/") + " already has a value.");
        }
      });
    }
    return plain(root);
  }

  function nextIndex(node) {
    let next = 0;
    for (const key of node.keys()) if (typeof key === "number" && key >= next) next = key + 1;
    return next;
  }

  function plain(value) {
    if (!(value instanceof Map)) return value;
    const keys = [...value.keys()];
    if (keys.length && keys.every((key, i) => key === i)) return keys.map((key) => plain(value.get(key)));
    const out = Object.create(null);
    for (const key of keys) out[String(key)] = plain(value.get(key));
    return out;
  }

  function rowsFromParams(value, prefix, out) {
    if (Array.isArray(value)) {
      const flat = value.every((item) => item === null || typeof item !== "object");
      value.forEach((item, i) => rowsFromParams(item, prefix + (flat ? "[]" : "[" + i + "]"), out));
    } else if (value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) rowsFromParams(item, prefix ? prefix + "[" + key + "]" : key, out);
    } else if (prefix) {
      out.push({ name: prefix, value: value === null || value === undefined ? "" : String(value) });
    }
    return out;
  }

  function tryIt(entry) {
    const method = entry.method;
    const exemplar = (method.exemplars || [])[0];
    let rows = exemplar && exemplar.params ? rowsFromParams(exemplar.params, "", []) :
      paramsOf(method).filter((p) => p.required && !p.container).map((p) => ({ name: String(p.name), value: "" }));
    let raw = false;
    let sequence = 0;
    let timer = null;
    const listId = "args-" + Math.random().toString(36).slice(2);
    const names = el("datalist", { id: listId }, entry.args.map((name) => el("option", { value: name })));
    const rowBox = el("div", { class: "rows" });
    const area = el("textarea", { hidden: true, "aria-label": "Params as JSON", spellcheck: "false" });
    const findings = el("div", { "aria-live": "polite" });
    const result = el("div", { class: "result", "aria-live": "polite" });
    const rawToggle = el("input", { type: "checkbox", id: listId + "-raw" });
    const send = el("button", { type: "button", class: "primary", disabled: !!config.sendDisabled }, "Send");

    function current() {
      if (raw) {
        let value;
        try { value = JSON.parse(area.value || "{}"); } catch (error) { throw new Error("The params are not valid JSON: " + error.message); }
        if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("The params must be a JSON object.");
        return value;
      }
      return paramsFromRows(rows);
    }

    function drawRows() {
      rowBox.replaceChildren(...rows.map((row, i) => {
        const name = el("input", { type: "text", value: row.name, list: listId, "aria-label": "Argument name " + (i + 1), spellcheck: "false",
          oninput: (event) => { row.name = event.target.value; changed(); } });
        const value = el("input", { type: "text", value: row.value, "aria-label": "Value of argument " + (i + 1), spellcheck: "false",
          oninput: (event) => { row.value = event.target.value; changed(); } });
        const remove = el("button", { type: "button", "aria-label": "Remove argument " + (i + 1),
          onclick: () => { rows.splice(i, 1); drawRows(); changed(); } }, "×");
        return el("div", { class: "row", "data-row": String(i) }, name, value, remove);
      }));
    }

    function changed() {
      clearTimeout(timer);
      timer = setTimeout(check, 300);
    }

    function check() {
      let params;
      try { params = current(); } catch (error) { return showFindings([{ level: "error", argument: null, message: error.message, suggestions: [] }]); }
      const mine = ++sequence;
      post("/api/check", { method: entry.name, params: params })
        .then((data) => { if (mine === sequence) showFindings(data.findings || []); })
        .catch((error) => { if (mine === sequence) showFindings([{ level: "error", argument: null, message: error.message, suggestions: [] }]); });
    }

    function showFindings(list) {
      findings.replaceChildren(findingsList(list, rename));
    }

    function rename(from, to) {
      if (raw) {
        try {
          const value = JSON.parse(area.value || "{}");
          if (Object.prototype.hasOwnProperty.call(value, from)) {
            const out = {};
            for (const [key, item] of Object.entries(value)) out[key === from ? to : key] = item;
            area.value = JSON.stringify(out, null, 2);
          }
        } catch (error) { /* the findings already say the JSON is broken */ }
      } else {
        for (const row of rows) {
          if (row.name === from) row.name = to;
          else if (row.name.startsWith(from + "[")) row.name = to + row.name.slice(from.length);
        }
        drawRows();
      }
      check();
    }

    rawToggle.addEventListener("change", () => {
      if (rawToggle.checked) {
        try { area.value = JSON.stringify(paramsFromRows(rows), null, 2); } catch (error) { rawToggle.checked = false; return showFindings([{ level: "error", argument: null, message: error.message, suggestions: [] }]); }
      } else {
        try { rows = rowsFromParams(current(), "", []); } catch (error) { rawToggle.checked = true; return showFindings([{ level: "error", argument: null, message: error.message, suggestions: [] }]); }
        drawRows();
      }
      raw = rawToggle.checked;
      area.hidden = !raw;
      rowBox.hidden = raw;
      add.hidden = raw;
      check();
    });
    area.addEventListener("input", changed);

    const add = el("button", { type: "button", onclick: () => {
      rows.push({ name: "", value: "" });
      drawRows();
      rowBox.lastChild.querySelector("input").focus();
    } }, "Add argument");

    send.addEventListener("click", () => {
      let params;
      try { params = current(); } catch (error) { return showFindings([{ level: "error", argument: null, message: error.message, suggestions: [] }]); }
      send.disabled = true;
      result.replaceChildren(el("p", { class: "muted", text: "Sending…" }));
      post("/api/call", { method: entry.name, params: params })
        .then((reply) => result.replaceChildren(callResult(reply, rename)))
        .catch((error) => result.replaceChildren(el("p", { class: "failure", text: error.message })))
        .finally(() => { send.disabled = false; });
    });

    drawRows();
    setTimeout(check, 0);
    return el("section", { class: "try", id: "try", "aria-labelledby": listId + "-title" },
      el("h2", { id: listId + "-title", text: "Try it" }),
      el("p", { class: "small muted", text: "Arguments as the log shows them: values are strings; a[b] nests, a[] appends. Each change is checked against the catalog." }),
      names, rowBox, area,
      el("div", { class: "actions" }, add, el("label", { for: listId + "-raw" }, rawToggle, " Edit as JSON")),
      findings,
      el("div", { class: "actions" }, send, config.sendDisabled ? el("p", { class: "small", text: config.sendDisabled }) : null),
      result);
  }

  function findingsList(list, rename) {
    if (!list.length) return el("ul", { class: "findings" }, el("li", { class: "ok", text: "No findings: the call matches the catalog." }));
    return el("ul", { class: "findings" }, list.map((finding) => {
      const level = finding.level === "error" ? "error" : "warning";
      const suggestions = Array.isArray(finding.suggestions) ? finding.suggestions : [];
      return el("li", { class: level },
        el("span", { class: "level", text: level }),
        finding.argument ? [el("code", null, shown(finding.argument)), ": "] : null,
        shown(finding.message || ""),
        suggestions.length && finding.argument ? el("span", null, " Did you mean ", suggestions.map((name, i) => [i ? ", " : "",
          el("button", { type: "button", class: "suggestion", "aria-label": "Use " + name + " instead of " + finding.argument,
            onclick: () => rename(String(finding.argument), String(name)) }, shown(name))]), "?") : null);
    }));
  }

  function callResult(reply, rename) {
    const box = el("div");
    box.appendChild(el("h3", { text: reply.sent ? "Sent" : "Not sent" }));
    if (!reply.sent && (reply.findings || []).length) {
      box.appendChild(el("p", { text: "Nothing was sent to the billing: the checks below must pass first." }));
    }
    if ((reply.findings || []).length) box.appendChild(findingsList(reply.findings, rename));
    if (reply.error) box.appendChild(el("p", { class: "failure" }, shown(reply.error)));
    if (reply.reply !== null && reply.reply !== undefined) {
      box.appendChild(el("h3", { text: "Reply" }));
      box.appendChild(el("pre", { class: "reply" }, el("code", { text: JSON.stringify(reply.reply, null, 2) })));
    }
    if (typeof reply.command === "string" && reply.command) box.appendChild(copyable("The same call from the command line", reply.command));
    return box;
  }

  // --- start ---------------------------------------------------------------------------------------

  performance.mark("logminer-parsed");
  buildIndex();
  const catalog = doc.catalog || {};
  document.getElementById("summary").textContent = plural(entries.length, "method") + " · " + plural(catalog.calls, "call") +
    (catalog.last_seen ? " · last seen " + day(catalog.last_seen) : "");
  buildList();
  performance.mark("logminer-listed");
  applyFilter();
  setupControls();
  render(false);
  window.addEventListener("hashchange", () => render(true));
  performance.mark("logminer-ready");
})();
