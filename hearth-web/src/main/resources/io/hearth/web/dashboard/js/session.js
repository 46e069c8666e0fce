// Who is signed in, kept in sessionStorage: the token lives as long as the tab and is sent to no one but the API
// (and, to get it, Keystone).

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

/** Keystone: a project-scoped token for the password, from the Identity v3 endpoint the api is configured with. */
export async function fromKeystone(identityUrl, {username, password, project, domain}) {
  const domainRef = domain.toLowerCase() === 'default' ? {id: 'default'} : {name: domain};
  const body = {
    auth: {
      identity: {methods: ['password'], password: {user: {name: username, domain: domainRef, password}}},
      scope: {project: {name: project, domain: domainRef}},
    },
  };
  let response;
  try {
    response = await fetch(`${identityUrl}/auth/tokens`, {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new Error(`Keystone at ${identityUrl} cannot be reached (${e.message}); it must allow this page's origin in its [cors] allowed_origin.`);
  }
  const json = await response.json().catch(() => null);
  if (!response.ok) {
    throw new Error(json?.error?.message ?? `Keystone refused the sign-in: HTTP ${response.status}`);
  }
  const token = response.headers.get('X-Subject-Token');
  if (!token) {
    throw new Error('Keystone gave no X-Subject-Token header: add it to [cors] expose_headers.');
  }
  return {
    token,
    project: json.token.project.id,
    user: json.token.user.name,
    role: (json.token.roles ?? []).map((r) => r.name).join(','),
    via: 'keystone',
  };
}
