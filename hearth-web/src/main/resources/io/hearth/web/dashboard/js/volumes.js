// The volumes page: each volume with its backups as chains (a full backup, the incrementals made on it), their
// sizes, statuses and live progress, and every action on them.

import {h} from './dom.js';
import {bytes, time, shortId, parseTime} from './format.js';
import {openDialog, field} from './dialog.js';

/** Statuses that end by themselves: while any is shown the page polls fast. */
const BUSY_BACKUP = new Set(['creating', 'restoring', 'deleting']);
const BUSY_VOLUME = new Set(['creating', 'deleting', 'backing-up', 'restoring-backup', 'attaching', 'detaching', 'extending',
  'downloading', 'uploading', 'maintenance']);

export const STORED = 'hearth:stored_bytes';
export const PARENT = 'hearth:parent_id';

export function badge(status) {
  return h('span', {class: `badge status-${status}`, dataset: {status}}, status);
}

/** A backup's or restore's progress: a bar while the server reports bytes, else an indeterminate one. */
export function progressBar(progress) {
  const total = progress?.bytes_total ?? 0;
  const done = Math.min(progress?.bytes_done ?? 0, total);
  const operation = progress?.operation ?? 'working';
  const percent = total > 0 ? Math.floor((done * 100) / total) : null;
  const bar = percent === null
      ? h('progress', {'aria-label': operation})
      : h('progress', {'max': total, 'value': done, 'aria-label': operation});
  const label = percent === null ? `${operation}…` : `${operation} ${percent}% (${bytes(done)} of ${bytes(total)})`;
  return h('div', {class: 'progress', dataset: {operation, percent: percent ?? ''}}, bar, h('span', {class: 'progress-label'}, label));
}

/** Backups as chains: each full backup (or one whose parent is not listed) with the incrementals made on it. */
export function chains(backups) {
  const ordered = [...backups].sort((a, b) => (parseTime(a.created_at) ?? 0) - (parseTime(b.created_at) ?? 0));
  const ids = new Set(ordered.map((b) => b.id));
  const children = new Map();
  const roots = [];
  for (const backup of ordered) {
    const parent = backup[PARENT];
    if (parent && ids.has(parent)) {
      children.set(parent, [...(children.get(parent) ?? []), backup]);
    } else {
      roots.push(backup);
    }
  }
  return {roots, children};
}

export class VolumesPage {
  constructor(api, root, notify) {
    this.api = api;
    this.root = root;
    this.notify = notify;
    this.data = {volumes: [], backups: [], progress: new Map()};
  }

  title() {
    return 'Volumes and backups';
  }

  /** True while something is moving: the caller polls faster. */
  busy() {
    return this.data.volumes.some((v) => BUSY_VOLUME.has(v.status)) || this.data.backups.some((b) => BUSY_BACKUP.has(b.status));
  }

  async refresh() {
    const [volumes, backups] = await Promise.all([
      this.api.listAll('/volumes/detail', 'volumes'),
      this.api.listAll('/backups/detail', 'backups'),
    ]);
    const progress = new Map();
    await Promise.all(backups.filter((b) => b.status === 'creating' || b.status === 'restoring').map(async (b) => {
      try {
        progress.set(b.id, (await this.api.get(`/backups/${b.id}/progress`)).progress);
      } catch {
        // Gone between the list and this call: the next refresh shows what became of it.
      }
    }));
    this.data = {volumes, backups, progress};
    this.render();
  }

  render() {
    const {volumes, backups} = this.data;
    const known = new Set(volumes.map((v) => v.id));
    const others = new Map();
    for (const backup of backups.filter((b) => !known.has(b.volume_id))) {
      others.set(backup.volume_id, [...(others.get(backup.volume_id) ?? []), backup]);
    }
    const toolbar = h('div', {class: 'toolbar'},
        h('button', {type: 'button', id: 'create-volume', onclick: () => this.createVolume()}, 'Create volume'),
        h('button', {type: 'button', id: 'import-record', onclick: () => this.importRecord()}, 'Import backup record'),
        h('span', {class: 'summary'}, `${volumes.length} volume(s), ${backups.length} backup(s)`));
    const sections = volumes.length === 0 && others.size === 0
        ? [h('p', {class: 'empty'}, 'No volumes yet: create one, then back it up.')]
        : [
          ...[...volumes].sort((a, b) => (parseTime(a.created_at) ?? 0) - (parseTime(b.created_at) ?? 0))
              .map((volume) => this.volumeSection(volume, backups.filter((b) => b.volume_id === volume.id))),
          ...[...others].map(([volumeId, list]) => this.otherSection(volumeId, list)),
        ];
    this.root.replaceChildren(h('h2', {}, this.title()), toolbar, h('div', {id: 'volumes'}, sections));
  }

  volumeSection(volume, backups) {
    const idle = !BUSY_VOLUME.has(volume.status);
    const canBackUp = volume.status === 'available' || volume.status === 'in-use';
    return h('section', {class: 'volume', dataset: {id: volume.id, name: volume.name ?? '', status: volume.status}},
        h('div', {class: 'volume-head'},
            h('h3', {}, volume.name || shortId(volume.id)), badge(volume.status),
            h('span', {class: 'size', title: 'size'}, `${volume.size} GiB`),
            h('code', {class: 'id', title: volume.id}, volume.id),
            h('div', {class: 'actions'},
                h('button', {type: 'button', class: 'backup-full', disabled: !canBackUp, onclick: () => this.createBackup(volume, false)}, 'Full backup'),
                h('button', {type: 'button', class: 'backup-incremental', disabled: !canBackUp || backups.length === 0,
                  onclick: () => this.createBackup(volume, true)}, 'Incremental backup'),
                h('button', {type: 'button', class: 'delete-volume danger', disabled: !idle, onclick: () => this.deleteVolume(volume)}, 'Delete'))),
        this.chainList(backups));
  }

  otherSection(volumeId, backups) {
    return h('section', {class: 'volume other', dataset: {id: volumeId}},
        h('div', {class: 'volume-head'}, h('h3', {}, 'Backups of volume ', h('code', {title: volumeId}, shortId(volumeId))),
            h('span', {class: 'note'}, '(the volume is deleted or not in this project)')),
        this.chainList(backups));
  }

  chainList(backups) {
    if (backups.length === 0) {
      return h('p', {class: 'empty'}, 'No backups.');
    }
    const {roots, children} = chains(backups);
    const item = (backup) => {
      const kids = children.get(backup.id) ?? [];
      return h('li', {class: 'backup-node'}, this.backupRow(backup),
          kids.length ? h('ul', {class: 'chain'}, kids.map(item)) : null);
    };
    return h('ul', {class: 'chain root'}, roots.map(item));
  }

  backupRow(backup) {
    const busy = BUSY_BACKUP.has(backup.status);
    const ready = backup.status === 'available';
    const stored = backup[STORED];
    return h('div', {class: 'backup', dataset: {id: backup.id, name: backup.name ?? '', status: backup.status,
      kind: backup.is_incremental ? 'incremental' : 'full'}},
        h('span', {class: 'kind'}, backup.is_incremental ? 'incremental' : 'full'),
        h('strong', {class: 'name'}, backup.name || shortId(backup.id)),
        badge(backup.status),
        h('span', {class: 'logical', title: 'logical size: the volume the backup restores'}, `logical ${backup.size} GiB`),
        h('span', {class: 'stored', title: 'what this backup added to the repository'}, `stored ${bytes(stored)}`),
        h('span', {class: 'time', title: 'created at'}, time(backup.created_at)),
        h('div', {class: 'actions'},
            h('button', {type: 'button', class: 'restore', disabled: !ready, onclick: () => this.restore(backup)}, 'Restore'),
            h('button', {type: 'button', class: 'export', disabled: !ready, onclick: () => this.exportRecord(backup)}, 'Export record'),
            h('button', {type: 'button', class: 'delete danger', disabled: busy, onclick: () => this.deleteBackup(backup)}, 'Delete')),
        busy ? progressBar(this.data.progress.get(backup.id) ?? {operation: backup.status}) : null,
        backup.fail_reason ? h('p', {class: 'fail-reason error'}, backup.fail_reason) : null);
  }

  createVolume() {
    openDialog({
      title: 'Create volume', name: 'create-volume', submitLabel: 'Create',
      fields: [
        field('Name', h('input', {name: 'name', autocomplete: 'off'})),
        field('Size (GiB)', h('input', {name: 'size', type: 'number', min: 1, value: 1, required: true})),
      ],
      submit: (form) => this.api.post('/volumes', {volume: {name: form.elements.name.value || null, size: Number(form.elements.size.value)}}),
    });
  }

  createBackup(volume, incremental) {
    openDialog({
      title: `${incremental ? 'Incremental' : 'Full'} backup of ${volume.name || volume.id}`, name: 'create-backup', submitLabel: 'Back up',
      fields: [
        field('Name', h('input', {name: 'name', autocomplete: 'off'})),
        field('Description', h('input', {name: 'description', autocomplete: 'off'})),
        volume.status === 'in-use' ? field('Force (back up the volume while it is attached)', h('input', {name: 'force', type: 'checkbox'})) : null,
      ],
      submit: (form) => this.api.post('/backups', {backup: {
        volume_id: volume.id, name: form.elements.name.value || null, description: form.elements.description.value || null, incremental,
        force: form.elements.force?.checked ?? false,
      }}),
    });
  }

  restore(backup) {
    const targets = this.data.volumes.filter((v) => v.status === 'available' && v.size >= backup.size);
    const existing = h('select', {name: 'volume', disabled: true},
        targets.map((v) => h('option', {value: v.id}, `${v.name || shortId(v.id)} (${v.size} GiB)`)));
    const name = h('input', {name: 'volumeName', autocomplete: 'off', placeholder: 'a new volume'});
    const choose = (toNew) => {
      name.disabled = !toNew;
      existing.disabled = toNew;
    };
    openDialog({
      title: `Restore ${backup.name || backup.id}`, name: 'restore', submitLabel: 'Restore',
      fields: [
        h('label', {class: 'choice'}, h('input', {type: 'radio', name: 'target', value: 'new', checked: true, onchange: () => choose(true)}),
            ' to a new volume'),
        field('New volume name', name),
        h('label', {class: 'choice'}, h('input', {type: 'radio', name: 'target', value: 'existing', disabled: targets.length === 0,
          onchange: () => choose(false)}), ' over an existing volume (its data is replaced)'),
        field('Existing volume', existing),
      ],
      submit: (form) => this.api.post(`/backups/${backup.id}/restore`, {restore:
        form.elements.target.value === 'existing' ? {volume_id: existing.value} : {name: name.value || null}}),
    });
  }

  async exportRecord(backup) {
    let record;
    try {
      record = await this.api.get(`/backups/${backup.id}/export_record`);
    } catch (e) {
      this.notify(e.message, 'error');
      return;
    }
    const text = h('textarea', {name: 'record', readonly: true, rows: 12, class: 'record'});
    text.value = JSON.stringify(record, null, 2);
    const copied = h('span', {class: 'copied', role: 'status'});
    const copy = async () => {
      text.select();
      try {
        await navigator.clipboard.writeText(text.value);
        copied.textContent = 'Copied.';
      } catch {
        copied.textContent = 'Selected: press Ctrl+C to copy.';
      }
    };
    openDialog({
      title: `Backup record of ${backup.name || backup.id}`, name: 'export',
      fields: [h('p', {}, 'Keep this record: importing it makes the backup known again, even to a new database.'), text,
        h('div', {}, h('button', {type: 'button', class: 'copy', onclick: copy}, 'Copy'), ' ', copied)],
    });
  }

  importRecord() {
    openDialog({
      title: 'Import backup record', name: 'import', submitLabel: 'Import',
      fields: [
        h('p', {}, 'Paste a record exported from this backup service: {"backup-record": {"backup_service": …, "backup_url": …}}.'),
        h('textarea', {name: 'record', rows: 12, class: 'record', required: true, spellcheck: 'false'}),
      ],
      submit: (form) => {
        let pasted;
        try {
          pasted = JSON.parse(form.elements.record.value);
        } catch (e) {
          throw new Error(`The record is not JSON: ${e.message}`);
        }
        // The export's whole answer, or just the object inside it.
        const body = pasted && typeof pasted === 'object' && !('backup-record' in pasted) && 'backup_url' in pasted
            ? {'backup-record': pasted} : pasted;
        return this.api.post('/backups/import_record', body);
      },
    });
  }

  confirm(title, text, action) {
    openDialog({title, name: 'confirm', submitLabel: 'Delete', fields: [h('p', {}, text)], submit: action});
  }

  deleteBackup(backup) {
    this.confirm(`Delete backup ${backup.name || backup.id}?`,
        'Its data leaves the repository at the next garbage collection unless other backups share it.',
        () => this.api.delete(`/backups/${backup.id}`));
  }

  deleteVolume(volume) {
    this.confirm(`Delete volume ${volume.name || volume.id}?`, 'Its backups stay.', () => this.api.delete(`/volumes/${volume.id}`));
  }
}

