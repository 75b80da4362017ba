// Pure helpers: turn wire values into safe, display-ready values. No DOM here.

const TIMESTAMP = new RegExp(
  "^(\\d{4})-(\\d{2})-(\\d{2})[T ](\\d{2}):(\\d{2})" +
    "(?::(\\d{2})(?:[.,](\\d+))?)?\\s*(Z|[+-]\\d{2}(?::?\\d{2})?)?$",
  "i",
);
const URL_IN_TEXT = /https?:\/\/[^\s<>"'`]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?'"\u2026]+$/;
const CC_PREFIX = /^\[CC:([^\]\s]+)\] ?([\s\S]*)$/;
const IMAGE_NAME = /\.(png|jpe?g|gif|webp|bmp|avif)$/i;
const CLOSERS = { ")": "(", "]": "[", "}": "{" };

/** Return a hue (0-359) that is always the same for the same name. */
export function hueFor(name) {
  let hash = 0x811c9dc5;
  for (const char of String(name)) {
    hash ^= char.codePointAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // Mix the bits so that similar names still land on distant hues.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return (hash >>> 0) % 360;
}

/** Return the first letter of a name, upper-cased, for an avatar. */
export function initialOf(name) {
  const first = Array.from(String(name).trim())[0] || "?";
  return first.toLocaleUpperCase();
}

/** Return a byte count as a short human size, such as "2.4 MB". */
export function formatSize(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return "";
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value < 10 ? 1 : 0;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/**
 * Return the Date an ISO-8601 timestamp names, or null.
 *
 * A timestamp without an offset (the original hub wrote those) is read as
 * local time, since that hub wrote its own clock's local time.
 */
export function parseTimestamp(value) {
  if (typeof value !== "string") return null;
  const match = TIMESTAMP.exec(value.trim());
  if (!match) return null;

  const [, year, month, day, hour, minute, second = "0", fraction = "0", zone] = match;
  const parts = [+year, +month - 1, +day, +hour, +minute, +second];
  const millis = Number(fraction.slice(0, 3).padEnd(3, "0"));
  let date;
  if (!zone) {
    date = new Date(...parts, millis);
  } else {
    date = new Date(Date.UTC(...parts, millis) - offsetMinutes(zone) * 60000);
  }
  return Number.isNaN(date.getTime()) ? null : date;
}

function offsetMinutes(zone) {
  if (zone.toUpperCase() === "Z") return 0;
  const sign = zone[0] === "-" ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
}

/** Return a date's local clock time, such as "14:05". */
export function formatClock(date) {
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** Return a date and time in full, in local time, for a tooltip. */
export function formatFull(date) {
  return date.toLocaleString([], {
    weekday: "short",
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** Return "Today", "Yesterday" or the date, for a divider between days. */
export function formatDay(date, now = new Date()) {
  if (sameDay(date, now)) return "Today";
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(date, yesterday)) return "Yesterday";
  return date.toLocaleDateString([], {
    weekday: "long",
    year: "numeric",
    month: "long",
    day: "numeric",
  });
}

/** Tell whether two dates fall on the same local calendar day. */
export function sameDay(a, b) {
  return (
    a.getFullYear() === b.getFullYear() &&
    a.getMonth() === b.getMonth() &&
    a.getDate() === b.getDate()
  );
}

/** Return the address of an http(s) URL, or null for anything else. */
export function safeHref(candidate) {
  try {
    const url = new URL(candidate);
    if ((url.protocol === "http:" || url.protocol === "https:") && url.hostname) {
      return url.href;
    }
  } catch {
    // Not a URL at all: it stays text.
  }
  return null;
}

/** Split text into pieces: {text} for plain text, {text, href} for http(s) links. */
export function splitLinks(text) {
  const pieces = [];
  let done = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const candidate = trimUrl(match[0]);
    const href = safeHref(candidate);
    if (!href) continue;
    if (match.index > done) pieces.push({ text: text.slice(done, match.index) });
    pieces.push({ text: candidate, href });
    done = match.index + candidate.length;
  }
  if (done < text.length) pieces.push({ text: text.slice(done) });
  return pieces;
}

// A URL at the end of a sentence or inside brackets should not swallow the
// full stop or the closing bracket.
function trimUrl(url) {
  let trimmed = url;
  for (;;) {
    const before = trimmed;
    trimmed = trimmed.replace(TRAILING_PUNCTUATION, "");
    const last = trimmed.at(-1);
    if (last in CLOSERS && count(trimmed, last) > count(trimmed, CLOSERS[last])) {
      trimmed = trimmed.slice(0, -1);
    }
    if (trimmed === before) return trimmed;
  }
}

function count(text, char) {
  return text.split(char).length - 1;
}

/** Return {to, text} when text is a CC copy's "[CC:<to>] <text>", else null. */
export function parseCc(text) {
  const match = CC_PREFIX.exec(text);
  return match ? { to: match[1], text: match[2] } : null;
}

/** Return the page-relative address of an uploaded file. */
export function fileHref(filename) {
  return `/api/files/${encodeURIComponent(filename)}`;
}

/** Tell whether a stored file name is an image a browser shows inline. */
export function isImageName(filename) {
  return IMAGE_NAME.test(filename);
}

/**
 * Return a message from the wire in a shape the page can trust, or null.
 *
 * Anything of the wrong type becomes a harmless default, so one odd message
 * from an old import never stops the rest from showing.
 */
export function normalizeMessage(raw) {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return null;

  const id = Number.isSafeInteger(raw.id) ? raw.id : null;
  const attachments = Array.isArray(raw.attachments) ? raw.attachments : [];
  return {
    id,
    from: nameOf(raw.from),
    to: nameOf(raw.to),
    text: typeof raw.message === "string" ? raw.message : "",
    date: parseTimestamp(raw.timestamp),
    delivered: deliveredOf(raw.delivered_to),
    attachments: attachments.map(attachmentOf).filter(Boolean),
  };
}

function nameOf(value) {
  if (typeof value === "string" && value.trim()) return value;
  if (typeof value === "number") return String(value);
  return "unknown";
}

function deliveredOf(value) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [];
  return Object.entries(value).map(([name, fetched]) => [name, fetched === true]);
}

function attachmentOf(raw) {
  if (raw === null || typeof raw !== "object") return null;
  if (typeof raw.filename !== "string" || !raw.filename) return null;

  const name =
    typeof raw.original_name === "string" && raw.original_name
      ? raw.original_name
      : raw.filename;
  return {
    filename: raw.filename,
    name,
    size: Number.isFinite(raw.size) ? raw.size : null,
    href: fileHref(raw.filename),
    image: isImageName(raw.filename),
  };
}
