// Calls to the partnermatch JSON API and the one error shape it answers with.

/** An API answer that was not 2xx: status plus the error JSON ({error, message, details}). */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }

  /** details[] as {field, message}; empty when the API named no field. */
  get details() {
    return Array.isArray(this.body.details) ? this.body.details : [];
  }
}

/**
 * fetch() that resolves to the parsed JSON or throws ApiError.
 * A network failure becomes ApiError(0) so callers handle one kind of error.
 */
export async function api(path, { method = "GET", body, signal, headers = {} } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      signal,
      headers: body === undefined ? { Accept: "application/json", ...headers }
        : { Accept: "application/json", "Content-Type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(0, { error: "network", message: `The service could not be reached (${err.message}).` });
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    // a proxy's HTML error page: keep the status, say what happened
    data = { error: "bad_response", message: `The service answered HTTP ${response.status} without JSON.` };
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    error.retryAfter = response.headers.get("Retry-After");
    throw error;
  }
  return data;
}

/** A file from the API (an export): {blob, name} from Content-Disposition, or throws ApiError. */
export async function apiFile(path, { headers = {} } = {}) {
  let response;
  try {
    response = await fetch(path, { headers });
  } catch (err) {
    throw new ApiError(0, { error: "network", message: `The service could not be reached (${err.message}).` });
  }
  if (!response.ok) {
    let data;
    try {
      data = await response.json();
    } catch {
      data = { error: "bad_response", message: `The service answered HTTP ${response.status} without JSON.` };
    }
    throw new ApiError(response.status, data);
  }
  const match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  return { blob: await response.blob(), name: match ? match[1] : "download" };
}

/** Hand a blob to the browser as a download named `name`. */
export function saveFile(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Small element builder: keeps the rendering code readable without a framework. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    // text goes in as text nodes, never as HTML: API strings are data, not markup
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}
