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
export async function api(path, { method = "GET", body, signal } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      signal,
      headers: body === undefined ? { Accept: "application/json" }
        : { Accept: "application/json", "Content-Type": "application/json" },
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
