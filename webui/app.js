// The page's entry point: load the roster and history, then follow live.

import { getMessages, getParticipants } from "./api.js";
import { Composer } from "./composer.js";
import { Live } from "./live.js";
import { MessageList } from "./messages.js";
import { WebhookPanel } from "./webhooks.js";

const HISTORY = 500;
const WAIT_SECONDS = 25;
const NEAR_BOTTOM_PX = 80;
// Delivery ticks change when a bot reads, which sends no new message; the page
// looks again at the latest messages whenever a long-poll comes back.
const REFRESH_WINDOW = 100;
const REFRESH_GAP_MS = 2000;
const STATUS_TEXT = {
  connecting: "Connecting\u2026",
  live: "Live",
  offline: "Reconnecting\u2026",
};
const TITLE = document.title;

class Scroller {
  constructor(log, pill) {
    this.log = log;
    this.pill = pill;
    this.pinned = true;
    this.unseen = 0;
    this.lastTop = 0;
    // Only a move up lets go of the bottom: content growing under a scroll
    // the page made itself must not count as the reader scrolling away.
    log.addEventListener("scroll", () => {
      const top = log.scrollTop;
      if (this.nearBottom()) {
        this.pinned = true;
        this.clearUnseen();
      } else if (top < this.lastTop) {
        this.pinned = false;
      }
      this.lastTop = top;
    });
    new ResizeObserver(() => this.settle()).observe(log);
    pill.addEventListener("click", () => {
      this.toBottom();
      log.focus({ preventScroll: true });
    });
  }

  nearBottom() {
    const log = this.log;
    return log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_BOTTOM_PX;
  }

  toBottom() {
    this.log.scrollTop = this.log.scrollHeight;
    this.lastTop = this.log.scrollTop;
    this.pinned = true;
    this.clearUnseen();
  }

  // A move up that no scroll event has reported yet is still the reader's:
  // catch it before following new content would undo it.
  noticeMoveUp() {
    if (this.pinned && this.log.scrollTop < this.lastTop && !this.nearBottom()) {
      this.pinned = false;
    }
  }

  /** Follow new bubbles when the reader is at the bottom, else count them. */
  added(count) {
    if (!count) return;
    this.noticeMoveUp();
    if (this.pinned) {
      this.toBottom();
      return;
    }
    this.unseen += count;
    const plural = this.unseen === 1 ? "" : "s";
    this.pill.textContent = `${this.unseen} new message${plural} \u2193`;
    this.pill.hidden = false;
  }

  settle() {
    this.noticeMoveUp();
    if (!this.pinned) return;
    this.log.scrollTop = this.log.scrollHeight;
    this.lastTop = this.log.scrollTop;
  }

  clearUnseen() {
    this.unseen = 0;
    this.pill.hidden = true;
  }
}

function setStatus(state) {
  const status = document.getElementById("status");
  status.dataset.state = state;
  status.querySelector(".status-text").textContent = STATUS_TEXT[state];
}

async function retrying(load) {
  for (let failures = 1; ; failures += 1) {
    try {
      return await load();
    } catch (error) {
      setStatus("offline");
      console.warn("loading failed, trying again", error.message);
      const delay = Math.min(30000, 1000 * 2 ** (failures - 1));
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

async function copyText(text, button) {
  let copied = false;
  try {
    await navigator.clipboard.writeText(text);
    copied = true;
  } catch {
    copied = copyByCommand(text);
  }
  button.textContent = copied ? "Copied \u2713" : "Copy failed";
  button.classList.toggle("done", copied);
  clearTimeout(button.resetTimer);
  button.resetTimer = setTimeout(() => {
    button.textContent = "Copy";
    button.classList.remove("done");
  }, 1500);
}

// The clipboard API exists only on https or localhost; a hub reached by its
// LAN address over http still gets copying the old way.
function copyByCommand(text) {
  const scratch = document.createElement("textarea");
  scratch.value = text;
  scratch.className = "scratch";
  document.body.append(scratch);
  scratch.select();
  let copied = false;
  try {
    copied = document.execCommand("copy");
  } catch {
    copied = false;
  }
  scratch.remove();
  return copied;
}

function deliveryRefresher(list) {
  let running = false;
  let last = 0;
  let later = null;

  return function refresh() {
    if (!list.hasPendingDelivery()) return;
    const wait = last + REFRESH_GAP_MS - Date.now();
    if (running || wait > 0) {
      later ??= setTimeout(() => {
        later = null;
        refresh();
      }, Math.max(wait, 500));
      return;
    }

    running = true;
    last = Date.now();
    getMessages({ limit: REFRESH_WINDOW })
      .then((batch) => list.updateDelivery(batch))
      .catch((error) => console.warn("delivery refresh failed", error.message))
      .finally(() => {
        running = false;
      });
  };
}

function watchKeys(composer) {
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest?.("input, textarea, select, [contenteditable]");
    if (event.key === "/" && !typing && !document.querySelector("dialog[open]")) {
      event.preventDefault();
      composer.text.focus();
    }
  });
}

async function main() {
  const log = document.getElementById("log");
  const count = document.getElementById("count");
  const empty = document.getElementById("empty");
  const scroller = new Scroller(log, document.getElementById("new-pill"));
  let unseenWhileHidden = 0;

  new WebhookPanel(
    document.getElementById("webhooks"),
    document.getElementById("open-webhooks"),
  );
  setStatus("connecting");

  const [roster, history] = await Promise.all([
    retrying(getParticipants),
    retrying(() => getMessages({ limit: HISTORY })),
  ]);
  const participants = Array.isArray(roster?.participants) ? roster.participants : [];
  const kinds = new Map(participants.map((p) => [p.name, p.kind]));
  const list = new MessageList(log, {
    operator: roster?.operator,
    kinds,
    onCopy: copyText,
    onMediaLoad: () => scroller.settle(),
  });
  const refreshDelivery = deliveryRefresher(list);

  function show(batch, { own = false } = {}) {
    const added = list.add(batch);
    count.textContent = `${list.count} message${list.count === 1 ? "" : "s"}`;
    empty.hidden = list.count > 0;
    if (own) scroller.toBottom();
    else scroller.added(added);
    if (document.hidden && added) {
      unseenWhileHidden += added;
      document.title = `(${unseenWhileHidden}) ${TITLE}`;
    }
  }

  const composer = new Composer(document.getElementById("composer"), {
    onSent: (message) => {
      show([message], { own: true });
      live.kick();
    },
  });
  composer.setRoster({
    participants,
    operator: roster?.operator ?? participants[0]?.name,
    broadcast: roster?.broadcast ?? "all",
  });
  composer.onFromChange = (name) => list.setMine(name);
  list.setMine(composer.from.value);
  watchKeys(composer);

  show(history);
  scroller.toBottom();
  setStatus("live");
  document.body.classList.add("ready");

  const live = new Live({
    since: list.lastId,
    wait: WAIT_SECONDS,
    onMessages: (batch) => show(batch),
    onCycle: refreshDelivery,
    onStatus: setStatus,
  });
  live.start();

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) return;
    unseenWhileHidden = 0;
    document.title = TITLE;
    refreshDelivery();
  });
}

main();
