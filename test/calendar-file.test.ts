import { describe, expect, it } from "vitest";
import { calendarFile, eventUid } from "../src/integrations/ical/calendar-file.js";

describe("the iCalendar generator", () => {
  const base = {
    uid: eventUid("BKNG-ABCD1234", "https://book.example.com/x"),
    sequence: 2,
    start: new Date("2027-03-28T08:00:00Z"),
    end: new Date("2027-03-28T08:30:00Z"),
    summary: "Intro call, with Ana; Co., Ltd.",
    description: "Booking ID: BKNG-ABCD1234\nAnswers: yes",
    location: "Room 4",
    url: "https://book.example.com/manage/x",
    status: "confirmed" as const,
    organizer: { name: "Host", email: "host@example.com" },
    attendees: [{ name: "Ana", email: "ana@example.com" }],
    stamp: new Date("2027-03-01T00:00:00Z"),
  };

  it("writes one VEVENT per booking with a stable UID, UTC times, sequence and status", () => {
    const ics = calendarFile([base], { method: "request" });
    const unfolded = ics.replace(/\r\n[ \t]/g, "");
    expect(unfolded).toContain("BEGIN:VCALENDAR");
    expect(unfolded).toContain("METHOD:REQUEST");
    expect(unfolded).toContain("UID:BKNG-ABCD1234@book.example.com");
    expect(unfolded).toContain("SEQUENCE:2");
    expect(unfolded).toContain("DTSTART:20270328T080000Z");
    expect(unfolded).toContain("DTEND:20270328T083000Z");
    expect(unfolded).toContain("STATUS:CONFIRMED");
    expect(unfolded).toContain("SUMMARY:Intro call\\, with Ana\\; Co.\\, Ltd.");
    expect(unfolded).toContain("DESCRIPTION:Booking ID: BKNG-ABCD1234\\nAnswers: yes");
    expect(unfolded).toMatch(/ATTENDEE;[^\r\n]*:mailto:ana@example.com/i);
    expect(ics.split("\r\n").every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
  });

  it("marks a canceled booking CANCELLED under the same UID", () => {
    const ics = calendarFile([{ ...base, sequence: 3, status: "cancelled" }], { method: "cancel" });
    expect(ics).toContain("METHOD:CANCEL");
    expect(ics).toContain("STATUS:CANCELLED");
    expect(ics).toContain("UID:BKNG-ABCD1234@book.example.com");
  });
});
