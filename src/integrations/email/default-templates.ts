import type { Audience, TemplateKind } from "../../domain/notifications.js";

/**
 * The default templates, written in the same `{{field}}` language as custom ones (so the preview
 * and the sender treat both alike). Every default names the Booking ID or Package ID (the seed:
 * "in all email notifications that use Default templates"); the HTML part is made from the text.
 */
export interface TemplateText {
  subject: string;
  text: string;
  html?: string | null;
}

const WHEN = "When: {{time.start}} – {{time.end}} ({{time.zone}})";
const WHERE = "Where: {{location}}\nVideo link: {{videoLink}}";
const IDS = "Booking ID: {{booking.id}}";
const SIGN = "\n\n{{account.name}}";

const CUSTOMER: Record<TemplateKind, TemplateText> = {
  "booking-confirmed": {
    subject: "Confirmed: {{page.name}} on {{time.start}}",
    text: `Hello {{customer.name}},\n\nYour booking with {{host.name}} is confirmed.\n\n${WHEN}\n${WHERE}\n${IDS}\n\nTo reschedule or cancel: {{link.manage}}${SIGN}`,
  },
  "request-received": {
    subject: "Request received: {{page.name}}",
    text: `Hello {{customer.name}},\n\nWe received your booking request. {{host.name}} will confirm one of the times you proposed:\n{{time.sessions}}\n\n${IDS}\n\nTo change or withdraw your request: {{link.manage}}${SIGN}`,
  },
  "request-approved": {
    subject: "Approved: {{page.name}} on {{time.start}}",
    text: `Hello {{customer.name}},\n\nYour booking request was approved.\n\n${WHEN}\n${WHERE}\n${IDS}\n\nTo reschedule or cancel: {{link.manage}}${SIGN}`,
  },
  "new-times-requested": {
    subject: "Please propose new times: {{page.name}}",
    text: `Hello {{customer.name}},\n\n{{host.name}} could not take the times you proposed and asks you for new ones.\n\nReason: {{reason}}\n\nPropose new times: {{link.manage}}\n\n${IDS}${SIGN}`,
  },
  "reschedule-requested": {
    subject: "Please pick a new time: {{page.name}}",
    text: `Hello {{customer.name}},\n\nYour booking on {{time.start}} was canceled and {{host.name}} asks you to pick a new time.\n\nReason: {{reason}}\n\nPick a new time: {{link.manage}}\n\n${IDS}${SIGN}`,
  },
  rescheduled: {
    subject: "Rescheduled: {{page.name}} on {{time.start}}",
    text: `Hello {{customer.name}},\n\nYour booking was rescheduled.\n\n${WHEN}\nBefore: {{time.previousStart}}\n${WHERE}\n${IDS}\n\nTo reschedule or cancel: {{link.manage}}${SIGN}`,
  },
  canceled: {
    subject: "Canceled: {{page.name}} on {{time.start}}",
    text: `Hello {{customer.name}},\n\nYour booking on {{time.start}} ({{time.zone}}) was canceled.\n\nReason: {{reason}}\n\n${IDS}${SIGN}`,
  },
  reassigned: {
    subject: "New host for your booking on {{time.start}}",
    text: `Hello {{customer.name}},\n\nYour booking is now with {{host.name}} (before: {{previousHost.name}}). The time stays the same.\n\n${WHEN}\n${WHERE}\n${IDS}\n\nTo reschedule or cancel: {{link.manage}}${SIGN}`,
  },
  "payment-receipt": {
    subject: "Receipt {{transaction.id}}: {{transaction.amount}}",
    text: `Hello {{customer.name}},\n\nThank you for your payment of {{transaction.amount}} for {{page.name}}.\n\nTransaction ID: {{transaction.id}}\nFor: {{booking.id}}\n\nInvoice: {{link.invoice}}${SIGN}`,
  },
  "refund-notice": {
    subject: "Refund {{transaction.id}}: {{transaction.amount}}",
    text: `Hello {{customer.name}},\n\nWe refunded {{transaction.amount}} for {{page.name}}.\n\nTransaction ID: {{transaction.id}}\nFor: {{booking.id}}\n\nInvoice: {{link.invoice}}${SIGN}`,
  },
  reminder: {
    subject: "Reminder: {{page.name}} on {{time.start}}",
    text: `Hello {{customer.name}},\n\nA reminder of your booking with {{host.name}}.\n\n${WHEN}\n${WHERE}\n${IDS}\n\nTo reschedule or cancel: {{link.manage}}${SIGN}`,
  },
  "follow-up": {
    subject: "Thank you for meeting with {{host.name}}",
    text: `Hello {{customer.name}},\n\nThank you for your time on {{time.start}}. To book again, reply to this e-mail.\n\n${IDS}${SIGN}`,
  },
};

const HOST: Record<TemplateKind, TemplateText> = {
  "booking-confirmed": {
    subject: "New booking: {{customer.name}} on {{time.start}}",
    text: `{{customer.name}} ({{customer.email}}) booked {{page.name}}.\n\n${WHEN}\n${WHERE}\n${IDS}\n\nIn the Activity stream: {{link.activity}}`,
  },
  "request-received": {
    subject: "Booking request: {{customer.name}}",
    text: `{{customer.name}} ({{customer.email}}) asks for {{page.name}} at one of these times:\n{{time.sessions}}\n\n${IDS}\n\nApprove or request new times: {{link.activity}}`,
  },
  "request-approved": {
    subject: "Approved: {{customer.name}} on {{time.start}}",
    text: `The request of {{customer.name}} was approved.\n\n${WHEN}\n${WHERE}\n${IDS}\n\n{{link.activity}}`,
  },
  "new-times-requested": {
    subject: "New times requested from {{customer.name}}",
    text: `{{customer.name}} was asked to propose new times.\n\nReason: {{reason}}\n\n${IDS}\n\n{{link.activity}}`,
  },
  "reschedule-requested": {
    subject: "Reschedule requested from {{customer.name}}",
    text: `{{customer.name}} was asked to pick a new time for the booking on {{time.start}}.\n\nReason: {{reason}}\n\n${IDS}\n\n{{link.activity}}`,
  },
  rescheduled: {
    subject: "Rescheduled: {{customer.name}} on {{time.start}}",
    text: `The booking with {{customer.name}} was rescheduled.\n\n${WHEN}\nBefore: {{time.previousStart}}\n${IDS}\n\n{{link.activity}}`,
  },
  canceled: {
    subject: "Canceled: {{customer.name}} on {{time.start}}",
    text: `The booking with {{customer.name}} on {{time.start}} ({{time.zone}}) was canceled.\n\nReason: {{reason}}\n\n${IDS}\n\n{{link.activity}}`,
  },
  reassigned: {
    subject: "Reassigned: {{customer.name}} on {{time.start}}",
    text: `The booking with {{customer.name}} was reassigned from {{previousHost.name}} to {{host.name}}.\n\n${WHEN}\n${WHERE}\n${IDS}\n\n{{link.activity}}`,
  },
  "payment-receipt": {
    subject: "Payment {{transaction.id}} from {{customer.name}}",
    text: `{{customer.name}} paid {{transaction.amount}}.\n\nTransaction ID: {{transaction.id}}\nFor: {{booking.id}}\n\n{{link.activity}}`,
  },
  "refund-notice": {
    subject: "Refund {{transaction.id}} to {{customer.name}}",
    text: `{{customer.name}} was refunded {{transaction.amount}}.\n\nTransaction ID: {{transaction.id}}\nFor: {{booking.id}}\n\n{{link.activity}}`,
  },
  reminder: {
    subject: "Reminder: {{customer.name}} on {{time.start}}",
    text: `Your booking with {{customer.name}} ({{customer.email}}).\n\n${WHEN}\n${WHERE}\n${IDS}\n\n{{link.activity}}`,
  },
  "follow-up": {
    subject: "Follow-up sent to {{customer.name}}",
    text: `${IDS}\n\n{{link.activity}}`,
  },
};

export const DEFAULT_TEMPLATES: Record<Audience, Record<TemplateKind, TemplateText>> = { customer: CUSTOMER, host: HOST };
