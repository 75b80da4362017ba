// The composer: who sends to whom, the text box, and files waiting to be sent.

import { sendMessage, uploadFile } from "./api.js";
import { formatSize } from "./format.js";

const MAX_HEIGHT_SHARE = 0.4;
const REMEMBERED = { from: "forest-chat.from", to: "forest-chat.to" };

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function remembered(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function remember(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private windows may refuse; the choice just is not kept.
  }
}

// Screenshots pasted from the clipboard are all called "image.png".
function pastedName(file, index) {
  if (file.name && file.name !== "image.png") return file;
  const iso = new Date().toISOString().slice(0, 19);
  const stamp = iso.replace(/[-:]/g, "").replace("T", "-");
  const extension = (file.type.split("/")[1] || "png").replace("jpeg", "jpg");
  const suffix = index ? `-${index + 1}` : "";
  return new File([file], `pasted-${stamp}${suffix}.${extension}`, { type: file.type });
}

export class Composer {
  /** Wire the composer form; onSent(message) hears each message sent. */
  constructor(form, { onSent }) {
    this.form = form;
    this.onSent = onSent;
    this.from = form.querySelector("#from");
    this.to = form.querySelector("#to");
    this.text = form.querySelector("#message");
    this.sendButton = form.querySelector("#send");
    this.attachButton = form.querySelector("#attach");
    this.fileInput = form.querySelector("#file-input");
    this.pendingList = form.querySelector("#pending");
    this.error = form.querySelector("#composer-error");
    this.pending = [];
    this.sending = false;
    this.onFromChange = () => {};

    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    this.text.addEventListener("keydown", (event) => this.keydown(event));
    this.text.addEventListener("input", () => this.grow());
    this.text.addEventListener("paste", (event) => this.paste(event));
    this.attachButton.addEventListener("click", () => this.fileInput.click());
    this.fileInput.addEventListener("change", () => {
      this.attach(Array.from(this.fileInput.files));
      this.fileInput.value = "";
    });
    this.from.addEventListener("change", () => {
      remember(REMEMBERED.from, this.from.value);
      this.onFromChange(this.from.value);
    });
    this.to.addEventListener("change", () => remember(REMEMBERED.to, this.to.value));
    this.watchDrops();
  }

  /** Fill From and To from the roster and enable the composer. */
  setRoster({ participants, operator, broadcast }) {
    const people = participants.filter((p) => p.kind !== "bot");
    const bots = participants.filter((p) => p.kind === "bot");
    this.from.replaceChildren(...this.options(people, bots));
    const everyone = element("option", "", `${broadcast} (everyone)`);
    everyone.value = broadcast;
    this.to.replaceChildren(everyone, ...this.options(people, bots));

    const names = participants.map((p) => p.name);
    const from = remembered(REMEMBERED.from);
    const to = remembered(REMEMBERED.to);
    this.from.value = names.includes(from) ? from : operator;
    this.to.value = names.includes(to) || to === broadcast ? to : broadcast;
    this.form.classList.remove("waiting");
    for (const control of this.form.elements) control.disabled = false;
  }

  options(people, bots) {
    const groups = [];
    for (const [label, members] of [["People", people], ["Bots", bots]]) {
      if (!members.length) continue;
      const group = element("optgroup");
      group.label = label;
      for (const participant of members) {
        const option = element("option", "", participant.name);
        option.value = participant.name;
        group.append(option);
      }
      groups.push(group);
    }
    return groups;
  }

  keydown(event) {
    if (event.key !== "Enter" || event.isComposing || event.shiftKey) return;
    event.preventDefault();
    this.send();
  }

  grow() {
    const limit = Math.round(window.innerHeight * MAX_HEIGHT_SHARE);
    this.text.style.height = "auto";
    const wanted = this.text.scrollHeight + 2;
    this.text.style.height = `${Math.min(wanted, limit)}px`;
    this.text.classList.toggle("scrolls", wanted > limit);
  }

  paste(event) {
    const files = Array.from(event.clipboardData?.files ?? []);
    if (!files.length) return;
    if (!event.clipboardData.types.includes("text/plain")) event.preventDefault();
    this.attach(files.map(pastedName));
  }

  watchDrops() {
    const overlay = document.getElementById("drop-overlay");
    let depth = 0;
    const carriesFiles = (event) => event.dataTransfer?.types.includes("Files");
    document.addEventListener("dragenter", (event) => {
      if (!carriesFiles(event)) return;
      depth += 1;
      overlay.hidden = false;
    });
    document.addEventListener("dragleave", (event) => {
      if (!carriesFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) overlay.hidden = true;
    });
    document.addEventListener("dragover", (event) => {
      if (carriesFiles(event)) event.preventDefault();
    });
    document.addEventListener("drop", (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth = 0;
      overlay.hidden = true;
      this.attach(Array.from(event.dataTransfer.files));
    });
  }

  /** Start uploading files; each shows in the pending list until sent. */
  attach(files) {
    for (const file of files) {
      const item = { file, attachment: null, failed: false, node: null, preview: null };
      item.upload = uploadFile(file).then(
        (attachment) => {
          item.attachment = attachment;
          item.node?.classList.remove("uploading");
        },
        (error) => {
          this.showError(`${file.name}: ${error.message}`);
          this.remove(item);
        },
      );
      this.pending.push(item);
      this.pendingList.append(this.pendingChip(item));
    }
    this.pendingList.hidden = this.pending.length === 0;
  }

  pendingChip(item) {
    const chip = element("li", "pending-file uploading");
    if (item.file.type.startsWith("image/")) {
      item.preview = URL.createObjectURL(item.file);
      const thumb = element("img", "thumb");
      thumb.src = item.preview;
      thumb.alt = "";
      chip.append(thumb);
    }
    chip.append(
      element("span", "file-name", item.file.name),
      element("span", "file-size", formatSize(item.file.size)),
    );
    const remove = element("button", "remove", "\u00d7");
    remove.type = "button";
    remove.setAttribute("aria-label", `Remove ${item.file.name}`);
    remove.addEventListener("click", () => this.remove(item));
    chip.append(remove);
    item.node = chip;
    return chip;
  }

  remove(item) {
    this.pending = this.pending.filter((other) => other !== item);
    item.node?.remove();
    if (item.preview) URL.revokeObjectURL(item.preview);
    this.pendingList.hidden = this.pending.length === 0;
  }

  clearPending() {
    for (const item of [...this.pending]) this.remove(item);
  }

  async send() {
    if (this.sending || this.from.disabled) return;
    const waiting = [...this.pending];
    if (!this.text.value.trim() && !waiting.length) {
      this.text.focus();
      return;
    }

    this.sending = true;
    this.sendButton.disabled = true;
    this.form.setAttribute("aria-busy", "true");
    try {
      await Promise.all(waiting.map((item) => item.upload));
      const ready = this.pending.filter((item) => item.attachment);
      if (!this.text.value.trim() && !ready.length) return;
      const message = await sendMessage({
        from: this.from.value,
        to: this.to.value,
        message: this.text.value,
        attachments: ready.map((item) => item.attachment),
      });
      this.text.value = "";
      this.grow();
      this.clearPending();
      this.showError("");
      this.onSent(message);
    } catch (error) {
      this.showError(error.message);
    } finally {
      this.sending = false;
      this.sendButton.disabled = false;
      this.form.removeAttribute("aria-busy");
      this.text.focus();
    }
  }

  showError(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }
}
