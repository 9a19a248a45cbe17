// Reads an iCalendar file with ical.js (Thunderbird's parser) and prints, as JSON, every VEVENT
// occurrence it gives: the reference that the interoperability tests hold Dostlik and the Python
// parsers to.
//
//   node instants.mjs FILE [--from YYYY-MM-DD] [--until YYYY-MM-DD] [--limit N]
//
// Each occurrence is {"uid", "recurrence_id", "start", "end", "summary", "status", "all_day",
// "floating"} (plus "tzid" when a TZID named no zone ical.js could resolve). Times are UTC
// instants "YYYY-MM-DDTHH:MM:SSZ"; all-day (VALUE=DATE) ones are dates "YYYY-MM-DD"; floating
// ones are the local time without "Z" and "floating": true. recurrence_id is null for an event
// that is not part of a series, else the instant (or date) that the occurrence replaces.
//
// The window keeps the occurrences whose start lies in [from, until), compared as the strings
// above, so a date, a floating time and an instant on the day of `from` are all in. A series
// gives at most `limit` occurrences: the first ones in the window, in the order of the instants
// they replace. Overrides (RECURRENCE-ID) are applied; an override whose instant the series does
// not give, or whose series is not in the file, is an occurrence of its own.
import fs from "node:fs";
import ICAL from "ical.js";

function usage(message) {
  process.stderr.write(
    `${message}\nusage: node instants.mjs FILE [--from YYYY-MM-DD] [--until YYYY-MM-DD] [--limit N]\n`,
  );
  process.exit(2);
}

function parseArguments(argv) {
  const options = { from: "1900-01-01", until: "2200-01-01", limit: 1000, path: null };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === "--from" || argument === "--until" || argument === "--limit") {
      const value = argv[++i];
      if (value === undefined) usage(`${argument} needs a value`);
      options[argument.slice(2)] = value;
    } else if (options.path === null) {
      options.path = argument;
    } else {
      usage(`unexpected argument ${argument}`);
    }
  }
  if (options.path === null) usage("no file given");
  for (const name of ["from", "until"]) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(options[name])) usage(`--${name} must be YYYY-MM-DD`);
  }
  options.limit = Number(options.limit);
  if (!Number.isInteger(options.limit) || options.limit < 1) usage("--limit must be a positive integer");
  return options;
}

const pad = (number, width = 2) => String(number).padStart(width, "0");

function isFloating(time) {
  return time.zone === ICAL.Timezone.localTimezone || time.zone?.tzid === "floating";
}

// The normalised text of a time: a date, a UTC instant, or a floating local time.
function normalise(time) {
  if (time.isDate) return `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}`;
  const floating = isFloating(time);
  const t = floating ? time : time.convertToZone(ICAL.Timezone.utcTimezone);
  const text =
    `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}` +
    `T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`;
  return floating ? text : `${text}Z`;
}

// A TZID that ical.js could not resolve leaves the time floating; say which one it was.
function unresolvedTzid(component, name) {
  const property = component.getFirstProperty(name);
  const tzid = property?.getParameter("tzid");
  if (!tzid) return null;
  const time = property.getFirstValue();
  return time && isFloating(time) ? tzid : null;
}

function occurrence(uid, recurrenceId, start, end, item) {
  const result = {
    uid,
    recurrence_id: recurrenceId === null ? null : normalise(recurrenceId),
    start: normalise(start),
    end: normalise(end),
    summary: item.summary ?? null,
    status: item.component.getFirstPropertyValue("status") ?? null,
    all_day: start.isDate,
    floating: !start.isDate && isFloating(start),
  };
  const tzid = unresolvedTzid(item.component, "dtstart");
  if (tzid !== null) result.tzid = tzid;
  return result;
}

function roots(text) {
  const parsed = ICAL.parse(text);
  // A file with several VCALENDARs parses to a list of them.
  const list = Array.isArray(parsed[0]) ? parsed : [parsed];
  return list.map((jcal) => new ICAL.Component(jcal));
}

function main() {
  const options = parseArguments(process.argv.slice(2));
  const text = fs.readFileSync(options.path, "utf8");
  const calendars = roots(text);
  const inWindow = (start) => start >= options.from && start < options.until;

  // TZIDs resolve to the file's own definitions, Windows and made-up names included.
  for (const calendar of calendars) {
    for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
      if (vtimezone.getFirstPropertyValue("tzid")) ICAL.TimezoneService.register(vtimezone);
    }
  }

  const results = [];
  for (const calendar of calendars) {
    const vevents = calendar.getAllSubcomponents("vevent");
    const overrides = new Map(); // uid -> components with a RECURRENCE-ID
    for (const vevent of vevents) {
      if (!vevent.hasProperty("recurrence-id")) continue;
      const uid = vevent.getFirstPropertyValue("uid");
      if (!overrides.has(uid)) overrides.set(uid, []);
      overrides.get(uid).push(vevent);
    }

    const applied = new Set(); // overrides used by their series
    for (const vevent of vevents) {
      if (vevent.hasProperty("recurrence-id")) continue;
      // Only this UID's overrides: left to itself, ical.js relates every RECURRENCE-ID
      // component of the calendar to each event, whatever its UID.
      const own = overrides.get(vevent.getFirstPropertyValue("uid")) ?? [];
      const event = new ICAL.Event(vevent, { exceptions: own });
      if (!event.isRecurring()) {
        const start = normalise(event.startDate);
        if (inWindow(start)) {
          results.push(occurrence(event.uid, null, event.startDate, event.endDate, event));
        }
        continue;
      }
      const expansion = event.iterator();
      let kept = 0;
      let reached = null; // the instant the expansion stopped at, null when it ran out
      for (let next = expansion.next(); next; next = expansion.next()) {
        if (normalise(next) >= options.until || kept >= options.limit) {
          reached = next;
          break;
        }
        const details = event.getOccurrenceDetails(next);
        if (details.item !== event) applied.add(details.item.component);
        if (!inWindow(normalise(details.startDate))) continue;
        results.push(occurrence(event.uid, next, details.startDate, details.endDate, details.item));
        kept++;
      }
      // An override past the limit is left out with the instant it replaces; one past the
      // window's end is kept when it moved into the window.
      for (const vevent of own) {
        const recurrenceId = vevent.getFirstPropertyValue("recurrence-id");
        if (reached !== null && recurrenceId.compare(reached) >= 0 && kept >= options.limit) {
          applied.add(vevent);
        }
      }
    }

    for (const list of overrides.values()) {
      for (const vevent of list) {
        if (applied.has(vevent)) continue;
        const event = new ICAL.Event(vevent);
        if (inWindow(normalise(event.startDate))) {
          results.push(
            occurrence(event.uid, event.recurrenceId, event.startDate, event.endDate, event),
          );
        }
      }
    }
  }
  process.stdout.write(`${JSON.stringify(results, null, 1)}\n`);
}

try {
  main();
} catch (error) {
  // One line that names the problem, not a stack of ical.js's internals.
  process.stderr.write(`${error.name}: ${error.message}\n`);
  process.exit(1);
}
