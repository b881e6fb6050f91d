/* Diary pages: drafts that survive a reload, and emotion suggestions while writing.
 *
 * Drafts: the editor (form[data-draft-key]) copies what is typed into
 * localStorage, under a key that names the signed-in user by an opaque id
 * (data-draft-owner), so the next account in the same browser never sees it;
 * signing out clears it (site.js, and the server's Clear-Site-Data). When the
 * form is submitted, the key is remembered in sessionStorage; the draft is
 * dropped only when the next page is the saved entry (the server redirects
 * there after a successful save). A failed save comes back to the editor with
 * everything typed, and the draft stays.
 * A submitted draft is marked as such: if the saved entry's page never came
 * (the reader left before the redirect), the next editor does not restore it
 * over a blank page, which would lead to the same entry twice; it offers it.
 */
(function () {
  "use strict";

  var PENDING = "diary:pending-save";

  function store(kind) {
    try {
      var s = window[kind];
      s.setItem("diary:probe", "1");
      s.removeItem("diary:probe");
      return s;
    } catch (e) {
      return null; // private mode or storage disabled: the editor still works
    }
  }

  var local = store("localStorage");
  var session = store("sessionStorage");

  function readJson(key) {
    try {
      return JSON.parse(local.getItem(key));
    } catch (e) {
      return null;
    }
  }

  function clearSavedDraft() {
    if (!local || !session) return;
    var pending = session.getItem(PENDING);
    if (!pending) return;
    session.removeItem(PENDING);
    var saved = document.querySelector("[data-entry-id]");
    if (!saved || document.querySelector("form[data-draft-key]")) return;
    var entry = pending.split("@")[0];
    if (entry === "diary:draft:new" || entry === "diary:draft:" + saved.getAttribute("data-entry-id")) {
      local.removeItem(pending);
    }
  }

  // The draft's key names its writer; without one, no draft is kept at all.
  function draftKey(form) {
    var owner = form.getAttribute("data-draft-owner");
    return owner ? form.getAttribute("data-draft-key") + "@" + owner : null;
  }

  function snapshot(form) {
    var data = { emotion_tags: [] };
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken") return;
      if (el.type === "checkbox" && el.name === "emotion_tags") {
        if (el.checked) data.emotion_tags.push(el.value);
      } else if (el.type === "checkbox") {
        data[el.name] = el.checked;
      } else if (el.type === "radio") {
        if (el.checked) data[el.name] = el.value;
      } else if (el.tagName !== "BUTTON") {
        data[el.name] = el.value;
      }
    });
    if (!("mood" in data)) data.mood = "";
    return data;
  }

  function apply(form, data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data) || el.name === "csrfmiddlewaretoken") return;
      var value = data[el.name];
      if (el.type === "checkbox" && Array.isArray(value)) {
        el.checked = value.indexOf(el.value) !== -1;
      } else if (el.type === "checkbox") {
        el.checked = !!value;
      } else if (el.type === "radio") {
        el.checked = el.value === String(value);
      } else if (el.tagName !== "BUTTON") {
        el.value = value;
      }
    });
  }

  function initDrafts(form) {
    var key = draftKey(form);
    var notice = form.querySelector("[data-draft-notice]");
    var status = form.querySelector("[data-draft-status]");
    var server = snapshot(form);
    var serverJson = JSON.stringify(server);
    var failedSave = !!form.querySelector("#form-errors");
    var timer = null;
    var submitted = false;

    if (!local || !key) return;

    var draft = readJson(key);
    if (failedSave) {
      // The page holds exactly what was submitted: that is the newest text.
      local.setItem(key, JSON.stringify({ data: server, savedAt: Date.now() }));
      var errors = form.querySelector("#form-errors");
      if (errors) errors.focus();
    } else if (draft && draft.submitted) {
      // Probably saved already: never restored by itself, only on request.
      local.removeItem(key);
      offerSubmitted(form, draft.data);
    } else if (draft && draft.data && JSON.stringify(draft.data) !== serverJson) {
      apply(form, draft.data);
      if (notice) notice.hidden = false;
    }

    var signingOut = false;
    // Signing out from the editor: keep nothing, not even on the way out (pagehide below).
    document.addEventListener("submit", function (event) {
      if (event.target.matches && event.target.matches('form[action="/accounts/logout/"]')) {
        signingOut = true;
        window.clearTimeout(timer);
        local.removeItem(key);
      }
    });

    function save() {
      if (signingOut) return;
      var current = snapshot(form);
      if (JSON.stringify(current) === serverJson) {
        local.removeItem(key);
      } else {
        try {
          local.setItem(key, JSON.stringify({ data: current, savedAt: Date.now(), submitted: submitted }));
        } catch (e) {
          return; // storage full: nothing better to do
        }
        if (status) status.textContent = status.getAttribute("data-saved-text") || status.textContent;
      }
    }

    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 400);
    });
    form.addEventListener("change", save);
    window.addEventListener("pagehide", save);

    form.addEventListener("submit", function () {
      window.clearTimeout(timer);
      submitted = true;
      save();
      if (session) session.setItem(PENDING, key);
    });

    var discard = form.querySelector("[data-draft-discard]");
    if (discard) {
      discard.addEventListener("click", function () {
        local.removeItem(key);
        apply(form, server);
        if (notice) notice.hidden = true;
        form.dispatchEvent(new Event("diary:content-changed"));
      });
    }
  }

  function offerSubmitted(form, data) {
    var offer = form.querySelector("[data-submitted-notice]");
    if (!offer || !data) return;
    offer.hidden = false;
    offer.querySelector("[data-submitted-restore]").addEventListener("click", function () {
      apply(form, data);
      offer.hidden = true;
      form.dispatchEvent(new Event("diary:content-changed"));
      form.dispatchEvent(new Event("input"));
    });
  }

  function initSuggestions(form) {
    var url = form.getAttribute("data-suggest-url");
    var box = form.querySelector("[data-suggestions]");
    var list = form.querySelector("[data-suggestion-list]");
    var content = form.elements.namedItem("content");
    var title = form.elements.namedItem("title");
    var token = form.elements.namedItem("csrfmiddlewaretoken");
    if (!url || !box || !list || !content) return;
    var timer = null;
    var lastText = null;

    function checkbox(code) {
      return form.querySelector('input[name="emotion_tags"][value="' + code + '"]');
    }

    function render(emotions) {
      list.textContent = "";
      emotions.forEach(function (emotion) {
        var input = checkbox(emotion.code);
        if (!input || input.checked) return;
        var button = document.createElement("button");
        button.type = "button";
        button.className = "tag suggestion";
        button.setAttribute("data-emotion", emotion.code);
        button.textContent = "+ " + emotion.label;
        list.appendChild(button);
      });
      box.hidden = list.children.length === 0;
    }

    function text() {
      return ((title && title.value) || "") + "\n" + content.value;
    }

    function suggest() {
      var current = text();
      if (current === lastText) return;
      lastText = current;
      if (!current.trim()) {
        render([]);
        return;
      }
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": token ? token.value : "",
        },
        body: JSON.stringify({ text: current }),
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data && Array.isArray(data.emotions)) render(data.emotions);
        })
        .catch(function () {
          /* offline or rate limited: keep the current suggestions */
        });
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, 1200);
    }

    content.addEventListener("input", schedule);
    if (title) title.addEventListener("input", schedule);
    form.addEventListener("diary:content-changed", schedule);

    list.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-emotion]");
      if (!button) return;
      var input = checkbox(button.getAttribute("data-emotion"));
      if (input) {
        input.checked = true;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
      button.remove();
      box.hidden = list.children.length === 0;
    });

    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.name !== "emotion_tags" || !target.checked) return;
      var button = list.querySelector('button[data-emotion="' + target.value + '"]');
      if (button) button.remove();
      box.hidden = list.children.length === 0;
    });

    // The server suggested for the text it rendered; a restored draft needs fresh suggestions.
    var restored = form.querySelector("[data-draft-notice]");
    if (restored && !restored.hidden) schedule();
    else lastText = text();
  }

  function initShortcuts(form) {
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        if (form.requestSubmit) form.requestSubmit();
        else form.submit();
      }
    });
  }

  // Focus mode: only the page to write on. The button is hidden without script, since only script can work it.
  function initFocus() {
    var button = document.querySelector("[data-focus-toggle]");
    if (!button) return;
    var content = document.querySelector("form[data-draft-key] textarea");

    function set(on) {
      document.body.classList.toggle("editor-focus", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = button.getAttribute(on ? "data-label-on" : "data-label-off");
    }

    button.hidden = false;
    button.addEventListener("click", function () {
      var on = !document.body.classList.contains("editor-focus");
      set(on);
      if (on && content) content.focus();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && document.body.classList.contains("editor-focus")) {
        set(false);
        button.focus();
      }
    });
  }

  // The visible word count, by the same rule as the server (static/js/words.js, docs/writing.md).
  function initWordCount(form) {
    var output = form.querySelector("[data-word-count]");
    var content = form.elements.namedItem("content");
    if (!output || !content || !window.journalWords) return;
    var rules = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang || "en") : null;

    function update() {
      var n = window.journalWords.count(content.value);
      var form_ = rules ? rules.select(n) : n === 1 ? "one" : "other";
      var text = output.getAttribute("data-" + form_) || output.getAttribute("data-many");
      output.textContent = text.replace("#", n.toLocaleString(document.documentElement.lang || undefined));
      output.hidden = false;
    }

    content.addEventListener("input", update);
    form.addEventListener("diary:content-changed", update);
    update();
  }

  // Tags: the browser's own datalist completes the tag being typed after the last comma.
  function initTags(form) {
    var input = form.elements.namedItem("tags");
    var list = document.querySelector("datalist[data-tag-names]");
    if (!input || !list) return;
    var names = Array.prototype.map.call(list.options, function (option) {
      return option.value;
    });

    function update() {
      var parts = input.value.split(",");
      var typed = parts.pop().trim().toLowerCase();
      var done = parts.map(function (part) {
        return part.trim().toLowerCase();
      });
      var head = parts.length ? parts.join(",") + ", " : "";
      list.textContent = "";
      names
        .filter(function (name) {
          var lower = name.toLowerCase();
          return done.indexOf(lower) === -1 && lower.indexOf(typed) === 0;
        })
        .slice(0, 20)
        .forEach(function (name) {
          var option = document.createElement("option");
          option.value = head + name;
          list.appendChild(option);
        });
    }

    input.addEventListener("input", update);
    input.addEventListener("focus", update);
  }

  // A template link fills a blank page in place, or adds below what is written; without script it opens a new editor.
  function initTemplates(form) {
    var content = form.elements.namedItem("content");
    form.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-template-content]");
      if (!link || !content) return;
      event.preventDefault();
      var text = link.getAttribute("data-template-content");
      content.value = content.value.trim() ? content.value.replace(/\s*$/, "") + "\n\n" + text : text;
      content.dispatchEvent(new Event("input", { bubbles: true }));
      form.dispatchEvent(new Event("diary:content-changed"));
      content.focus();
      content.setSelectionRange(content.value.length, content.value.length);
    });
  }

  // Preview: the text rendered by the server's own renderer, in place of the text box, until "Back to writing".
  function initPreview(form) {
    var toggle = form.querySelector("[data-preview-toggle]");
    var pane = form.querySelector("[data-preview]");
    var content = form.elements.namedItem("content");
    var token = form.elements.namedItem("csrfmiddlewaretoken");
    if (!toggle || !pane || !content) return;
    var previewLabel = toggle.textContent;
    toggle.hidden = false;
    function show(previewing) {
      content.hidden = previewing;
      pane.hidden = !previewing;
      toggle.setAttribute("aria-pressed", previewing ? "true" : "false");
      toggle.textContent = previewing ? toggle.getAttribute("data-edit-label") : previewLabel;
    }
    toggle.addEventListener("click", function () {
      if (!pane.hidden) {
        show(false);
        content.focus();
        return;
      }
      var body = new URLSearchParams();
      body.append("content", content.value);
      fetch(toggle.getAttribute("data-preview-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "" },
        body: body,
      })
        .then(function (response) {
          return response.text().then(function (text) { return { ok: response.ok, text: text }; });
        })
        .then(function (result) {
          // The server's renderer sanitises what it returns (the same HTML the entry page shows).
          if (result.ok) pane.innerHTML = result.text;
          else pane.textContent = result.text;
          show(true);
          pane.focus();
        })
        .catch(function () { /* offline: stay in the editor */ });
    });
  }

  // "Another prompt" shows the next one in place; "Write about it" then writes under that one.
  function initPrompts(form) {
    var actions = document.querySelector("[data-prompts]");
    if (!actions) return;
    var list = document.getElementById("prompt-list");
    var prompts = list ? JSON.parse(list.textContent) : [];
    var index = parseInt(actions.getAttribute("data-prompt-index"), 10) || 0;
    var shown = document.querySelector("[data-prompt]");
    var write = actions.querySelector("[data-prompt-write]");
    var next = actions.querySelector("[data-prompt-next]");
    if (!shown || !write || !next || prompts.length < 2) return;
    next.addEventListener("click", function (event) {
      event.preventDefault();
      index = (index + 1) % prompts.length;
      shown.textContent = prompts[index];
      write.setAttribute("data-template-content", "## " + prompts[index] + "\n\n");
      write.href = write.href.replace(/prompt=\d+/, "prompt=" + index);
      next.href = next.href.replace(/prompt=\d+/, "prompt=" + ((index + 1) % prompts.length));
    });
  }

  // Beside the page there is room: emotions start unfolded on a wide screen, folded on a phone.
  function initFolds(form) {
    var fold = form.querySelector("details.emotion-fold");
    if (fold && window.matchMedia && window.matchMedia("(min-width: 50.01rem)").matches) fold.open = true;
  }

  clearSavedDraft();
  initFocus();
  var editor = document.querySelector("form[data-draft-key]");
  if (editor) {
    initDrafts(editor);
    initSuggestions(editor);
    initShortcuts(editor);
    initWordCount(editor);
    initTags(editor);
    initTemplates(editor);
    initPrompts(editor);
    initPreview(editor);
    initFolds(editor);
  }
})();
