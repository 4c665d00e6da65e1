// The review page: actions on rule cards, bulk actions per group, keyboard shortcuts.
// Every state-changing request carries the per-run token from <meta name="csrf-token">.
"use strict";
(function () {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const toast = document.getElementById("toast");
  let current = null;

  function say(text, isError) {
    toast.textContent = text;
    toast.className = isError ? "error shown" : "shown";
    window.clearTimeout(say.timer);
    say.timer = window.setTimeout(() => { toast.className = ""; }, 3000);
  }

  async function post(path, payload) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify(payload),
    });
    const data = await response.json().catch(() => ({ error: response.statusText }));
    if (!response.ok) { throw new Error(data.error || response.statusText); }
    return data;
  }

  function cards() { return Array.from(document.querySelectorAll("article.rule")); }

  function focusCard(card) {
    if (!card) { return; }
    if (current) { current.classList.remove("current"); }
    current = card;
    card.classList.add("current");
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: "nearest" });
  }

  function replaceCard(card, html) {
    const holder = document.createElement("div");
    holder.innerHTML = html;  // server-rendered and escaped
    const fresh = holder.firstElementChild;
    card.replaceWith(fresh);
    if (current === card) { focusCard(fresh); }
    return fresh;
  }

  async function act(card, action) {
    const payload = { rule_id: card.dataset.ruleId, action: action };
    if (action === "reject") {
      const reason = card.querySelector("select.reason").value;
      if (reason) { payload.reason = reason; }
    }
    if (action === "edit") {
      const form = card.querySelector("form.edit");
      payload.title = form.elements.title.value;
      payload.body = form.elements.body.value;
    }
    try {
      const data = await post("api/decide", payload);
      const fresh = replaceCard(card, data.html);
      say(data.message, false);
      return fresh;
    } catch (error) {
      say(error.message, true);
      return card;
    }
  }

  function openEdit(card) {
    const form = card.querySelector("form.edit");
    form.hidden = false;
    form.elements.title.focus();
  }

  function closeEdit(card) {
    card.querySelector("form.edit").hidden = true;
    card.focus();
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button");
    if (!button) { return; }
    const card = button.closest("article.rule");
    if (button.dataset.bulk) {
      const group = button.closest("section.group");
      const ids = Array.from(group.querySelectorAll("article.rule")).map((c) => c.dataset.ruleId);
      try {
        const data = await post("api/bulk", { rule_ids: ids, action: button.dataset.bulk });
        say(data.message, false);
        window.location.reload();
      } catch (error) { say(error.message, true); }
      return;
    }
    if (!card || !button.dataset.action) { return; }
    focusCard(card);
    const action = button.dataset.action;
    if (action === "edit-open") { openEdit(card); }
    else if (action === "edit-cancel") { closeEdit(card); }
    else { await act(card, action); }
  });

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form.edit");
    if (!form) { return; }
    event.preventDefault();
    await act(form.closest("article.rule"), "edit");
  });

  document.addEventListener("focusin", (event) => {
    const card = event.target.closest("article.rule");
    if (card && card !== current) { focusCard(card); }
  });

  document.addEventListener("keydown", async (event) => {
    const field = event.target.closest("input, textarea, select");
    const editing = event.target.closest("form.edit");
    if (editing) {
      if (event.key === "Escape") { event.preventDefault(); closeEdit(editing.closest("article.rule")); }
      else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); editing.requestSubmit(); }
      return;
    }
    if (field || event.ctrlKey || event.metaKey || event.altKey) { return; }
    const list = cards();
    const index = current ? list.indexOf(current) : -1;
    const key = event.key;
    if (key === "j") { event.preventDefault(); focusCard(list[Math.min(index + 1, list.length - 1)]); }
    else if (key === "k") { event.preventDefault(); focusCard(list[Math.max(index - 1, 0)]); }
    else if (key === "/") { event.preventDefault(); document.getElementById("search").focus(); }
    else if (current && (key === "a" || key === "r" || key === "p")) {
      event.preventDefault();
      const pinned = current.classList.contains("pinned");
      const action = key === "a" ? "accept" : key === "r" ? "reject" : (pinned ? "unpin" : "pin");
      await act(current, action);
    } else if (current && key === "e") { event.preventDefault(); openEdit(current); }
  });

  focusCard(cards()[0]);
})();
