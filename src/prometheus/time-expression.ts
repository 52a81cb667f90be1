// The times chaostoolkit-prometheus hands to dateparser (`when`, `start`, `end`, `window`), in the
// forms experiments write: RFC 3339 / ISO 8601 timestamps, unix seconds, "now", and relative phrases
// ("5 minutes ago", "in 1 hour", "1h30m"). Anything else is refused, as upstream refuses what
// dateparser cannot read. Pure: the caller passes the current time.

/** A span as dateparser's relative phrases add it up: calendar months (and years) plus milliseconds. */
interface Span {
  months: number;
  ms: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const FIXED_UNITS: Record<string, number> = {
  ms: 1,
  s: SECOND,
  sec: SECOND,
  secs: SECOND,
  second: SECOND,
  seconds: SECOND,
  m: MINUTE,
  min: MINUTE,
  mins: MINUTE,
  minute: MINUTE,
  minutes: MINUTE,
  h: HOUR,
  hr: HOUR,
  hrs: HOUR,
  hour: HOUR,
  hours: HOUR,
  d: DAY,
  day: DAY,
  days: DAY,
  w: 7 * DAY,
  wk: 7 * DAY,
  wks: 7 * DAY,
  week: 7 * DAY,
  weeks: 7 * DAY,
};

const CALENDAR_UNITS: Record<string, number> = {
  mo: 1,
  month: 1,
  months: 1,
  y: 12,
  yr: 12,
  yrs: 12,
  year: 12,
  years: 12,
};

// One amount and its unit: "5 minutes", "an hour", "30s", "1.5h".
const TERM = /\s*(\d+(?:\.\d+)?|an?(?=\s))\s*([a-z]+)\s*/y;

/** "5 minutes", "1h30m", "an hour": the span, or undefined when the text is not only such terms. */
function parseSpan(text: string): Span | undefined {
  const span: Span = { months: 0, ms: 0 };
  TERM.lastIndex = 0;
  let terms = 0;
  while (TERM.lastIndex < text.length) {
    const match = TERM.exec(text);
    if (!match) return undefined;
    const [, amountText = "", unit = ""] = match;
    const amount = amountText === "a" || amountText === "an" ? 1 : Number(amountText);
    const fixed = FIXED_UNITS[unit];
    const calendar = CALENDAR_UNITS[unit];
    if (fixed !== undefined) span.ms += amount * fixed;
    else if (calendar !== undefined && Number.isInteger(amount)) span.months += amount * calendar;
    else return undefined;
    terms++;
  }
  return terms > 0 ? span : undefined;
}

/** Milliseconds of a duration such as "30s", "1m30s" or "2 hours"; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const span = parseSpan(text.trim().toLowerCase());
  return span && span.months === 0 ? span.ms : undefined;
}

// Calendar months as dateutil's relativedelta adds them: the day is kept, or clamped to the month's
// last day (March 31 minus one month is February 28 or 29).
function addMonths(time: number, months: number): number {
  if (months === 0) return time;
  const date = new Date(time);
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  target.setUTCHours(
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  );
  return target.getTime();
}

function relative(text: string, now: number): number | undefined {
  if (text === "now" || text === "today") return now;
  if (text === "yesterday") return now - DAY;
  const future = /^in\s+(.+)$/.exec(text);
  const past = /^(.+?)\s*ago$/.exec(text);
  // dateparser reads a bare span ("5 minutes") as that long ago.
  const span = parseSpan(future?.[1] ?? past?.[1] ?? text);
  if (!span) return undefined;
  const sign = future ? 1 : -1;
  return addMonths(now, sign * span.months) + sign * span.ms;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(z|[+-]\d{2}(?::?\d{2})?)?)?$/;

// A timestamp without a zone is read as UTC (dateparser reads it in the machine's zone, UTC on
// hosted runners).
function absolute(text: string): number | undefined {
  const match = ISO.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", zone = "z"] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as number[];
  const ms = Math.round(Number(`0.${fraction || "0"}`) * 1000);
  const time = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!, ms);
  const check = new Date(time);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month! - 1 ||
    check.getUTCDate() !== day ||
    hour! > 23 ||
    minute! > 59 ||
    second! > 59
  ) {
    return undefined;
  }
  if (zone === "z") return time;
  const [, sign = "+", zh = "0", zm = "0"] = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone) ?? [];
  const offset = (Number(zh) * 60 + Number(zm || 0)) * MINUTE;
  return sign === "+" ? time - offset : time + offset;
}

/**
 * The instant a time expression names, in milliseconds since the epoch; undefined when it is none
 * of the supported forms. A number, or a string of ten digits (with an optional fraction), is unix
 * seconds.
 */
export function parseTimeExpression(value: unknown, now: number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value * SECOND : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.trim().toLowerCase();
  if (/^\d{10}(?:\.\d+)?$/.test(text)) return Number(text) * SECOND;
  return absolute(text) ?? relative(text, now);
}
