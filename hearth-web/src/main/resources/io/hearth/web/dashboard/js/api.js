// The public Cinder v3 API, with the signed-in user's token: the dashboard can do nothing the user could not do
// with the openstack client.

/** A refusal or failure of the API, with the message the API gave. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export class Api {
  /** session: {token, project}; version: the microversion asked for (from /dashboard/config.json). */
  constructor(session, version) {
    this.session = session;
    this.version = version;
  }

  get(path) {
    return this.request('GET', path);
  }

  post(path, body) {
    return this.request('POST', path, body);
  }

  delete(path) {
    return this.request('DELETE', path);
  }

  async request(method, path, body) {
    const url = path.startsWith('http') ? path : `/v3/${encodeURIComponent(this.session.project)}${path}`;
    const headers = {
      'X-Auth-Token': this.session.token,
      'OpenStack-API-Version': `volume ${this.version}`,
      'Accept': 'application/json',
    };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    let response;
    try {
      response = await fetch(url, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
    } catch (e) {
      throw new ApiError(0, `The Hearth API cannot be reached (${e.message}). Check that the server runs, then retry.`);
    }
    const text = await response.text();
    let json = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    }
    if (!response.ok) {
      throw new ApiError(response.status, faultMessage(json) ?? `${method} ${path} failed: HTTP ${response.status}`);
    }
    return json;
  }

  /** Every item of a paged list (cinder's *_links "next"). */
  async listAll(path, key) {
    const items = [];
    let next = path;
    while (next) {
      const page = await this.get(next);
      items.push(...(page[key] ?? []));
      next = (page[`${key}_links`] ?? []).find((link) => link.rel === 'next')?.href ?? null;
      if (next) {
        // The server's link names its own host; the page stays on the origin it was loaded from.
        const link = new URL(next, location.origin);
        next = `${location.origin}${link.pathname}${link.search}`;
      }
    }
    return items;
  }
}

/** Cinder's faults are {"badRequest": {"message": "...", "code": 400}}. */
export function faultMessage(json) {
  if (!json || typeof json !== 'object') {
    return null;
  }
  for (const value of Object.values(json)) {
    if (value && typeof value === 'object' && typeof value.message === 'string') {
      return value.message;
    }
  }
  return null;
}
