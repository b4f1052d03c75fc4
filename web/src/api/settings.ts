import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type { AccountSettings as AccountSettingsSchema } from "../../../src/http/routes/account-settings-routes";
import type { TeamMember as TeamMemberSchema } from "../../../src/http/routes/team-routes";
import type { Availability as AvailabilitySchema, MasterPage as MasterPageSchema, PageSettings as PageSettingsSchema } from "../../../src/http/scheduling-schemas";
import { api } from "./client";
import { keys } from "./queries";
import type { Me } from "./types";

/** The settings screens' reads and writes (types from the server's own schemas; type-only). */
export type TeamUser = z.infer<typeof TeamMemberSchema>;
export type PageSettings = z.infer<typeof PageSettingsSchema>;
export type Availability = z.infer<typeof AvailabilitySchema>;
export type MasterPage = z.infer<typeof MasterPageSchema>;
export type AccountSettings = z.infer<typeof AccountSettingsSchema>;
export type HoursRange = [string, string];
export type WeeklyHours = Partial<Record<"mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun", HoursRange[]>>;

export interface Invitation {
  id: string;
  email: string;
  role: "admin" | "member";
  createdAt: string;
  expiresAt: string;
  expired?: boolean;
  invitedBy: string | null;
}

export interface LeftBehind {
  upcomingBookings: {
    count: number;
    items: { id: string; status: string; start: string | null; latestProposedAt: string | null; customerName: string | null; bookingPageName: string | null }[];
  };
  hostedPages: { id: string; name: string; slug: string }[];
}

export const settingsKeys = {
  team: (status: string) => ["team", status] as const,
  invitations: ["invitations"] as const,
  page: (id: string) => ["booking-page", id] as const,
  availability: (userId: string) => ["availability", userId] as const,
  masters: ["master-pages"] as const,
  account: ["account"] as const,
};

export const useTeam = (status: "active" | "deactivated" | "all" = "all") =>
  useQuery({ queryKey: settingsKeys.team(status), queryFn: async () => (await api<{ items: TeamUser[] }>(`/api/v1/users?status=${status}`)).items });

export const useInvitations = (enabled: boolean) =>
  useQuery({ queryKey: settingsKeys.invitations, queryFn: async () => (await api<{ items: Invitation[] }>("/api/v1/invitations")).items, enabled });

export const usePageSettings = (id: string, enabled = true) =>
  useQuery({ queryKey: settingsKeys.page(id), queryFn: () => api<PageSettings>(`/api/v1/booking-pages/${id}`), enabled });

export const useAvailability = (userId: string) =>
  useQuery({ queryKey: settingsKeys.availability(userId), queryFn: () => api<Availability>(`/api/v1/users/${userId}/availability`) });

export const useMasterPages = () => useQuery({ queryKey: settingsKeys.masters, queryFn: async () => (await api<{ items: MasterPage[] }>("/api/v1/master-pages")).items });

export const useAccountSettings = () => useQuery({ queryKey: settingsKeys.account, queryFn: () => api<AccountSettings>("/api/v1/account"), staleTime: 60_000 });

/** Team changes: each refreshes the team lists (and the user lists other screens use). */
export function useTeamMutations() {
  const qc = useQueryClient();
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ["team"] });
    void qc.invalidateQueries({ queryKey: keys.users });
    void qc.invalidateQueries({ queryKey: settingsKeys.invitations });
  };
  return {
    invite: useMutation({ mutationFn: (b: { email: string; role: "admin" | "member" }) => api<{ invitation: Invitation; link: string }>("/api/v1/invitations", { method: "POST", body: b }), onSuccess: refresh }),
    renew: useMutation({ mutationFn: (id: string) => api<{ invitation: Invitation; link: string }>(`/api/v1/invitations/${id}/renew`, { method: "POST", body: {} }), onSuccess: refresh }),
    revoke: useMutation({ mutationFn: (id: string) => api<void>(`/api/v1/invitations/${id}`, { method: "DELETE" }), onSuccess: refresh }),
    role: useMutation({ mutationFn: (b: { id: string; role: "admin" | "member" }) => api<TeamUser>(`/api/v1/users/${b.id}`, { method: "PATCH", body: { role: b.role } }), onSuccess: refresh }),
    deactivate: useMutation({ mutationFn: (id: string) => api<LeftBehind & { user: TeamUser }>(`/api/v1/users/${id}/deactivate`, { method: "POST", body: {} }), onSuccess: refresh }),
    reactivate: useMutation({ mutationFn: (id: string) => api<TeamUser>(`/api/v1/users/${id}/reactivate`, { method: "POST", body: {} }), onSuccess: refresh }),
    resetPassword: useMutation({ mutationFn: (id: string) => api<{ link: string; expiresAt: string }>(`/api/v1/users/${id}/password-reset`, { method: "POST", body: {} }) }),
  };
}

export const useLeftBehind = (userId: string | null) =>
  useQuery({ queryKey: ["left-behind", userId], queryFn: () => api<LeftBehind>(`/api/v1/users/${userId}/upcoming-bookings`), enabled: Boolean(userId) });

export function useProfileMutations() {
  const qc = useQueryClient();
  return {
    update: useMutation({
      mutationFn: (b: { name?: string; email?: string; timeZone?: string }) => api<Me>("/api/v1/me", { method: "PATCH", body: b }),
      onSuccess: (me) => {
        qc.setQueryData(keys.me, me);
        void qc.invalidateQueries({ queryKey: ["team"] });
      },
    }),
    password: useMutation({ mutationFn: (b: { currentPassword: string; newPassword: string }) => api<void>("/api/v1/me/password", { method: "POST", body: b }) }),
  };
}

/** Booking page writes; the answer is the page's settings, put straight into the cache. */
export function usePageMutations(id: string) {
  const qc = useQueryClient();
  const put = (p: PageSettings) => {
    qc.setQueryData(settingsKeys.page(p.id), p);
    void qc.invalidateQueries({ queryKey: keys.pages });
  };
  const base = `/api/v1/booking-pages/${id}`;
  const refetch = () => {
    void qc.invalidateQueries({ queryKey: settingsKeys.page(id) });
    void qc.invalidateQueries({ queryKey: keys.pages });
  };
  return {
    patch: useMutation({ mutationFn: (b: Record<string, unknown>) => api<PageSettings>(base, { method: "PATCH", body: b }), onSuccess: put }),
    hosts: useMutation({ mutationFn: (userIds: string[]) => api<PageSettings>(`${base}/hosts`, { method: "PUT", body: { userIds } }), onSuccess: put }),
    members: useMutation({ mutationFn: (members: { userId: string; role: "editor" | "viewer" }[]) => api<PageSettings>(`${base}/members`, { method: "PUT", body: { members } }), onSuccess: put }),
    addEventType: useMutation({ mutationFn: (b: { name: string; durationMinutes: number }) => api(`${base}/event-types`, { method: "POST", body: b }), onSuccess: refetch }),
    changeEventType: useMutation({
      mutationFn: ({ eventTypeId, ...b }: { eventTypeId: string; name?: string; durationMinutes?: number }) => api(`${base}/event-types/${eventTypeId}`, { method: "PATCH", body: b }),
      onSuccess: refetch,
    }),
    deleteEventType: useMutation({ mutationFn: (eventTypeId: string) => api<void>(`${base}/event-types/${eventTypeId}`, { method: "DELETE" }), onSuccess: refetch }),
    duplicate: useMutation({ mutationFn: (b: { slug: string; name: string }) => api<PageSettings>(`${base}/duplicate`, { method: "POST", body: b }), onSuccess: put }),
    remove: useMutation({
      mutationFn: () => api<void>(base, { method: "DELETE" }),
      onSuccess: () => {
        qc.removeQueries({ queryKey: settingsKeys.page(id) });
        void qc.invalidateQueries({ queryKey: keys.pages });
      },
    }),
  };
}

export function useCreatePage() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: Record<string, unknown>) => api<PageSettings>("/api/v1/booking-pages", { method: "POST", body: b }),
    onSuccess: (p) => {
      qc.setQueryData(settingsKeys.page(p.id), p);
      void qc.invalidateQueries({ queryKey: keys.pages });
    },
  });
}

export function useAvailabilityMutations(userId: string) {
  const qc = useQueryClient();
  const put = (a: Availability) => qc.setQueryData(settingsKeys.availability(userId), a);
  const base = `/api/v1/users/${userId}`;
  return {
    set: useMutation({ mutationFn: (b: { timeZone?: string; weeklyHours?: WeeklyHours | null }) => api<Availability>(`${base}/availability`, { method: "PUT", body: b }), onSuccess: put }),
    override: useMutation({ mutationFn: (b: { date: string; ranges: HoursRange[] }) => api<Availability>(`${base}/date-overrides/${b.date}`, { method: "PUT", body: { ranges: b.ranges } }), onSuccess: put }),
    removeOverride: useMutation({ mutationFn: (date: string) => api<Availability>(`${base}/date-overrides/${date}`, { method: "DELETE" }), onSuccess: put }),
  };
}

export function useMasterMutations() {
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey: settingsKeys.masters });
  return {
    create: useMutation({ mutationFn: (b: Record<string, unknown>) => api<MasterPage>("/api/v1/master-pages", { method: "POST", body: b }), onSuccess: done }),
    update: useMutation({ mutationFn: ({ id, ...b }: { id: string } & Record<string, unknown>) => api<MasterPage>(`/api/v1/master-pages/${id}`, { method: "PATCH", body: b }), onSuccess: done }),
    remove: useMutation({ mutationFn: (id: string) => api<void>(`/api/v1/master-pages/${id}`, { method: "DELETE" }), onSuccess: done }),
  };
}

export function useAccountMutations() {
  const qc = useQueryClient();
  const put = (a: AccountSettings) => {
    qc.setQueryData(settingsKeys.account, a);
    void qc.invalidateQueries({ queryKey: keys.me });
  };
  return {
    update: useMutation({
      mutationFn: (b: { name?: string; brandColor?: string | null; defaultTimeZone?: string; embedOrigins?: string[]; emailSenderName?: string | null; emailSenderAddress?: string | null }) => api<AccountSettings>("/api/v1/account", { method: "PATCH", body: b }),
      onSuccess: put,
    }),
    logo: useMutation({ mutationFn: (dataUrl: string | null) => api<AccountSettings>("/api/v1/account/logo", dataUrl ? { method: "PUT", body: { dataUrl } } : { method: "DELETE" }), onSuccess: put }),
  };
}
