/*
 * HTTP-date (RFC 9110 section 5.6.7). Recipients must accept all three forms; Date.parse is
 * not used because it also accepts strings like "7.5" and reads asctime as local time.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

const IMF_FIXDATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC850_DATE = new RegExp(`^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME_DATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`);

interface DateParts {
  year: number;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

/** rfc850 years have two digits: take the nearest such year, never more than 50 years ahead. */
function expandTwoDigitYear(twoDigits: number, nowMs: number): number {
  const nowYear = new Date(nowMs).getUTCFullYear();
  let year = nowYear - (nowYear % 100) + twoDigits;
  if (year > nowYear + 50) year -= 100;
  else if (year + 100 <= nowYear + 50) year += 100;
  return year;
}

function matchParts(value: string, nowMs: number): DateParts | null {
  let m = IMF_FIXDATE.exec(value);
  if (m) return { day: m[1]!, month: m[2]!, year: Number(m[3]), hour: m[4]!, minute: m[5]!, second: m[6]! };
  m = RFC850_DATE.exec(value);
  if (m) {
    const year = expandTwoDigitYear(Number(m[3]), nowMs);
    return { day: m[1]!, month: m[2]!, year, hour: m[4]!, minute: m[5]!, second: m[6]! };
  }
  m = ASCTIME_DATE.exec(value);
  if (m) return { month: m[1]!, day: m[2]!, hour: m[3]!, minute: m[4]!, second: m[5]!, year: Number(m[6]) };
  return null;
}

/** Milliseconds since the epoch, or null when `value` is not an HTTP-date. */
export function parseHttpDate(value: string, nowMs: number): number | null {
  const parts = matchParts(value, nowMs);
  if (parts === null) return null;
  const month = MONTHS.indexOf(parts.month);
  const day = Number(parts.day);
  const [hour, minute, second] = [Number(parts.hour), Number(parts.minute), Number(parts.second)];
  if (hour > 23 || minute > 59 || second > 60) return null;
  const midnight = Date.UTC(parts.year, month, day);
  // Date.UTC rolls 31 Feb over into March; a day that does not exist is not a date.
  if (new Date(midnight).getUTCDate() !== day) return null;
  return midnight + ((hour * 60 + minute) * 60 + second) * 1000;
}
