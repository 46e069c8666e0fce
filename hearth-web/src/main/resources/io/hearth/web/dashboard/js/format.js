// How numbers and times are shown.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
export const GIB = 1024 ** 3;

export function bytes(value) {
  if (value === null || value === undefined) {
    return '—';
  }
  let n = Number(value);
  let unit = 0;
  while (Math.abs(n) >= 1024 && unit < UNITS.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${unit === 0 ? n : n.toFixed(n < 10 ? 2 : 1)} ${UNITS[unit]}`;
}

export function ratio(value) {
  return Number.isFinite(value) ? `${value < 10 ? value.toFixed(2) : value.toFixed(1)}×` : '—';
}

/** Cinder's times are UTC without a zone (2026-11-24T06:50:22.123456). */
export function parseTime(value) {
  if (!value) {
    return null;
  }
  const zoned = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`;
  const time = new Date(zoned);
  return Number.isNaN(time.getTime()) ? null : time;
}

export function time(value) {
  const parsed = parseTime(value);
  return parsed ? parsed.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—';
}

export function shortId(id) {
  return id ? id.slice(0, 8) : '';
}
