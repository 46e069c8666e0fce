import {faultMessage} from './api.js';

// Who is signed in, kept in sessionStorage: the token lives as long as the tab and is sent to no one but the API.

const KEY = 'hearth.session';

export function load() {
  try {
    const session = JSON.parse(sessionStorage.getItem(KEY));
    return session && session.token && session.project ? session : null;
  } catch {
    return null;
  }
}

export function save(session) {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clear() {
  sessionStorage.removeItem(KEY);
}

/** noauth: the token is user:project or user:project:ROLE, and names the project itself. */
export function fromNoauthToken(token) {
  const value = token.trim();
  const [user, project, role] = value.split(':');
  if (!user || !project) {
    throw new Error('A noauth token is user:project or user:project:ROLE, for example admin:admin:admin.');
  }
  return {token: value, project, user, role: role ?? 'admin', via: 'noauth'};
}

/**
 * Keystone: a project-scoped token for the password. The api relays the request to the Keystone it validates tokens
 * with (POST /dashboard/auth/tokens), so Keystone needs no CORS set-up for this page.
 */
export async function fromKeystone({username, password, project, domain}) {
  const domainRef = domain.toLowerCase() === 'default' ? {id: 'default'} : {name: domain};
  const body = {
    auth: {
      identity: {methods: ['password'], password: {user: {name: username, domain: domainRef, password}}},
      scope: {project: {name: project, domain: domainRef}},
    },
  };
  let response;
  try {
    response = await fetch('/dashboard/auth/tokens', {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new Error(`The Hearth API cannot be reached (${e.message}). Check that the server runs, then retry.`);
  }
  const json = await response.json().catch(() => null);
  if (!response.ok) {
    // Keystone's own refusal ({"error": {...}}), or the api's fault when Keystone is away.
    throw new Error(json?.error?.message ?? faultMessage(json) ?? `Keystone refused the sign-in: HTTP ${response.status}`);
  }
  const token = response.headers.get('X-Subject-Token');
  if (!token) {
    throw new Error('Keystone answered without a token (no X-Subject-Token header).');
  }
  return {
    token,
    project: json.token.project.id,
    projectName: json.token.project.name,
    user: json.token.user.name,
    role: (json.token.roles ?? []).map((r) => r.name).join(','),
    via: 'keystone',
  };
}
