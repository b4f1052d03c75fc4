import type { ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/**
 * The reports' charts, on Recharts (recharts.org). Why Recharts: it is React components over SVG
 * (no canvas, no imperative chart objects to keep in step with React state), it is widely used and
 * actively released (v3, MIT), stacked bars, composed bar + line charts and a responsive container
 * (phones) come built in, and it sets its styles through the DOM rather than injected <style>
 * elements, so it runs under the server's Content-Security-Policy without an exception.
 *
 * Every chart is drawn from the same figures as the table under it, which is the chart's text
 * equivalent: the SVG is hidden from assistive technology and the figure's caption says so. The
 * figure carries the number of bars and the series it stacks, for people (its label) and for tests.
 */

export interface Series {
  key: string;
  label: string;
  color: string;
}

export type Point = { label: string } & Record<string, number | string>;

function Figure(props: { caption: string; description: string; points: number; series: Series[]; testId: string; children: ReactNode }) {
  const { caption, description, points, series, testId, children } = props;
  return (
    <figure className="chart" aria-label={`${caption}: ${description}`} data-testid={testId} data-points={points} data-series={series.map((s) => s.label).join("|")}>
      <figcaption className="chart-caption">
        {caption} <span className="muted">(the table below has the same figures)</span>
      </figcaption>
      <div className="chart-canvas" aria-hidden="true">
        {children}
      </div>
    </figure>
  );
}

const axisTick = { fontSize: 12, fill: "#5b6675" };
/** Long labels (booking page names, zones) are shortened on the axis; the tooltip and table say them in full. */
const shortLabel = (v: string) => (v.length > 16 ? `${v.slice(0, 15)}…` : v);

/** Bars (one per point), each stacked by the series: bookings per month by status, per page by status… */
export function StackedBars(props: { caption: string; data: Point[]; series: Series[]; unit: string; testId: string }) {
  const { caption, data, series, unit, testId } = props;
  const shown = series.filter((s) => data.some((d) => Number(d[s.key]) > 0));
  const description = `${data.length} ${data.length === 1 ? "bar" : "bars"}, stacked by ${shown.map((s) => s.label).join(", ") || "nothing"}`;
  return (
    <Figure caption={caption} description={description} points={data.length} series={shown} testId={testId}>
      <ResponsiveContainer width="100%" height={280}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 4, left: -16 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e5ea" />
          <XAxis dataKey="label" tick={axisTick} tickFormatter={shortLabel} interval="preserveStartEnd" minTickGap={8} />
          <YAxis allowDecimals={false} tick={axisTick} width={48} />
          <Tooltip cursor={{ fill: "rgba(29, 78, 216, 0.06)" }} formatter={(v, name) => [`${v} ${unit}`, name]} />
          <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
          {shown.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} stackId="one" fill={s.color} isAnimationActive={false} maxBarSize={56} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </Figure>
  );
}

/** One currency's money over the groups: payments and refunds as bars, net as a line. */
export function MoneyBars(props: { caption: string; currency: string; data: Point[]; testId: string }) {
  const { caption, currency, data, testId } = props;
  const series: Series[] = [
    { key: "payments", label: "Payments", color: "#15803d" },
    { key: "refunds", label: "Refunds", color: "#b42318" },
    { key: "net", label: "Net", color: "#1d4ed8" },
  ];
  const description = `${data.length} ${data.length === 1 ? "group" : "groups"} in ${currency}: payments, refunds and net`;
  return (
    <Figure caption={caption} description={description} points={data.length} series={series} testId={testId}>
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 4, left: -8 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e5ea" />
          <XAxis dataKey="label" tick={axisTick} tickFormatter={shortLabel} interval="preserveStartEnd" minTickGap={8} />
          <YAxis tick={axisTick} width={56} />
          <Tooltip formatter={(v, name) => [`${Number(v).toFixed(2)} ${currency}`, name]} />
          <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
          <Bar dataKey="payments" name="Payments" fill="#15803d" isAnimationActive={false} maxBarSize={40} />
          <Bar dataKey="refunds" name="Refunds" fill="#b42318" isAnimationActive={false} maxBarSize={40} />
          <Line dataKey="net" name="Net" stroke="#1d4ed8" strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </Figure>
  );
}
