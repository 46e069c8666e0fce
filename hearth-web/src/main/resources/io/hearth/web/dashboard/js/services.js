// The services page: every service's state from os-services, the backup services first, with how long ago each
// last reported (a service is down when it has not reported for service_down_time).

import {h} from './dom.js';
import {time, parseTime} from './format.js';
import {badge} from './volumes.js';

const BACKUP = 'cinder-backup';

export class ServicesPage {
  constructor(api, root) {
    this.api = api;
    this.root = root;
    this.services = [];
  }

  busy() {
    return false;
  }

  async refresh() {
    this.services = (await this.api.get('/os-services')).services ?? [];
    this.render();
  }

  render() {
    const services = [...this.services].sort((a, b) =>
      (a.binary === BACKUP ? 0 : 1) - (b.binary === BACKUP ? 0 : 1) || a.binary.localeCompare(b.binary) || a.host.localeCompare(b.host));
    const backups = services.filter((s) => s.binary === BACKUP);
    const up = backups.filter((s) => s.state === 'up' && s.status === 'enabled').length;
    const health = backups.length === 0 ? 'down' : up === backups.length ? 'up' : up > 0 ? 'degraded' : 'down';
    const summary = h('p', {id: 'backup-health', class: `health health-${health}`, dataset: {health}},
        backups.length === 0 ? 'No backup service has registered: backups cannot run.'
            : `Backup services: ${up} of ${backups.length} up and enabled.`);
    const now = Date.now();
    const rows = services.map((s) => {
      const seen = parseTime(s.updated_at);
      const ago = seen ? `${Math.max(0, Math.round((now - seen.getTime()) / 1000))} s ago` : '—';
      return h('tr', {class: 'service', dataset: {binary: s.binary, host: s.host, state: s.state}},
          h('td', {}, s.binary), h('td', {}, s.host), h('td', {}, s.zone),
          h('td', {}, badge(s.state)), h('td', {}, badge(s.status)),
          h('td', {title: time(s.updated_at)}, ago), h('td', {}, s.disabled_reason ?? ''));
    });
    this.root.replaceChildren(h('h2', {}, 'Services'), summary,
        h('table', {id: 'services'},
            h('thead', {}, h('tr', {}, ['Service', 'Host', 'Zone', 'State', 'Status', 'Last report', 'Disabled because'].map((t) => h('th', {}, t)))),
            h('tbody', {}, rows)));
  }
}
