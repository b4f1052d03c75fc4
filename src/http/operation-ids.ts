import type { RouteOptions } from "fastify";

/**
 * Every API operation's operationId and tag, in one table: SDK generators (openapi-typescript,
 * openapi-generator) name their methods from operationIds, and the docs group operations by tag.
 * An onRoute hook copies them into each route's schema, so routes need not repeat them.
 * test/openapi.test.ts fails when an operation is missing here, when two share an operationId, or
 * when an entry names no route.
 */
export const TAGS = [
  { name: "Sign-in", description: "Sessions, invitation links and password reset links" },
  { name: "Profile", description: "The signed-in user's own profile, password and API tokens" },
  { name: "Team", description: "Users, roles, invitations, deactivation (admins)" },
  { name: "Account", description: "The business: name, logo and colour of the customer pages, default time zone" },
  { name: "Activity stream", description: "Bookings, packages and payments; lifecycle actions; live updates" },
  { name: "Saved filters", description: "Each user's saved stream filters" },
  { name: "Booking pages", description: "Booking pages: settings, event types, team of hosts, editors and viewers" },
  { name: "Master pages", description: "Public addresses that route customers to booking pages or team members" },
  { name: "Availability", description: "Weekly hours, date overrides and Find a time" },
  { name: "Customers", description: "Customer records, and privacy requests: export a customer's data, forget a customer" },
  { name: "Reports", description: "Summary, detail and revenue reports over the activities the caller may see, and their CSV/XLSX exports" },
  { name: "Trash", description: "Moving activities to the Trash, restoring them, deleting them permanently, and the purge reports (admins)" },
  { name: "Payments", description: "PayPal: the account's connection, prices, checkouts, refunds and PayPal's webhook" },
  { name: "E-mail", description: "Notifications per booking page (on/off, timing, templates, preview) and the Sent mail store" },
  { name: "Salesforce", description: "The Salesforce connector: connection, field check, user matching, page switch, Events" },
  { name: "Webhooks", description: "Outbound webhooks: endpoints, their signing secrets and the catalogue of event types with their payload schemas" },
  { name: "Deliveries", description: "The delivery log of every integration (e-mail, calendars, webhooks, payments): state, retries, replay" },
  { name: "Calendars", description: "Each user's connected CalDAV calendar, busy times and private ICS feed" },
  { name: "Customer pages", description: "The customer's side, without sign-in: booking pages, manage links, master pages" },
  { name: "Testing", description: "The test clock (only with BOOKSTREAM_TEST_CLOCK=1)" },
] as const;

export type Tag = (typeof TAGS)[number]["name"];

/** "METHOD /url" (Fastify's URL, with :params) → operationId and tag. */
export const OPERATIONS: Record<string, { id: string; tag: Tag }> = {
  "POST /api/v1/auth/sign-in": { id: "signIn", tag: "Sign-in" },
  "POST /api/v1/auth/sign-out": { id: "signOut", tag: "Sign-in" },
  "POST /api/v1/public/invitations/look-up": { id: "lookUpInvitation", tag: "Sign-in" },
  "POST /api/v1/public/invitations/accept": { id: "acceptInvitation", tag: "Sign-in" },
  "POST /api/v1/public/password-resets/look-up": { id: "lookUpPasswordReset", tag: "Sign-in" },
  "POST /api/v1/public/password-resets/accept": { id: "resetPassword", tag: "Sign-in" },

  "GET /api/v1/me": { id: "getMe", tag: "Profile" },
  "PATCH /api/v1/me": { id: "updateMe", tag: "Profile" },
  "POST /api/v1/me/password": { id: "changeMyPassword", tag: "Profile" },
  "GET /api/v1/me/tokens": { id: "listMyApiTokens", tag: "Profile" },
  "POST /api/v1/me/tokens": { id: "createMyApiToken", tag: "Profile" },
  "DELETE /api/v1/me/tokens/:id": { id: "revokeMyApiToken", tag: "Profile" },

  "GET /api/v1/users": { id: "listUsers", tag: "Team" },
  "PATCH /api/v1/users/:id": { id: "changeUserRole", tag: "Team" },
  "POST /api/v1/users/:id/deactivate": { id: "deactivateUser", tag: "Team" },
  "POST /api/v1/users/:id/reactivate": { id: "reactivateUser", tag: "Team" },
  "GET /api/v1/users/:id/upcoming-bookings": { id: "listUpcomingBookingsOfUser", tag: "Team" },
  "POST /api/v1/users/:id/password-reset": { id: "createPasswordReset", tag: "Team" },
  "GET /api/v1/invitations": { id: "listInvitations", tag: "Team" },
  "POST /api/v1/invitations": { id: "createInvitation", tag: "Team" },
  "POST /api/v1/invitations/:id/renew": { id: "renewInvitation", tag: "Team" },
  "DELETE /api/v1/invitations/:id": { id: "revokeInvitation", tag: "Team" },

  "GET /api/v1/webhook-event-types": { id: "listWebhookEventTypes", tag: "Webhooks" },
  "GET /api/v1/webhook-endpoints": { id: "listWebhookEndpoints", tag: "Webhooks" },
  "POST /api/v1/webhook-endpoints": { id: "createWebhookEndpoint", tag: "Webhooks" },
  "GET /api/v1/webhook-endpoints/:id": { id: "getWebhookEndpoint", tag: "Webhooks" },
  "PATCH /api/v1/webhook-endpoints/:id": { id: "updateWebhookEndpoint", tag: "Webhooks" },
  "DELETE /api/v1/webhook-endpoints/:id": { id: "deleteWebhookEndpoint", tag: "Webhooks" },
  "POST /api/v1/webhook-endpoints/:id/rotate-secret": { id: "rotateWebhookSecret", tag: "Webhooks" },
  "POST /api/v1/webhook-endpoints/:id/test": { id: "testWebhookEndpoint", tag: "Webhooks" },
  "GET /api/v1/deliveries": { id: "listDeliveries", tag: "Deliveries" },
  "POST /api/v1/deliveries/:consumer/:eventId/replay": { id: "replayDelivery", tag: "Deliveries" },
  "POST /api/v1/deliveries/replay-failed": { id: "replayFailedDeliveries", tag: "Deliveries" },
  "GET /api/v1/activities/:id/deliveries": { id: "listActivityDeliveries", tag: "Deliveries" },

  "GET /api/v1/me/calendar-connection": { id: "getMyCalendarConnection", tag: "Calendars" },
  "PUT /api/v1/me/calendar-connection": { id: "connectMyCalendar", tag: "Calendars" },
  "DELETE /api/v1/me/calendar-connection": { id: "disconnectMyCalendar", tag: "Calendars" },
  "POST /api/v1/me/calendar-connection/refresh": { id: "refreshMyCalendarBusyTimes", tag: "Calendars" },
  "GET /api/v1/users/:id/calendar-connection": { id: "getUserCalendarConnection", tag: "Calendars" },
  "GET /api/v1/me/calendar-feed": { id: "getMyCalendarFeed", tag: "Calendars" },
  "POST /api/v1/me/calendar-feed": { id: "createMyCalendarFeed", tag: "Calendars" },
  "DELETE /api/v1/me/calendar-feed": { id: "revokeMyCalendarFeed", tag: "Calendars" },
  "GET /api/v1/feeds/:token.ics": { id: "getCalendarFeed", tag: "Calendars" },
  "GET /api/v1/public/manage/:token/calendar.ics": { id: "getManagedBookingCalendarFile", tag: "Customer pages" },
  "GET /api/v1/account/paypal": { id: "getPayPalConnection", tag: "Payments" },
  "GET /api/v1/account/salesforce": { id: "getSalesforceConnection", tag: "Salesforce" },
  "PUT /api/v1/account/salesforce": { id: "configureSalesforce", tag: "Salesforce" },
  "DELETE /api/v1/account/salesforce": { id: "disconnectSalesforce", tag: "Salesforce" },
  "POST /api/v1/account/salesforce/field-check": { id: "checkSalesforceFields", tag: "Salesforce" },
  "GET /api/v1/salesforce/connect": { id: "startSalesforceConnect", tag: "Salesforce" },
  "GET /api/v1/salesforce/callback": { id: "completeSalesforceConnect", tag: "Salesforce" },
  "GET /api/v1/account/salesforce/users": { id: "listSalesforceUserMatches", tag: "Salesforce" },
  "PUT /api/v1/account/salesforce/users/:userId": { id: "setSalesforceUserMatch", tag: "Salesforce" },
  "GET /api/v1/booking-pages/:id/salesforce": { id: "getBookingPageSalesforce", tag: "Salesforce" },
  "PUT /api/v1/booking-pages/:id/salesforce": { id: "setBookingPageSalesforce", tag: "Salesforce" },
  "GET /api/v1/activities/:id/salesforce": { id: "getActivitySalesforceEvent", tag: "Salesforce" },
  "GET /api/v1/salesforce/records/:recordId": { id: "getSalesforceRecord", tag: "Salesforce" },
  "PUT /api/v1/account/paypal": { id: "connectPayPal", tag: "Payments" },
  "PATCH /api/v1/account/paypal": { id: "setPayPalWebhookId", tag: "Payments" },
  "POST /api/v1/account/paypal/test": { id: "testPayPalConnection", tag: "Payments" },
  "DELETE /api/v1/account/paypal": { id: "disconnectPayPal", tag: "Payments" },
  "GET /api/v1/booking-pages/:id/payments": { id: "getBookingPagePayments", tag: "Payments" },
  "PUT /api/v1/booking-pages/:id/payments": { id: "setBookingPagePayments", tag: "Payments" },
  "POST /api/v1/public/pages/:slug/checkouts": { id: "startCheckout", tag: "Payments" },
  "POST /api/v1/public/manage/:token/reschedule-checkout": { id: "startRescheduleCheckout", tag: "Payments" },
  "GET /api/v1/public/checkouts/:id": { id: "getCheckout", tag: "Payments" },
  "POST /api/v1/public/checkouts/:id/complete": { id: "completeCheckout", tag: "Payments" },
  "POST /api/v1/public/checkouts/:id/cancel": { id: "cancelCheckout", tag: "Payments" },
  "POST /api/v1/webhooks/paypal/:accountKey": { id: "receivePayPalWebhook", tag: "Payments" },
  "GET /api/v1/activities/:id/invoice": { id: "downloadInvoice", tag: "Payments" },
  "GET /api/v1/public/manage/:token/invoices/:txnId": { id: "downloadCustomerInvoice", tag: "Payments" },
  "GET /api/v1/account": { id: "getAccount", tag: "Account" },
  "PATCH /api/v1/account": { id: "updateAccount", tag: "Account" },
  "PUT /api/v1/account/logo": { id: "setAccountLogo", tag: "Account" },
  "DELETE /api/v1/account/logo": { id: "deleteAccountLogo", tag: "Account" },

  "GET /api/v1/activities": { id: "listActivities", tag: "Activity stream" },
  "GET /api/v1/activities/:id": { id: "getActivity", tag: "Activity stream" },
  "POST /api/v1/activities/:id/actions/:action": { id: "performActivityAction", tag: "Activity stream" },
  "GET /api/v1/activities/:id/free-times": { id: "listHostFreeTimes", tag: "Activity stream" },

  "GET /api/v1/reports/summary": { id: "getSummaryReport", tag: "Reports" },
  "GET /api/v1/reports/detail": { id: "getDetailReport", tag: "Reports" },
  "GET /api/v1/reports/revenue": { id: "getRevenueReport", tag: "Reports" },
  "GET /api/v1/reports/summary/export": { id: "exportSummaryReport", tag: "Reports" },
  "GET /api/v1/reports/detail/export": { id: "exportDetailReport", tag: "Reports" },
  "GET /api/v1/reports/revenue/export": { id: "exportRevenueReport", tag: "Reports" },
  "POST /api/v1/activities/:id/actions/move-to-trash": { id: "moveActivityToTrash", tag: "Trash" },
  "POST /api/v1/activities/:id/actions/restore": { id: "restoreActivity", tag: "Trash" },
  "POST /api/v1/activities/:id/actions/delete-permanently": { id: "deleteActivityPermanently", tag: "Trash" },
  "POST /api/v1/trash": { id: "moveActivitiesToTrash", tag: "Trash" },
  "GET /api/v1/trash": { id: "listTrash", tag: "Trash" },
  "POST /api/v1/trash/empty": { id: "emptyTrash", tag: "Trash" },
  "GET /api/v1/trash/purge-reports": { id: "listPurgeReports", tag: "Trash" },
  "POST /api/v1/bookings": { id: "bookOnBehalf", tag: "Activity stream" },
  "GET /api/v1/search-help": { id: "getSearchHelp", tag: "Activity stream" },
  "GET /api/v1/live": { id: "streamLiveUpdates", tag: "Activity stream" },

  "GET /api/v1/saved-filters": { id: "listSavedFilters", tag: "Saved filters" },
  "POST /api/v1/saved-filters": { id: "createSavedFilter", tag: "Saved filters" },
  "PATCH /api/v1/saved-filters/:id": { id: "updateSavedFilter", tag: "Saved filters" },
  "DELETE /api/v1/saved-filters/:id": { id: "deleteSavedFilter", tag: "Saved filters" },

  "GET /api/v1/booking-pages/:id/notifications": { id: "getBookingPageNotifications", tag: "E-mail" },
  "PATCH /api/v1/booking-pages/:id/notifications": { id: "updateBookingPageNotifications", tag: "E-mail" },
  "PUT /api/v1/booking-pages/:id/notifications/templates/:kind/:audience": { id: "saveEmailTemplate", tag: "E-mail" },
  "DELETE /api/v1/booking-pages/:id/notifications/templates/:kind/:audience": { id: "resetEmailTemplate", tag: "E-mail" },
  "POST /api/v1/booking-pages/:id/notifications/preview": { id: "previewEmailTemplate", tag: "E-mail" },
  "GET /api/v1/sent-mail": { id: "listSentMail", tag: "E-mail" },

  "GET /api/v1/booking-pages": { id: "listBookingPages", tag: "Booking pages" },
  "POST /api/v1/booking-pages": { id: "createBookingPage", tag: "Booking pages" },
  "GET /api/v1/booking-pages/:id": { id: "getBookingPage", tag: "Booking pages" },
  "PATCH /api/v1/booking-pages/:id": { id: "updateBookingPage", tag: "Booking pages" },
  "DELETE /api/v1/booking-pages/:id": { id: "deleteBookingPage", tag: "Booking pages" },
  "POST /api/v1/booking-pages/:id/duplicate": { id: "duplicateBookingPage", tag: "Booking pages" },
  "PUT /api/v1/booking-pages/:id/hosts": { id: "setBookingPageHosts", tag: "Booking pages" },
  "PUT /api/v1/booking-pages/:id/members": { id: "setBookingPageMembers", tag: "Booking pages" },
  "POST /api/v1/booking-pages/:id/event-types": { id: "createEventType", tag: "Booking pages" },
  "PATCH /api/v1/booking-pages/:id/event-types/:eventTypeId": { id: "updateEventType", tag: "Booking pages" },
  "DELETE /api/v1/booking-pages/:id/event-types/:eventTypeId": { id: "deleteEventType", tag: "Booking pages" },

  "GET /api/v1/master-pages": { id: "listMasterPages", tag: "Master pages" },
  "POST /api/v1/master-pages": { id: "createMasterPage", tag: "Master pages" },
  "GET /api/v1/master-pages/:id": { id: "getMasterPage", tag: "Master pages" },
  "PATCH /api/v1/master-pages/:id": { id: "updateMasterPage", tag: "Master pages" },
  "DELETE /api/v1/master-pages/:id": { id: "deleteMasterPage", tag: "Master pages" },

  "GET /api/v1/users/:id/availability": { id: "getAvailability", tag: "Availability" },
  "PUT /api/v1/users/:id/availability": { id: "setAvailability", tag: "Availability" },
  "PUT /api/v1/users/:id/date-overrides/:date": { id: "setDateOverride", tag: "Availability" },
  "DELETE /api/v1/users/:id/date-overrides/:date": { id: "deleteDateOverride", tag: "Availability" },
  "GET /api/v1/find-a-time": { id: "findATime", tag: "Availability" },

  "GET /api/v1/customers": { id: "findCustomers", tag: "Customers" },
  "GET /api/v1/customers/:id": { id: "getCustomer", tag: "Customers" },
  "GET /api/v1/customers/:id/export": { id: "exportCustomerData", tag: "Customers" },
  "POST /api/v1/customers/forget": { id: "forgetCustomer", tag: "Customers" },

  "GET /api/v1/public/pages/:slug": { id: "getPublicBookingPage", tag: "Customer pages" },
  "GET /api/v1/public/pages/:slug/scheduling": { id: "getPublicBookingRules", tag: "Customer pages" },
  "GET /api/v1/public/pages/:slug/slots": { id: "listPublicSlots", tag: "Customer pages" },
  "POST /api/v1/public/pages/:slug/bookings": { id: "bookPublicSlot", tag: "Customer pages" },
  "POST /api/v1/public/pages/:slug/requests": { id: "requestPublicTimes", tag: "Customer pages" },
  "POST /api/v1/public/pages/:slug/packages": { id: "bookPublicPackage", tag: "Customer pages" },
  "GET /api/v1/public/manage/:token": { id: "getManagedBooking", tag: "Customer pages" },
  "GET /api/v1/public/manage/:token/slots": { id: "listManageSlots", tag: "Customer pages" },
  "POST /api/v1/public/manage/:token/cancel": { id: "cancelManagedBooking", tag: "Customer pages" },
  "POST /api/v1/public/manage/:token/reschedule": { id: "rescheduleManagedBooking", tag: "Customer pages" },
  "POST /api/v1/public/manage/:token/resubmit": { id: "resubmitManagedRequest", tag: "Customer pages" },
  "GET /api/v1/public/master-pages/:slug": { id: "getPublicMasterPage", tag: "Customer pages" },
  "POST /api/v1/public/master-pages/:slug/route": { id: "routePublicMasterPage", tag: "Customer pages" },
  "GET /api/v1/public/accounts/:id/logo": { id: "getAccountLogo", tag: "Customer pages" },

  "GET /api/v1/test-clock": { id: "getTestClock", tag: "Testing" },
  "POST /api/v1/test-clock": { id: "moveTestClock", tag: "Testing" },
};

/** onRoute hook: fills each documented route's operationId and tag from OPERATIONS. */
export function assignOperationId(route: RouteOptions): void {
  const schema = route.schema as ({ hide?: boolean; operationId?: string; tags?: string[] } & Record<string, unknown>) | undefined;
  if (!schema || schema.hide) return;
  const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== "HEAD");
  if (methods.length !== 1) return;
  const op = OPERATIONS[`${methods[0]} ${route.url}`];
  if (!op) return; // test/openapi.test.ts names it
  route.schema = { ...schema, operationId: op.id, tags: [op.tag] };
}
