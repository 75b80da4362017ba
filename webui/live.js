// Live updates: one long-poll after another, each asking for messages newer
// than the newest seen. The hub answers the moment one exists.

import { getMessages } from "./api.js";

const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 30000;
// Give up on a long-poll the hub should have answered well before this.
const SLACK_MS = 15000;

function backoff(failures) {
  const delay = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** (failures - 1));
  return delay / 2 + Math.random() * (delay / 2);
}

export class Live {
  /**
   * Poll for messages after `since`.
   *
   * onMessages(batch) hears each non-empty answer, onCycle() every answer,
   * onStatus("live" | "offline") how the connection fares.
   */
  constructor({ since, wait, onMessages, onCycle, onStatus }) {
    this.since = since;
    this.wait = wait;
    this.onMessages = onMessages;
    this.onCycle = onCycle;
    this.onStatus = onStatus;
    this.failures = 0;
    this.wakeUp = null;
  }

  start() {
    this.loop();
  }

  /** Retry at once if the loop is waiting after a failure. */
  kick() {
    this.wakeUp?.();
  }

  async loop() {
    for (;;) {
      const batch = await this.poll();
      if (batch === null) {
        this.failures += 1;
        await this.pause(backoff(this.failures));
        continue;
      }

      this.failures = 0;
      const before = this.since;
      for (const message of batch) {
        if (Number.isSafeInteger(message?.id) && message.id > this.since) {
          this.since = message.id;
        }
      }
      this.safely(() => batch.length && this.onMessages(batch));
      this.safely(() => this.onCycle());
      // Messages without a usable id cannot move `since` on; asking again at
      // once would get the same answer forever.
      if (batch.length && this.since === before) await this.pause(LAST_RETRY_MS);
    }
  }

  async poll() {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.wait * 1000 + SLACK_MS);
    try {
      const batch = await getMessages(
        { since: this.since, wait: this.wait },
        controller.signal,
      );
      this.onStatus("live");
      return batch;
    } catch (error) {
      this.onStatus("offline", error);
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  pause(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wakeUp = null;
        resolve();
      }
      this.wakeUp = done;
    });
  }

  safely(callback) {
    try {
      callback();
    } catch (error) {
      console.error("live update failed", error);
    }
  }
}
