// The conversation view: messages grouped by sender, built only from text nodes
// and attributes the page chose, so nothing a message holds can become markup.

import {
  formatClock,
  formatDay,
  formatFull,
  formatSize,
  hueFor,
  initialOf,
  normalizeMessage,
  parseCc,
  sameDay,
  splitLinks,
} from "./format.js";

const GROUP_GAP_MS = 10 * 60 * 1000;
const MANY_RECIPIENTS = 4;
// A CC copy is stored right after its original; look this far back for it.
const CC_LOOKBACK = 20;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function timeElement(date, className) {
  const node = element("time", className, formatClock(date));
  node.dateTime = date.toISOString();
  node.title = formatFull(date);
  return node;
}

function sameFiles(a, b) {
  if (a.attachments.length !== b.attachments.length) return false;
  return a.attachments.every((file, i) => file.filename === b.attachments[i].filename);
}

/** Fill node with text, turning http(s) URLs into links and nothing else. */
export function fillText(node, text) {
  for (const piece of splitLinks(text)) {
    if (!piece.href) {
      node.append(document.createTextNode(piece.text));
      continue;
    }
    const link = element("a", "link", piece.text);
    link.href = piece.href;
    link.target = "_blank";
    link.rel = "noopener noreferrer nofollow";
    node.append(link);
  }
}

/** Return a chip or an inline preview for one attachment. */
export function attachmentElement(file, onMediaLoad) {
  const link = element("a", file.image ? "file-image" : "file-chip");
  link.href = file.href;
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  link.title = file.name;

  if (file.image) {
    const image = element("img");
    image.src = file.href;
    image.alt = file.name;
    image.decoding = "async";
    image.addEventListener("load", () => onMediaLoad?.());
    link.append(image);
    return link;
  }

  link.download = file.name;
  const extension = file.name.includes(".") ? file.name.split(".").pop() : "file";
  link.append(
    element("span", "file-icon", extension.slice(0, 4).toUpperCase()),
    element("span", "file-name", file.name),
    element("span", "file-size", file.size === null ? "" : formatSize(file.size)),
  );
  return link;
}

export class MessageList {
  /**
   * Show messages in root.
   *
   * kinds maps participant names to "bot" or "human"; onCopy(text, button) is
   * called by each Copy button; onMediaLoad() after an inline image loads.
   */
  constructor(root, { operator, kinds, onCopy, onMediaLoad }) {
    this.root = root;
    this.operator = operator;
    this.kinds = kinds;
    this.onCopy = onCopy;
    this.onMediaLoad = onMediaLoad;
    this.mine = null;
    this.reset();
  }

  reset() {
    this.entries = [];
    this.byId = new Map();
    this.lastGroup = null;
    this.lastDay = null;
    this.lastId = 0;
    this.count = 0;
    this.root.replaceChildren();
  }

  /** Show new messages; return how many new bubbles appeared. */
  add(rawMessages) {
    const before = this.count;
    let outOfOrder = false;
    for (const raw of rawMessages) {
      const message = this.normalize(raw);
      if (!message) continue;
      if (message.id !== null && this.byId.has(message.id)) {
        this.refresh(message);
        continue;
      }
      if (message.id !== null && message.id < this.lastId) outOfOrder = true;
      this.keep(message);
      if (!outOfOrder) this.show(this.entries.at(-1));
    }
    if (outOfOrder) this.rebuild();
    return this.count - before;
  }

  /** Update delivery ticks from fresh copies of messages already shown. */
  updateDelivery(rawMessages) {
    for (const raw of rawMessages) {
      const message = this.normalize(raw);
      if (message && message.id !== null && this.byId.has(message.id)) {
        this.refresh(message);
      }
    }
  }

  /** Tell whether a shown message still waits for a recipient to fetch it. */
  hasPendingDelivery() {
    return this.entries.some((entry) =>
      entry.message.delivered.some(([, fetched]) => !fetched),
    );
  }

  /** Mark the groups sent by name as the reader's own. */
  setMine(name) {
    this.mine = name;
    for (const group of this.root.querySelectorAll(".group")) {
      group.classList.toggle("mine", group.dataset.from === name);
    }
  }

  normalize(raw) {
    try {
      return normalizeMessage(raw);
    } catch (error) {
      console.error("skipping a message the page cannot read", error);
      return null;
    }
  }

  keep(message) {
    const entry = { message, node: null, copies: [], copyOf: null, ticks: null };
    this.entries.push(entry);
    if (message.id !== null) {
      this.byId.set(message.id, entry);
      this.lastId = Math.max(this.lastId, message.id);
    }
  }

  rebuild() {
    const entries = this.entries
      .slice()
      .sort((a, b) => (a.message.id ?? 0) - (b.message.id ?? 0));
    this.reset();
    for (const { message } of entries) {
      this.keep(message);
      this.show(this.entries.at(-1));
    }
  }

  show(entry) {
    try {
      const copied = this.findOriginal(entry);
      if (copied) {
        entry.copyOf = copied;
        copied.copies.push(entry);
        this.renderCopies(copied);
        return;
      }

      const bubble = this.bubble(entry);
      this.groupFor(entry.message).append(bubble);
      entry.node = bubble;
      this.count += 1;
    } catch (error) {
      console.error("cannot show message", entry.message.id, error);
      const notice = element("p", "broken", "A message here could not be shown.");
      this.root.append(notice);
      this.lastGroup = null;
    }
  }

  refresh(message) {
    const entry = this.byId.get(message.id);
    const before = JSON.stringify(entry.message.delivered);
    entry.message.delivered = message.delivered;
    if (JSON.stringify(message.delivered) === before) return;
    if (entry.copyOf) this.renderCopies(entry.copyOf);
    if (entry.ticks) this.renderTicks(entry);
  }

  // Return the entry a CC copy was made from, when it is shown already.
  findOriginal(entry) {
    const copy = entry.message;
    const cc = this.ccOf(copy);
    if (!cc) return null;

    const index = this.entries.lastIndexOf(entry);
    const start = Math.max(0, index - CC_LOOKBACK);
    for (let i = index - 1; i >= start; i -= 1) {
      const candidate = this.entries[i];
      const original = candidate.message;
      if (
        candidate.node &&
        original.from === copy.from &&
        original.to === cc.to &&
        original.text === cc.text &&
        sameFiles(original, copy) &&
        !candidate.copies.some((other) => other.message.to === copy.to)
      ) {
        return candidate;
      }
    }
    return null;
  }

  ccOf(message) {
    if (message.to !== this.operator || this.kinds.get(message.from) === "human") {
      return null;
    }
    return parseCc(message.text);
  }

  groupFor(message) {
    const date = message.date;
    if (date && (!this.lastDay || !sameDay(date, this.lastDay))) {
      const divider = element("div", "day");
      divider.setAttribute("role", "separator");
      divider.append(element("span", "", formatDay(date)));
      this.root.append(divider);
      this.lastDay = date;
      this.lastGroup = null;
    }

    const last = this.lastGroup;
    const close = !date || !last?.date || date - last.date < GROUP_GAP_MS;
    if (last && last.from === message.from && last.to === message.to && close) {
      if (date) last.date = date;
      return last.body;
    }

    const group = this.group(message);
    this.root.append(group.node);
    this.lastGroup = group;
    return group.body;
  }

  group(message) {
    const node = element("article", "group");
    node.dataset.from = message.from;
    node.dataset.kind = this.kinds.get(message.from) ?? "unknown";
    node.style.setProperty("--hue", String(hueFor(message.from)));
    node.classList.toggle("mine", message.from === this.mine);

    const avatar = element("div", "avatar", initialOf(message.from));
    avatar.setAttribute("aria-hidden", "true");
    const head = element("header", "group-head");
    const arrow = element("span", "arrow", "\u2192");
    arrow.setAttribute("aria-hidden", "true");
    const to = element("span", "visually-hidden", " to ");
    head.append(element("span", "who", message.from), arrow, to);
    head.append(element("span", "whom", message.to));
    if (node.dataset.kind === "bot") head.append(element("span", "badge", "bot"));
    if (message.date) head.append(timeElement(message.date, "stamp"));

    const body = element("div", "group-body");
    body.append(head);
    node.append(avatar, body);
    return { node, body, from: message.from, to: message.to, date: message.date };
  }

  bubble(entry) {
    const message = entry.message;
    const node = element("div", "msg");
    if (message.id !== null) {
      node.dataset.id = String(message.id);
      node.id = `message-${message.id}`;
    }

    const cc = this.ccOf(message);
    let text = message.text;
    if (cc) {
      node.classList.add("orphan-cc");
      node.append(element("div", "cc-label", `CC of a message to ${cc.to}`));
      text = cc.text;
    }
    if (text) {
      const body = element("div", "text");
      fillText(body, text);
      node.append(body);
    }
    if (message.attachments.length) {
      const files = element("div", "files");
      for (const file of message.attachments) {
        files.append(attachmentElement(file, this.onMediaLoad));
      }
      node.append(files);
    }

    const meta = element("div", "meta");
    if (message.date) meta.append(timeElement(message.date, "stamp"));
    entry.ticks = element("span", "ticks");
    entry.cc = element("span", "ccs");
    meta.append(entry.ticks, entry.cc, this.copyButton(message, text));
    node.append(meta);
    this.renderTicks(entry);
    return node;
  }

  copyButton(message, text) {
    const button = element("button", "copy", "Copy");
    button.type = "button";
    button.setAttribute("aria-label", "Copy");
    button.title = "Copy this message";
    const files = message.attachments.map((f) => new URL(f.href, location.href).href);
    const copied = text || files.join("\n");
    button.addEventListener("click", () => this.onCopy?.(copied, button));
    return button;
  }

  renderTicks(entry) {
    const delivered = entry.message.delivered;
    const chips = [];
    if (delivered.length > MANY_RECIPIENTS) {
      const fetched = delivered.filter(([, done]) => done);
      const chip = element(
        "span",
        fetched.length === delivered.length ? "tick fetched" : "tick",
        `${fetched.length === delivered.length ? "\u2713\u2713" : "\u2713"} ` +
          `${fetched.length}/${delivered.length} fetched`,
      );
      chip.title = delivered
        .map(([name, done]) => `${name}: ${done ? "fetched" : "not yet"}`)
        .join("\n");
      chips.push(chip);
    } else {
      for (const [name, fetched] of delivered) chips.push(tick(name, fetched));
    }
    entry.ticks.replaceChildren(...chips);
  }

  renderCopies(original) {
    const marks = original.copies.map((copy) => {
      const fetched = copy.message.delivered.some(([, done]) => done);
      const mark = element(
        "span",
        fetched ? "cc fetched" : "cc",
        `CC ${copy.message.to} ${fetched ? "\u2713\u2713" : "\u2713"}`,
      );
      mark.title = `A copy went to ${copy.message.to} as message #${copy.message.id}`;
      return mark;
    });
    original.cc.replaceChildren(...marks);
  }
}

function tick(name, fetched) {
  const chip = element("span", fetched ? "tick fetched" : "tick");
  chip.append(
    element("span", "tick-name", name),
    element("span", "tick-mark", fetched ? " \u2713\u2713" : " \u2713"),
  );
  chip.title = fetched
    ? `${name} has fetched this message`
    : `Stored; ${name} has not fetched it yet`;
  return chip;
}
