// The charts page: what the repository holds and how well it deduplicates, backup after backup. Each point is a
// backup that is still there, in creation order: the stored bytes of all backups up to it, and the ratio of the data
// they restore (their logical sizes) to those bytes. Deleted backups drop out, as their history does from the API.

import {h, svg} from './dom.js';
import {bytes, ratio, time, parseTime, GIB} from './format.js';
import {STORED} from './volumes.js';

/** The points of both charts from backup details; backups without stored bytes (older, or not finished) are left out. */
export function series(backups) {
  const counted = backups.filter((b) => b.status !== 'error' && b.status !== 'creating' && typeof b[STORED] === 'number')
      .map((b) => ({backup: b, at: parseTime(b.created_at)}))
      .filter((p) => p.at !== null)
      .sort((a, b) => a.at - b.at);
  let stored = 0;
  let logical = 0;
  return counted.map(({backup, at}) => {
    stored += backup[STORED];
    logical += backup.size * GIB;
    return {at, id: backup.id, name: backup.name, stored, logical, ratio: stored > 0 ? logical / stored : null};
  });
}

const WIDTH = 640;
const HEIGHT = 220;
const PAD = {left: 80, right: 20, top: 16, bottom: 36};

/** A line chart of points [{at: Date, value: number, label}] as inline SVG. */
export function lineChart({id, title, points, format}) {
  const values = points.map((p) => p.value);
  const max = Math.max(...values, 0) || 1;
  const first = points.length ? points[0].at.getTime() : 0;
  const last = points.length ? points[points.length - 1].at.getTime() : 1;
  const span = last - first || 1;
  const x = (p) => points.length === 1 ? PAD.left + (WIDTH - PAD.left - PAD.right) / 2
      : PAD.left + ((p.at.getTime() - first) / span) * (WIDTH - PAD.left - PAD.right);
  const y = (v) => HEIGHT - PAD.bottom - (v / max) * (HEIGHT - PAD.top - PAD.bottom);
  const ticks = [0, max / 2, max].map((v) => [
    svg('line', {class: 'grid', x1: PAD.left, x2: WIDTH - PAD.right, y1: y(v), y2: y(v)}),
    svg('text', {class: 'tick', x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end'}, format(v)),
  ]);
  const xLabels = points.length ? [
    svg('text', {class: 'tick', x: PAD.left, y: HEIGHT - 10, 'text-anchor': 'start'}, time(points[0].at.toISOString())),
    points.length > 1 ? svg('text', {class: 'tick', x: WIDTH - PAD.right, y: HEIGHT - 10, 'text-anchor': 'end'},
        time(points[points.length - 1].at.toISOString())) : null,
  ] : [svg('text', {class: 'tick', x: WIDTH / 2, y: HEIGHT / 2, 'text-anchor': 'middle'}, 'No backups with stored sizes yet.')];
  const line = points.length > 1
      ? svg('polyline', {class: 'line', points: points.map((p) => `${x(p).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')})
      : null;
  const dots = points.map((p) => svg('circle', {class: 'point', cx: x(p).toFixed(1), cy: y(p.value).toFixed(1), r: 4,
    'data-value': p.value}, svg('title', {}, `${p.label}: ${format(p.value)}`)));
  return h('figure', {class: 'chart', id},
      h('figcaption', {}, title),
      svg('svg', {viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': title},
          ticks, svg('line', {class: 'axis', x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: HEIGHT - PAD.bottom}),
          svg('line', {class: 'axis', x1: PAD.left, x2: WIDTH - PAD.right, y1: HEIGHT - PAD.bottom, y2: HEIGHT - PAD.bottom}),
          xLabels, line, dots));
}

export class ChartsPage {
  constructor(api, root) {
    this.api = api;
    this.root = root;
    this.points = [];
  }

  busy() {
    return false;
  }

  async refresh() {
    this.points = series(await this.api.listAll('/backups/detail', 'backups'));
    this.render();
  }

  render() {
    const points = this.points;
    const label = (p) => `${p.name || p.id.slice(0, 8)} (${time(p.at.toISOString())})`;
    const latest = points.at(-1);
    this.root.replaceChildren(h('h2', {}, 'Storage'),
        h('p', {id: 'storage-summary'}, latest
            ? `${points.length} backup(s) restore ${bytes(latest.logical)} from ${bytes(latest.stored)} stored: deduplication ratio ${ratio(latest.ratio)}.`
            : 'No backups with stored sizes yet.'),
        lineChart({id: 'chart-stored', title: 'Stored bytes (all backups so far)', format: bytes,
          points: points.map((p) => ({at: p.at, value: p.stored, label: label(p)}))}),
        lineChart({id: 'chart-ratio', title: 'Deduplication ratio (logical ÷ stored)', format: ratio,
          points: points.filter((p) => p.ratio !== null).map((p) => ({at: p.at, value: p.ratio, label: label(p)}))}),
        h('table', {id: 'storage-table'},
            h('thead', {}, h('tr', {}, ['Backup', 'Created', 'Stored so far', 'Logical so far', 'Ratio'].map((t) => h('th', {}, t)))),
            h('tbody', {}, points.map((p) => h('tr', {},
                h('td', {}, p.name || p.id), h('td', {}, time(p.at.toISOString())), h('td', {}, bytes(p.stored)),
                h('td', {}, bytes(p.logical)), h('td', {}, ratio(p.ratio)))))));
  }
}
