// The webhook panel: each bot's wake address, strategy and last wake outcome.
// Tokens are write-only: the hub never sends them and the page never shows one.

import { getConfig, getStrategies, setConfig } from "./api.js";
import { formatFull, hueFor, initialOf, parseTimestamp } from "./format.js";

// Shown when the hub cannot be asked which strategies its plugins offer.
const BUILT_IN_STRATEGIES = ["json", "openclaw-agent", "openclaw-wake"];

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

let fieldCount = 0;

function labelled(text, control) {
  fieldCount += 1;
  control.id = `webhook-field-${fieldCount}`;
  const field = element("div", "field");
  const label = element("label", "field-label", text);
  label.htmlFor = control.id;
  field.append(label, control);
  return field;
}

/** Return one line saying how the last wake of a bot went. */
export function describeWake(last) {
  if (!last || typeof last !== "object") return { text: "Never woken yet", state: "" };

  const date = parseTimestamp(last.at);
  const when = date ? formatFull(date) : "at an unknown time";
  const attempts = Number.isFinite(last.attempts) ? last.attempts : 0;
  const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
  const status = Number.isFinite(last.status) ? `HTTP ${last.status}` : "no answer";
  if (last.ok) {
    return { text: `Woken ${when} (${status}, ${tries})`, state: "ok" };
  }
  const error = typeof last.error === "string" && last.error ? `: ${last.error}` : "";
  return { text: `Wake failed ${when} (${status}, ${tries})${error}`, state: "failed" };
}

export class WebhookPanel {
  constructor(dialog, opener) {
    this.dialog = dialog;
    this.strategies = BUILT_IN_STRATEGIES;
    this.list = dialog.querySelector("#webhook-list");
    this.error = dialog.querySelector("#webhook-error");
    opener.addEventListener("click", () => this.open());
    dialog.querySelector("#close-webhooks").addEventListener("click", () => {
      dialog.close();
    });
    // A click on the backdrop lands on the dialog itself, outside its box.
    dialog.addEventListener("click", (event) => {
      if (event.target !== dialog) return;
      const box = dialog.getBoundingClientRect();
      const inside =
        event.clientX >= box.left &&
        event.clientX <= box.right &&
        event.clientY >= box.top &&
        event.clientY <= box.bottom;
      if (!inside) dialog.close();
    });
  }

  async open() {
    this.showError("");
    this.list.replaceChildren(element("p", "hint", "Loading\u2026"));
    if (!this.dialog.open) this.dialog.showModal();
    await this.load();
  }

  async load() {
    let config;
    try {
      [config, this.strategies] = await Promise.all([
        getConfig(),
        getStrategies().catch(() => BUILT_IN_STRATEGIES),
      ]);
    } catch (error) {
      this.list.replaceChildren();
      this.showError(error.message);
      return;
    }
    const bots = Object.entries(config ?? {});
    if (!bots.length) {
      this.list.replaceChildren(element("p", "hint", "The roster has no bots."));
      return;
    }
    this.list.replaceChildren(...bots.map(([name, hook]) => this.form(name, hook)));
  }

  form(name, hook) {
    hook = hook && typeof hook === "object" ? hook : {};
    const form = element("form", "webhook");
    form.noValidate = true;
    const fieldset = element("fieldset");
    const legend = element("legend");
    const avatar = element("span", "avatar small", initialOf(name));
    avatar.setAttribute("aria-hidden", "true");
    avatar.style.setProperty("--hue", String(hueFor(name)));
    legend.append(avatar, element("span", "", name));

    const url = element("input");
    url.type = "url";
    url.name = "url";
    url.value = typeof hook.url === "string" ? hook.url : "";
    url.placeholder = "http://gateway:18789/hooks/wake";
    url.autocomplete = "off";
    url.spellcheck = false;

    const token = element("input");
    token.type = "password";
    token.name = "token";
    token.autocomplete = "new-password";
    token.placeholder = hook.has_token
      ? "A token is saved (leave empty to keep it)"
      : "No token saved";

    const strategy = element("select");
    strategy.name = "strategy";
    const choices = ["", ...this.strategies];
    if (typeof hook.strategy === "string" && !choices.includes(hook.strategy)) {
      choices.push(hook.strategy);
    }
    for (const value of choices) {
      const option = element("option", "", value || "Chosen by the URL");
      option.value = value;
      strategy.append(option);
    }
    strategy.value = typeof hook.strategy === "string" ? hook.strategy : "";

    const wake = describeWake(hook.last_wake);
    const lastWake = element("p", `last-wake ${wake.state}`, wake.text);
    const status = element("p", "save-status");
    status.setAttribute("role", "status");
    const save = element("button", "primary", "Save");
    save.type = "submit";

    fieldset.append(
      legend,
      labelled("URL", url),
      labelled("Token", token),
      labelled("Strategy", strategy),
    );
    let forget = null;
    if (hook.has_token) {
      forget = element("input");
      forget.type = "checkbox";
      forget.name = "forget";
      const label = element("label", "check");
      label.append(forget, element("span", "", "Remove the saved token"));
      fieldset.append(label);
    }
    const actions = element("div", "actions");
    actions.append(save, status);
    fieldset.append(lastWake, actions);
    form.append(fieldset);

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const change = { target: name, url: url.value.trim(), strategy: strategy.value };
      if (token.value) change.token = token.value;
      else if (forget?.checked) change.token = "";
      token.value = "";
      this.save(form, change);
    });
    form.dataset.bot = name;
    return form;
  }

  // Save one bot's change, then redraw only that bot's form, so edits under
  // way in the others are kept.
  async save(form, change) {
    const button = form.querySelector("button[type=submit]");
    const status = form.querySelector(".save-status");
    button.disabled = true;
    status.textContent = "Saving\u2026";
    status.className = "save-status";
    try {
      await setConfig(change);
    } catch (error) {
      status.textContent = error.message;
      status.className = "save-status failed";
      button.disabled = false;
      return;
    }

    let saved = form;
    try {
      const config = await getConfig();
      saved = this.form(change.target, config?.[change.target]);
      form.replaceWith(saved);
    } catch (error) {
      this.showError(error.message);
    }
    const done = saved.querySelector(".save-status");
    done.textContent = "Saved";
    done.className = "save-status ok";
    saved.querySelector("button[type=submit]").disabled = false;
    saved.querySelector("button[type=submit]").focus();
  }

  showError(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }
}
