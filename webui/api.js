// The hub's HTTP API, as the page uses it. Every failure is an ApiError whose
// message is the hub's own {"error": ...} text when it gave one.

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

async function request(path, options = {}) {
  let response;
  try {
    response = await fetch(path, {
      cache: "no-store",
      ...options,
      headers: { Accept: "application/json", ...options.headers },
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError("cannot reach the hub", 0);
  }

  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const said = body && typeof body.error === "string" ? body.error : null;
    throw new ApiError(said || `the hub answered ${response.status}`, response.status);
  }
  return body;
}

function postJson(path, body) {
  return request(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Return the last `limit` messages, or those after `since`, waiting `wait` s. */
export async function getMessages({ limit, since, wait } = {}, signal) {
  const query = new URLSearchParams();
  if (limit !== undefined) query.set("limit", String(limit));
  if (since !== undefined) query.set("since", String(since));
  if (wait !== undefined) query.set("wait", String(wait));
  const found = await request(`/api/messages?${query}`, { signal });
  return Array.isArray(found) ? found : [];
}

/** Return the roster: {participants: [{name, kind}], operator, broadcast}. */
export function getParticipants() {
  return request("/api/participants");
}

/** Send a message; return the stored message. */
export async function sendMessage({ from, to, message, attachments }) {
  const answer = await postJson("/api/send", { from, to, message, attachments });
  return answer.message;
}

/** Upload one file; return its attachment {filename, original_name, size, url}. */
export async function uploadFile(file) {
  const form = new FormData();
  form.append("file", file, file.name);
  const answer = await request("/api/upload", { method: "POST", body: form });
  return {
    filename: answer.filename,
    original_name: answer.original_name,
    size: answer.size,
    url: answer.url,
  };
}

/** Return each bot's webhook settings, tokens shown only as has_token. */
export function getConfig() {
  return request("/api/config");
}

/** Change one bot's webhook; leave `token` out to keep the saved one. */
export function setConfig(change) {
  return postJson("/api/config", change);
}

/** Return the names of the wake strategies a webhook may choose. */
export async function getStrategies() {
  const answer = await request("/api/strategies");
  const names = Array.isArray(answer?.strategies) ? answer.strategies : [];
  return names.filter((name) => typeof name === "string" && name);
}
