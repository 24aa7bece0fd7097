// A third, independent consumer of the calendars TAS Coordinator makes: ical.js, the parser
// Thunderbird uses. Reads a JSON array of {name, ics} on stdin (in the order they were made),
// parses each with ical.js and checks the iTIP rules (RFC 5546) and the time zone; writes a JSON
// array of {name, problems, starts} on stdout, `starts` giving each event's DTSTART in UTC as
// ical.js's timezone service works it out (pytest compares it with icalendar's reading).
// Run by tests/ical/icaljs.py, one process for a whole batch.
import ICAL from "ical.js";

const METHODS = new Set(["REQUEST", "CANCEL", "PUBLISH"]);
// The last Sundays of March and October, 2026 to 2030: the changes happen at 01:00 UTC.
const CHANGES = [
  [2026, 29, 25],
  [2027, 28, 31],
  [2028, 26, 29],
  [2029, 25, 28],
  [2030, 31, 27],
];

function offsetAt(zone, utcMillis) {
  const time = ICAL.Time.fromJSDate(new Date(utcMillis), true);
  return time.convertToZone(zone).utcOffset();
}

function checkZone(vtimezone, problems) {
  const tzid = vtimezone.getFirstPropertyValue("tzid");
  for (const observance of vtimezone.getAllSubcomponents()) {
    if (!observance.hasProperty("rrule")) problems.push(`${tzid}: an observance without RRULE`);
    if (observance.hasProperty("rdate")) problems.push(`${tzid}: an observance with RDATE`);
  }
  if (tzid !== "Europe/London") return;
  const zone = ICAL.TimezoneService.get(tzid);
  const hour = 3600;
  for (const [year, march, october] of CHANGES) {
    const spring = Date.UTC(year, 2, march, 1, 0);
    const autumn = Date.UTC(year, 9, october, 1, 0);
    // Around the autumn change, London shows 01:00-01:59 twice; ical.js (like RFC 5545 3.3.5)
    // reads such a wall-clock time once, so instants whose London time is repeated are not
    // asked about here (TAS Coordinator writes those times in UTC: golden/repeated.ics).
    const expected = [
      [spring - 60000, 0], // 00:59 GMT
      [spring, hour], // 02:00 BST
      [autumn - 3600000 - 60000, hour], // 00:59 BST, the last time before the repeated hour
      [autumn + 3600000, 0], // 02:00 GMT, the first after it
    ];
    for (const [at, offset] of expected) {
      const found = offsetAt(zone, at);
      if (found !== offset) {
        problems.push(`${tzid}: offset ${found} at ${new Date(at).toISOString()}, not ${offset}`);
      }
    }
  }
}

function checkObject(ics, seen) {
  const problems = [];
  const starts = {};
  ICAL.TimezoneService.reset();
  const calendar = new ICAL.Component(ICAL.parse(ics));
  if (calendar.name !== "vcalendar") problems.push(`not a VCALENDAR: ${calendar.name}`);
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(vtimezone);
  }
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
    checkZone(vtimezone, problems);
  }
  const method = calendar.getFirstPropertyValue("method");
  if (!METHODS.has(method)) problems.push(`METHOD is ${method}`);
  // Re-read now the zones are registered, so times resolve through the timezone service.
  const events = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents("vevent");
  if (events.length === 0) problems.push("no VEVENT");
  const uids = new Set();
  for (const event of events) {
    const uid = event.getFirstPropertyValue("uid");
    for (const name of ["uid", "dtstamp", "dtstart"]) {
      if (!event.hasProperty(name)) problems.push(`${uid}: no ${name.toUpperCase()}`);
    }
    uids.add(uid);
    const start = event.getFirstPropertyValue("dtstart");
    const tzid = event.getFirstProperty("dtstart").getParameter("tzid");
    if (tzid && !ICAL.TimezoneService.has(tzid)) problems.push(`${uid}: no VTIMEZONE ${tzid}`);
    starts[uid] = start.isDate
      ? start.toString()
      : new Date(start.toUnixTime() * 1000).toISOString().replace(".000Z", "Z");
    const attendees = event.getAllProperties("attendee");
    const organiser = event.hasProperty("organizer");
    const sequence = event.getFirstPropertyValue("sequence") ?? 0;
    const status = event.getFirstPropertyValue("status");
    if (!organiser) problems.push(`${uid}: no ORGANIZER under METHOD:${method}`);
    if (method === "PUBLISH" && attendees.length) problems.push(`${uid}: ATTENDEE in PUBLISH`);
    if (method === "REQUEST" || method === "CANCEL") {
      if (!attendees.length) problems.push(`${uid}: no ATTENDEE in ${method}`);
      const before = seen.get(uid);
      if (before !== undefined && sequence < before) {
        problems.push(`${uid}: ${method} SEQUENCE ${sequence} below an earlier ${before}`);
      }
      seen.set(uid, Math.max(sequence, before ?? sequence));
    }
    if (method === "CANCEL" && status && status !== "CANCELLED") {
      problems.push(`${uid}: CANCEL with STATUS ${status}`);
    }
  }
  if ((method === "REQUEST" || method === "CANCEL") && uids.size !== 1) {
    problems.push(`${method} with ${uids.size} UIDs (one iTIP object carries one)`);
  }
  return { problems, starts };
}

let input = "";
for await (const chunk of process.stdin) input += chunk;
const seen = new Map(); // UID -> highest SEQUENCE sent so far in this batch
const results = JSON.parse(input).map(({ name, ics }) => {
  try {
    return { name, ...checkObject(ics, seen) };
  } catch (error) {
    return { name, problems: [`ical.js could not read it: ${error.message}`], starts: {} };
  }
});
process.stdout.write(JSON.stringify(results));
