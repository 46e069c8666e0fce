// The dashboard's start: how to sign in (from /dashboard/config.json), the session, the pages by #hash, and polling
// (fast while something is moving, slow otherwise, never two refreshes at once).

import {Api} from './api.js';
import * as session from './session.js';
import {VolumesPage} from './volumes.js';
import {ServicesPage} from './services.js';
import {ChartsPage} from './charts.js';

const FAST_MS = 1000;
const SLOW_MS = 10000;
const PAGES = {volumes: VolumesPage, services: ServicesPage, charts: ChartsPage};

const main = document.getElementById('main');
const message = document.getElementById('message');
let config = null;
let api = null;
let page = null;
let timer = null;
let generation = 0;

/** The banner; from: 'poll' for a failed refresh, which the next successful one clears. */
function notify(text, kind = 'info', from = '') {
  message.textContent = text;
  message.className = kind;
  message.dataset.from = from;
  message.hidden = !text;
}

function showSignIn() {
  clearTimeout(timer);
  page = null;
  main.replaceChildren();
  document.getElementById('nav').hidden = true;
  document.getElementById('who').hidden = true;
  document.getElementById('sign-in').hidden = false;
  document.getElementById('noauth-form').hidden = config.auth_strategy !== 'noauth';
  document.getElementById('keystone-form').hidden = config.auth_strategy !== 'keystone';
  document.getElementById('keystone-url').textContent = config.keystone_url ?? '';
}

function signedIn(current) {
  api = new Api(current, config.api_version);
  document.getElementById('sign-in').hidden = true;
  document.getElementById('nav').hidden = false;
  document.getElementById('who').hidden = false;
  document.getElementById('who-name').textContent = `${current.user} in project ${current.projectName ?? current.project}${current.role ? ` (${current.role})` : ''}`;
  route();
}

async function signIn(obtain) {
  const error = document.getElementById('sign-in-error');
  error.hidden = true;
  try {
    const candidate = await obtain();
    // A token the API refuses is not kept.
    await new Api(candidate, config.api_version).get('/volumes?limit=1');
    session.save(candidate);
    notify('');
    signedIn(candidate);
  } catch (e) {
    error.textContent = e.message;
    error.hidden = false;
  }
}

function route() {
  const name = location.hash.replace(/^#/, '') || 'volumes';
  const Page = PAGES[name] ?? VolumesPage;
  for (const link of document.querySelectorAll('#nav a')) {
    link.classList.toggle('current', link.dataset.page === name);
  }
  page = new Page(api, main, notify);
  main.dataset.page = name;
  main.replaceChildren();
  notify('');
  poll(++generation);
}

/** Refreshes the current page, then schedules the next refresh; a page change or sign-out ends the loop. */
async function poll(mine) {
  clearTimeout(timer);
  const current = page;
  try {
    await current.refresh();
    if (message.dataset.from === 'poll') {
      notify('');
    }
  } catch (e) {
    if (e.status === 401) {
      session.clear();
      showSignIn();
      document.getElementById('sign-in-error').textContent = 'Your token is no longer accepted: sign in again.';
      document.getElementById('sign-in-error').hidden = false;
      return;
    }
    notify(e.message, 'error', 'poll');
  }
  if (mine === generation && page === current) {
    timer = setTimeout(() => poll(mine), current.busy() ? FAST_MS : SLOW_MS);
  }
}

async function start() {
  try {
    const response = await fetch('/dashboard/config.json');
    config = await response.json();
  } catch (e) {
    notify(`The dashboard's configuration cannot be read (${e.message}): is the Hearth API running?`, 'error');
    return;
  }
  document.getElementById('noauth-form').addEventListener('submit', (event) => {
    event.preventDefault();
    signIn(async () => session.fromNoauthToken(event.target.elements.token.value));
  });
  document.getElementById('keystone-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target.elements;
    signIn(() => session.fromKeystone({username: form.username.value, password: form.password.value,
      project: form.project.value, domain: form.domain.value}));
  });
  document.getElementById('sign-out').addEventListener('click', () => {
    session.clear();
    showSignIn();
  });
  window.addEventListener('hashchange', () => api && route());
  // Refresh at once after an action in a dialog, not at the next tick.
  document.getElementById('dialog').addEventListener('close', () => page && poll(++generation));
  const current = session.load();
  if (current) {
    signedIn(current);
  } else {
    showSignIn();
  }
}

start();
