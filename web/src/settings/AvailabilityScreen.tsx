import { useState } from "react";
import { useUsers } from "../api/queries";
import { useAvailability, useAvailabilityMutations, type Availability, type WeeklyHours } from "../api/settings";
import type { Me } from "../api/types";
import { navigate } from "../app/router";
import { zoneName } from "../ui/format";
import { AvailabilityCalendar } from "./AvailabilityCalendar";
import { CheckField, SaveBar, TimeZoneField, fieldErrors } from "./fields";
import { WeeklyHoursEditor, compactHours } from "./WeeklyHoursEditor";

/**
 * A person's availability: their time zone, weekly hours in it, and date overrides (days off,
 * other hours) on a month calendar. Everyone edits their own; admins anyone's.
 */
export function AvailabilityScreen({ me, userId }: { me: Me; userId: string }) {
  const admin = me.user.role === "admin";
  const users = useUsers();
  const availability = useAvailability(userId);
  const person = userId === me.user.id ? "Your" : `${users.data?.find((u) => u.id === userId)?.name ?? "Their"}'s`;
  const mayEdit = admin || userId === me.user.id;
  return (
    <div className="settings-screen">
      <header className="settings-head settings-head-row">
        <div>
          <h2>{person} availability</h2>
          <p className="muted">When bookings can be made with {userId === me.user.id ? "you" : "them"}. Booked meetings and buffers are taken out automatically.</p>
        </div>
        {admin && (
          <div className="field">
            <label htmlFor="availability-user">Whose availability</label>
            <select id="availability-user" className="input" value={userId} onChange={(e) => navigate(`/settings/availability/${e.target.value}`)}>
              {(users.data ?? []).map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                  {u.id === me.user.id ? " (you)" : ""}
                </option>
              ))}
            </select>
          </div>
        )}
      </header>
      {availability.isPending && <p>Loading…</p>}
      {availability.error && <p className="form-error" role="alert">{availability.error.message}</p>}
      {availability.data && (
        <>
          <WeeklyForm key={`${userId}-weekly`} userId={userId} data={availability.data} readOnly={!mayEdit} />
          <AvailabilityCalendar key={`${userId}-cal`} userId={userId} data={availability.data} readOnly={!mayEdit} />
        </>
      )}
    </div>
  );
}

function WeeklyForm({ userId, data, readOnly }: { userId: string; data: Availability; readOnly: boolean }) {
  const { set } = useAvailabilityMutations(userId);
  const [zone, setZone] = useState(data.timeZone);
  const [own, setOwn] = useState(data.weeklyHours !== null);
  const [hours, setHours] = useState<WeeklyHours>((data.weeklyHours as WeeklyHours | null) ?? { mon: [["09:00", "17:00"]], tue: [["09:00", "17:00"]], wed: [["09:00", "17:00"]], thu: [["09:00", "17:00"]], fri: [["09:00", "17:00"]] });
  const [saved, setSaved] = useState(false);
  const errs = fieldErrors(set.error, ["timeZone", "weeklyHours"]);
  const touched = <T,>(f: (v: T) => void) => (v: T) => {
    setSaved(false);
    f(v);
  };
  return (
    <form
      className="settings-card form"
      aria-labelledby="weekly-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        set.mutate({ timeZone: zone, weeklyHours: own ? compactHours(hours) : null }, { onSuccess: () => setSaved(true) });
      }}
    >
      <h3 id="weekly-title">Weekly hours</h3>
      <fieldset className="plain-fieldset" disabled={readOnly}>
        <TimeZoneField value={zone} onChange={touched(setZone)} error={errs.of("timeZone")} hint="Weekly hours and date overrides are in this zone." />
        <CheckField
          label="Set weekly hours"
          checked={own}
          onChange={touched(setOwn)}
          hint={own ? undefined : "Off: available in each booking page's open hours."}
        />
        {own && <WeeklyHoursEditor legend={`Hours each week (${zoneName(zone)})`} value={hours} onChange={touched(setHours)} errorOf={(day) => errs.of(`weeklyHours.${day}`)} />}
      </fieldset>
      {!readOnly && <SaveBar pending={set.isPending} error={errs.general} saved={saved} />}
    </form>
  );
}
